import { readFile, writeFile } from "node:fs/promises";
import { createHolderKey, createPresentation, DisclosureError, PresentationError } from "../../present/index.js";
import { loadKeystoreFile, saveKeystoreFile } from "../../present/keystore-file.js";
import { HolderKeyError } from "../../present/keys.js";
import { parseInteger, requireAbsent, requirePath, type GlobalOptions } from "../context.js";
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
  options: { key: string; credential: string[]; disclose?: string; challenge: string; domain: string; validFor?: string; out: string },
  _globals: GlobalOptions,
  out: Output,
): Promise<number> {
  if (options.credential.length === 0) throw new UsageError("Give the credentials to present: --credential <file> (repeatable).");
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
  const reveal = (options.disclose ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const minutes = parseInteger(options.validFor ?? "10", "--valid-for", 1, 7 * 24 * 60);
  try {
    const key = await loadKeystoreFile({ path: options.key, password: password() });
    const vp = await createPresentation({
      credentials, disclose: { reveal }, challenge: options.challenge, domain: options.domain,
      expiresAt: new Date(Date.now() + minutes * 60_000), holder: { account: key.account },
    });
    await writeFile(options.out, JSON.stringify(vp, null, 2) + "\n", { flag: "wx" });
    await out.result(
      `Presentation by ${key.address} of ${credentials.length} credential(s), revealing ${reveal.length ? reveal.join(", ") : "only what the leaf binds"}, for ${options.domain}: ${options.out}`,
      { holder: key.address, file: options.out, revealed: reveal, domain: options.domain },
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof DisclosureError || error instanceof PresentationError || error instanceof HolderKeyError) {
      throw new UsageError(error.shortMessage, { ...(error.details ? { details: error.details } : {}), cause: error });
    }
    throw error;
  }
}
