/**
 * Issuer key files: the key as a JSON Multikey with its secret half (`secretKeyMultibase`), written
 * with mode 0600 and never over an existing file; read back only when no group or other user may
 * read or write it (POSIX). Error messages never quote the file's content (it holds the secret).
 */
import { open, readFile, stat } from "node:fs/promises";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import type { Ed25519KeyPair } from "@digitalbazaar/ed25519-multikey";
import { SIGNING_DID } from "../v3/dids.js";
import { IssuerKeyFileError } from "./errors.js";
import { MULTIKEY_V1_CONTEXT_URL, issuerKeyOf, keyPairOf, type IssuerKey } from "./keys.js";

/** Multibase prefix of an Ed25519 public key (base58btc of the 0xed01 multicodec header). */
const ED25519_PUBLIC_PREFIX = "z6Mk";

/**
 * Writes `key` with its secret half to `file` (JSON, mode 0600). Refuses an existing file
 * ({@link IssuerKeyFileError}): a key file is never overwritten, so a key cannot be lost by mistake.
 *
 * @example
 * await saveIssuerKey(".credstack/issuer-key.json", await createIssuerKey());
 */
export async function saveIssuerKey(file: string, key: IssuerKey): Promise<void> {
  const exported = await keyPairOf(key).export({ publicKey: true, secretKey: true, includeContext: false });
  const json = {
    "@context": MULTIKEY_V1_CONTEXT_URL,
    type: "Multikey",
    id: key.id,
    controller: key.controller,
    publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: exported.secretKeyMultibase,
  };
  let handle;
  try {
    handle = await open(file, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EEXIST"
      ? "already exists; not overwritten (a key file is never replaced)"
      : `cannot be created (${code})`;
    throw new IssuerKeyFileError(file, undefined, why, { cause: error });
  }
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`, "utf8");
  } finally {
    await handle.close();
  }
}

/**
 * Reads an issuer key file written by {@link saveIssuerKey}. Throws an {@link IssuerKeyFileError}
 * naming the field at fault for a malformed file (`type`, `controller`, `id`, `publicKeyMultibase`,
 * `secretKeyMultibase`, including a secret key that is not the public key's), and refuses, on POSIX,
 * a file that group or other users may read or write (`chmod 600` it). `id` may be any
 * `<controller>#<fragment>` (e.g. `#key-1` for a did:web DID document that names the key so).
 *
 * @example
 * const key = await loadIssuerKey(".credstack/issuer-key.json"); // key.controller: "did:key:z6Mk…"
 */
export async function loadIssuerKey(file: string): Promise<IssuerKey> {
  let text: string;
  try {
    const { mode } = await stat(file);
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, "0");
      const why = `is readable or writable by group or others (mode ${octal}); run chmod 600 on it`;
      throw new IssuerKeyFileError(file, undefined, why);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof IssuerKeyFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new IssuerKeyFileError(file, undefined, `cannot be read (${code})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not the parser's message: it may quote the file, secret included.
    throw new IssuerKeyFileError(file, undefined, "is not JSON");
  }
  return issuerKeyOf(await keyPairFromJson(file, json));
}

async function keyPairFromJson(file: string, json: unknown): Promise<Ed25519KeyPair> {
  const fail = (field: string, message: string) => new IssuerKeyFileError(file, field, message);
  if (!json || typeof json !== "object" || Array.isArray(json)) throw fail("(root)", "must be a JSON object");
  const k = json as Record<string, unknown>;
  if (k.type !== "Multikey") throw fail("type", `must be "Multikey"`);
  const { controller, id, publicKeyMultibase: pub, secretKeyMultibase: secret } = k;
  if (typeof controller !== "string" || !SIGNING_DID.test(controller)) {
    throw fail("controller", "must be a did:key or did:web DID");
  }
  if (typeof pub !== "string" || !pub.startsWith(ED25519_PUBLIC_PREFIX)) {
    throw fail("publicKeyMultibase", `must be an Ed25519 Multikey (${ED25519_PUBLIC_PREFIX}…)`);
  }
  if (controller.startsWith("did:key:") && controller !== `did:key:${pub}`) {
    throw fail("controller", "is a did:key that is not this key's (did:key:<publicKeyMultibase>)");
  }
  if (typeof id !== "string" || !id.startsWith(`${controller}#`) || id.length === controller.length + 1) {
    throw fail("id", "must be <controller>#<fragment>");
  }
  if (typeof secret !== "string" || !secret.startsWith("z")) {
    throw fail("secretKeyMultibase", "must be a multibase string (z…)");
  }
  try {
    await Ed25519Multikey.from({ type: "Multikey", publicKeyMultibase: pub });
  } catch {
    throw fail("publicKeyMultibase", "is not a valid Ed25519 public key");
  }
  let pair: Ed25519KeyPair;
  try {
    const multikey = { type: "Multikey" as const, id, controller, publicKeyMultibase: pub, secretKeyMultibase: secret };
    pair = await Ed25519Multikey.from(multikey);
  } catch {
    throw fail("secretKeyMultibase", "is not a valid Ed25519 secret key");
  }
  if (!(await matches(pair))) throw fail("secretKeyMultibase", "is not the secret key of publicKeyMultibase");
  return pair;
}

/** Does the secret key sign what the public key verifies? (The file could pair two keys.) */
async function matches(pair: Ed25519KeyPair): Promise<boolean> {
  const data = new TextEncoder().encode("credstack issuer key check");
  try {
    const signature = await pair.signer().sign({ data });
    return await pair.verifier().verify({ data, signature });
  } catch {
    return false;
  }
}
