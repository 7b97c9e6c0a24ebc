import path from "node:path";
import { writeFileAtomic } from "../../batch/files.js";
import { createIssuerKey, didWebDocument, didWebUrl, loadIssuerKey, saveIssuerKey } from "../../credential/sign/index.js";
import { requireAbsent, requirePath, type GlobalOptions } from "../context.js";
import { UsageError, type Output } from "../output.js";

const rel = (p: string) => path.relative(process.cwd(), p) || ".";

/**
 * `credstack issuer signing-key create --out <file> [--did did:web:…]`: a new Ed25519 key for
 * signing exported v3 credentials (`batch extract --sign`), saved 0600. Its DID (did:key, or the
 * given did:web) is what `batch build --issuer-did` puts in the credentials' `issuer.id`.
 */
export async function create(options: { out: string; did?: string }, _globals: GlobalOptions, out: Output): Promise<void> {
  await requireAbsent(options.out, "The key file");
  if (options.did !== undefined && !options.did.startsWith("did:web:")) throw new UsageError("--did takes a did:web DID (without it the key's own did:key is used).");
  const key = await createIssuerKey(options.did !== undefined ? { did: options.did } : {});
  await saveIssuerKey(options.out, key);
  const file = path.resolve(options.out);
  const lines = [
    `Created an Ed25519 signing key in ${rel(file)} (mode 0600; keep it secret, back it up)`,
    `  issuer DID            ${key.controller}`,
    `  verification method   ${key.id}`,
    `Build batches with \`batch build --issuer-did ${key.controller}\`, then \`batch extract --sign ${rel(file)}\`.`,
  ];
  if (key.controller.startsWith("did:web:")) lines.push(`Publish \`issuer signing-key did-document ${rel(file)}\` at ${didWebUrl(key.controller)}.`);
  await out.result(lines, { file, did: key.controller, verificationMethod: key.id });
}

/** `credstack issuer signing-key did-document <file>`: the did:web DID document to publish (public key only). */
export async function didDocument(options: { args: [string]; out?: string }, _globals: GlobalOptions, out: Output): Promise<void> {
  const [file] = options.args;
  await requirePath(file, "file", "The key file");
  const key = await loadIssuerKey(file);
  if (!key.controller.startsWith("did:web:")) throw new UsageError(`The key's DID is ${key.controller}: a did:key needs no published document.`);
  const text = JSON.stringify(didWebDocument(key), null, 2) + "\n";
  if (options.out === undefined) return out.raw(text);
  await requireAbsent(options.out, "The output file");
  await writeFileAtomic(options.out, text);
  await out.result(`Wrote the DID document of ${key.controller} to ${rel(path.resolve(options.out))}; publish it at ${didWebUrl(key.controller)}.`, {
    out: path.resolve(options.out),
    url: didWebUrl(key.controller),
  });
}
