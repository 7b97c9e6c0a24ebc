import { readFile, writeFile } from "node:fs/promises";
import {
  createHolderKey, createPresentation, createVerificationRequest, DisclosureError, PresentationError, requestLink,
  VerificationRequestError, type VerificationRequest,
} from "../../present/index.js";
import { loadKeystoreFile, saveKeystoreFile } from "../../present/keystore-file.js";
import { HolderKeyError } from "../../present/keys.js";
import { parseInteger, requireAbsent, requirePath, type GlobalOptions } from "../context.js";
import { readRequest } from "../request-file.js";
import { EXIT, UsageError, type Output } from "../output.js";

/** The keystore password: CREDSTACK_KEYSTORE_PASSWORD (never a flag: it would sit in the shell history). */
function password(): string {
  const value = process.env.CREDSTACK_KEYSTORE_PASSWORD;
  if (!value) throw new UsageError("Set the holder keystore's password in CREDSTACK_KEYSTORE_PASSWORD.");
  return value;
}

/**
 * `credstack holder key create --out <keystore>`: a new holder key (secp256k1), written as a standard
 * scrypt JSON keystore (file mode 0600) encrypted with CREDSTACK_KEYSTORE_PASSWORD; prints its
 * address (the wallet an issuer binds credentials to).
 */
export async function keyCreate(options: { out: string }, _globals: GlobalOptions, out: Output): Promise<number> {
  await requireAbsent(options.out, "The keystore file");
  const key = createHolderKey();
  await saveKeystoreFile({ path: options.out, key, password: password() });
  await out.result(`Holder key ${key.address} written to ${options.out} (encrypted; mode 0600).`, { address: key.address, keystore: options.out });
  return EXIT.ok;
}

/**
 * `credstack present --key <keystore> --credential <file>... [--disclose <fields>] --challenge <c> --domain <d>
 * --out <file>`: a verifiable presentation of the holder's credentials that reveals only the listed
 * optional fields (`name`, `studentId`, `grade`, `schema` or JSON pointers; the leaf's public facts always),
 * bound to the verifier's challenge and domain by the holder's EIP-712 signature. Verify it with
 * `credstack verify <file> --challenge <c> --domain <d>`.
 */
export async function present(
  options: { key: string; credential: string[]; disclose?: string; challenge?: string; domain?: string; request?: string; validFor?: string; out: string },
  _globals: GlobalOptions,
  out: Output,
): Promise<number> {
  if (options.credential.length === 0) throw new UsageError("Give the credentials to present: --credential <file> (repeatable).");
  const request = options.request !== undefined ? await readRequest(options.request) : undefined;
  if (request && (options.challenge || options.domain)) throw new UsageError("--request carries the challenge and domain: do not pass --challenge or --domain too.");
  const challenge = request?.challenge ?? options.challenge;
  const domain = request?.domain ?? options.domain;
  if (!challenge || !domain) throw new UsageError("Give the verifier's --request, or its --challenge and --domain.");
  if (request && Date.parse(request.expiresAt) <= Date.now()) throw new UsageError(`The verifier's request expired at ${request.expiresAt}: ask it for a new one.`);
  await requirePath(options.key, "file", "The keystore");
  await requireAbsent(options.out, "The presentation file");
  const credentials: Record<string, unknown>[] = [];
  for (const file of options.credential) {
    await requirePath(file, "file", "The credential file");
    try {
      credentials.push(JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>);
    } catch (error) {
      throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
    }
  }
  // What the holder reveals: --disclose when given (the holder decides), else what the request asks for.
  const reveal = options.disclose !== undefined ? options.disclose.split(",").map((s) => s.trim()).filter(Boolean) : (request?.disclose ?? []);
  const minutes = parseInteger(options.validFor ?? "10", "--valid-for", 1, 7 * 24 * 60);
  try {
    const key = await loadKeystoreFile({ path: options.key, password: password() });
    const vp = await createPresentation({
      credentials, disclose: { reveal }, challenge, domain,
      expiresAt: new Date(Date.now() + minutes * 60_000), holder: { account: key.account },
    });
    await writeFile(options.out, JSON.stringify(vp, null, 2) + "\n", { flag: "wx" });
    await out.result(
      `Presentation by ${key.address} of ${credentials.length} credential(s), revealing ${reveal.length ? reveal.join(", ") : "only what the leaf binds"}, for ${domain}: ${options.out}` +
        (request?.responseUri ? `\n  send it to ${request.responseUri}` : ""),
      { holder: key.address, file: options.out, revealed: reveal, domain, ...(request?.responseUri ? { responseUri: request.responseUri } : {}) },
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof DisclosureError || error instanceof PresentationError || error instanceof HolderKeyError) {
      throw new UsageError(error.shortMessage, { ...(error.details ? { details: error.details } : {}), cause: error });
    }
    throw error;
  }
}

/**
 * `credstack request create --domain <d> [--ask <fields>] [--achievement <id>]... [--response-uri <url>]
 * [--valid-for <min>] [--out <file>]`: the verifier's request (a fresh single-use challenge, its
 * domain, what it asks to see), written as JSON to keep and printed as a link to hand over (or
 * show as a QR code). Verify the answer with `credstack verify <vp> --request <file>`.
 */
export async function requestCreate(
  options: { domain: string; ask?: string; achievement?: string[]; responseUri?: string; validFor?: string; out?: string },
  _globals: GlobalOptions,
  out: Output,
): Promise<number> {
  if (options.out) await requireAbsent(options.out, "The request file");
  const minutes = parseInteger(options.validFor ?? "10", "--valid-for", 1, 7 * 24 * 60);
  let request: VerificationRequest;
  try {
    request = createVerificationRequest({
      domain: options.domain,
      disclose: (options.ask ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      achievements: options.achievement ?? [],
      ...(options.responseUri ? { responseUri: options.responseUri } : {}),
      validForSeconds: minutes * 60,
    });
  } catch (error) {
    if (!(error instanceof VerificationRequestError)) throw error;
    throw new UsageError(error.shortMessage, { details: error.details ?? "", cause: error });
  }
  if (options.out) await writeFile(options.out, JSON.stringify(request, null, 2) + "\n", { flag: "wx", mode: 0o600 });
  const link = requestLink(request);
  await out.result([`Request for ${request.domain}, valid until ${request.expiresAt}${options.out ? ` (kept in ${options.out})` : ""}:`, link], { request, link });
  return EXIT.ok;
}
