import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import path from "node:path";
import type { Hex } from "viem";
import { hasLearnerId } from "../credential/credential-schema.js";
import { credentialDigest, credentialDigestWithSalts } from "../credential/disclosure.js";
import { CredstackError, ValidationError, type FieldIssue } from "../credential/errors.js";
import { toFieldIssues } from "../credential/schema.js";
import { CREDENTIAL_FORMAT_V3, credentialFileSchema, manifestSchema, schemeOf, type BatchManifest, type CredentialFile, type Shard } from "./format.js";
import { recordFromVerifiableCredential, toVerifiableCredential } from "./v3/credential.js";
import { MerkleProofError } from "./v3/merkle-proof.js";
import { readShardsV3 } from "./v3/read-shards.js";
import { leafHash } from "./leaf.js";
import { MerkleBatchTree } from "./tree.js";
import type { Batch } from "./build.js";

/** Raised when a batch directory cannot be written or read as a whole. */
export class BatchFileError extends CredstackError {
  override name = "BatchFileError";
  constructor(
    shortMessage: string,
    readonly file: string,
    cause?: unknown,
  ) {
    super(shortMessage, { details: `file: ${file}`, cause });
  }
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** Writes `data` to `file` atomically: a temp file in the same directory, then a rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Writes a batch directory atomically: everything goes to a hidden sibling directory which is
 * renamed to `dir` only once complete, so an interrupted build leaves nothing that looks like a
 * batch. Refuses to overwrite an existing `dir`.
 */
export async function writeBatch(batch: Batch, dir: string): Promise<void> {
  const files = batch.manifest.files;
  if (!files || files.length !== batch.credentials.length) throw new CredstackError("writeBatch writes batches with one file per credential.");
  const target = path.resolve(dir);
  if (await exists(target)) throw new BatchFileError("The output directory already exists; refusing to overwrite a batch.", target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(path.join(tmp, "credentials"), { recursive: true });
    for (let i = 0; i < batch.credentials.length; i++) {
      const c = batch.credentials[i]!;
      const out = c.format === CREDENTIAL_FORMAT_V3 ? toVerifiableCredential(c) : c;
      await writeFile(path.join(tmp, files[i]!), JSON.stringify(out, null, 2) + "\n");
    }
    await writeFile(path.join(tmp, "manifest.json"), JSON.stringify(batch.manifest, null, 2) + "\n");
    await rename(tmp, target);
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw cause instanceof CredstackError ? cause : new BatchFileError("Could not write the batch.", target, cause);
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new BatchFileError("Cannot read file.", file, cause);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BatchFileError(`Not valid JSON: ${(cause as Error).message}`, file, cause);
  }
}

/**
 * A stored credential from its parsed JSON: a v1/v2 file (with `format`), or a bare v3 VC (its
 * record, {@link recordFromVerifiableCredential}). Schema only; see {@link checkCredentialFile}.
 */
export function parseStoredCredential(json: unknown, location: string): CredentialFile {
  if (json !== null && typeof json === "object" && !("format" in json)) {
    try {
      return recordFromVerifiableCredential(json as Record<string, unknown>, `credential ${location}`);
    } catch (error) {
      if (error instanceof MerkleProofError) throw new ValidationError(`credential ${location}`, [{ field: error.field, message: error.shortMessage }]);
      throw error;
    }
  }
  const result = credentialFileSchema.safeParse(json);
  if (!result.success) throw new ValidationError(`credential ${location}`, toFieldIssues(result.error));
  return result.data;
}

/** Reads and validates one credential file (schema only; see {@link checkCredentialFile}). */
export async function readCredentialFile(file: string): Promise<CredentialFile> {
  return parseStoredCredential(await readJson(file), `file ${file}`);
}

/** The digest of a credential from its salt seed (v1, v2) or its salts (v3). */
function digestOf(c: CredentialFile): Hex {
  if (c.format === CREDENTIAL_FORMAT_V3) return credentialDigestWithSalts(c.credential, Buffer.from(c.salts.slice(2), "hex"));
  return credentialDigest(c.credential, c.saltSeed, schemeOf(c.format));
}

/** Recomputes a credential file's digest, leaf and proof; returns the problems found. */
export function checkCredentialFile(c: CredentialFile): string[] {
  const problems: string[] = [];
  let digest: Hex | undefined;
  try {
    digest = digestOf(c);
  } catch (error) {
    problems.push(`credential digest: ${(error as Error).message}`);
  }
  if (digest !== undefined && digest !== c.leaf.credentialDigest.toLowerCase()) problems.push("credential digest does not match the credential");
  const leaf = leafHash(c.leaf);
  if (leaf !== c.proof.leaf.toLowerCase()) {
    problems.push(c.format === CREDENTIAL_FORMAT_V3 ? "the credential does not hash to its proof's leaf (altered)" : "leaf does not match the leaf fields");
  }
  if (c.leaf.index !== c.proof.index) problems.push("leaf index and proof index differ");
  if (!MerkleBatchTree.verify(c.proof.root, leaf, c.proof.path)) problems.push("proof does not lead to the root");
  return problems;
}

/** Reads and validates a batch's manifest. */
export async function readManifest(dir: string): Promise<BatchManifest> {
  const manifestFile = path.join(dir, "manifest.json");
  const parsed = manifestSchema.safeParse(await readJson(manifestFile));
  if (!parsed.success) throw new ValidationError(`batch manifest ${manifestFile}`, toFieldIssues(parsed.error));
  return parsed.data;
}

/** Where a credential of a batch is stored: its file, or its shard and line. */
export interface StoredCredential {
  index: number;
  /** `credentials/000123.json`, or `shards/000000.jsonl:124` (1-based line). */
  location: string;
  file: CredentialFile;
}

function parseCredentialText(text: string, location: string): CredentialFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BatchFileError(`Not valid JSON: ${(cause as Error).message}`, location, cause);
  }
  return parseStoredCredential(json, location);
}

/** A shard line's credential file, its proof joined with the shard's path to the batch root. */
function completeFromShard(file: CredentialFile, shard: Shard, manifest: BatchManifest): CredentialFile {
  if (file.proof.root.toLowerCase() !== shard.root.toLowerCase()) return file; // cannot lead to the batch root: the check says so
  return { ...file, proof: { ...file.proof, path: [...file.proof.path, ...shard.path], root: manifest.root } };
}

/**
 * Streams a batch's credentials in index order (schema-checked, not yet re-verified), from its files
 * or its JSON Lines shards; memory stays bounded whatever the batch size.
 */
export async function* readCredentials(dir: string, manifest: BatchManifest): AsyncGenerator<StoredCredential> {
  if (manifest.files) {
    for (let index = 0; index < manifest.files.length; index++) {
      const location = manifest.files[index]!;
      yield { index, location, file: await readCredentialFile(path.join(dir, location)) };
    }
    return;
  }
  if (manifest.credentialFormat === CREDENTIAL_FORMAT_V3) {
    yield* readShardsV3(dir, manifest);
    return;
  }
  for (const shard of manifest.shards!) {
    let line = 0;
    let index = shard.first;
    const input = createReadStream(path.join(dir, shard.file));
    const opened = new Promise((resolve, reject) => input.once("open", resolve).once("error", reject));
    await opened.catch((cause) => Promise.reject(new BatchFileError("Cannot read shard.", path.join(dir, shard.file), cause)));
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      if (text === "") continue;
      const location = `${shard.file}:${line}`;
      if (index >= shard.first + shard.count) throw new BatchFileError(`Shard holds more than its ${shard.count} credentials.`, location);
      yield { index, location, file: completeFromShard(parseCredentialText(text, location), shard, manifest) };
      index++;
    }
    if (index !== shard.first + shard.count) throw new BatchFileError(`Shard holds ${index - shard.first} credentials, the manifest says ${shard.count}.`, path.join(dir, shard.file));
  }
}

/** Checks one stored credential against its batch manifest; returns the problems found. */
function checkAgainstManifest(c: StoredCredential, manifest: BatchManifest): string[] {
  const problems = checkCredentialFile(c.file);
  const v3 = c.file.format === CREDENTIAL_FORMAT_V3;
  if (v3 !== (manifest.credentialFormat === CREDENTIAL_FORMAT_V3)) problems.push(`format ${c.file.format} differs from the batch's`);
  if (c.file.format === CREDENTIAL_FORMAT_V3 && c.file.leaf.issuer.toLowerCase() !== manifest.issuer.toLowerCase()) problems.push("issuer differs from the manifest");
  if (c.file.leaf.index !== c.index) problems.push(`holds index ${c.file.leaf.index}, expected ${c.index}`);
  if (c.file.proof.root.toLowerCase() !== manifest.root.toLowerCase()) problems.push("proof root is not the batch root");
  if (c.file.leaf.chainId !== manifest.chainId || c.file.leaf.registry.toLowerCase() !== manifest.registry.toLowerCase()) problems.push("chain or registry differs from the manifest");
  if (c.file.leaf.achievementId.toLowerCase() !== manifest.achievementId.toLowerCase()) problems.push("achievement differs from the manifest");
  return problems;
}

async function refuseExtraFiles(dir: string, manifest: BatchManifest): Promise<void> {
  const sub = manifest.files ? "credentials" : "shards";
  const listed = new Set((manifest.files ?? manifest.shards!.map((s) => s.file)).map((f) => f.slice(sub.length + 1)));
  const extra = (await readdir(path.join(dir, sub))).filter((f) => !listed.has(f));
  if (extra.length) throw new BatchFileError(`Unexpected files in the batch: ${extra.slice(0, 5).join(", ")}`, dir);
}

/**
 * Verifies a whole batch directory, streaming: the manifest, and every credential against it
 * (format tags, digests, leaves, proofs, index order, leaf count). Throws a {@link ValidationError}
 * listing every bad credential; refuses anything it does not understand. Returns the manifest.
 */
export async function checkBatch(dir: string, each?: (c: StoredCredential) => void): Promise<BatchManifest> {
  const manifest = await readManifest(dir);
  const issues: FieldIssue[] = [];
  let total = 0;
  for await (const c of readCredentials(dir, manifest)) {
    for (const message of checkAgainstManifest(c, manifest)) {
      total++;
      if (issues.length < 1000) issues.push({ field: c.location, row: c.index, message });
    }
    each?.(c);
  }
  if (total) throw new ValidationError(`batch ${dir}`, issues, total);
  await refuseExtraFiles(dir, manifest);
  return manifest;
}

/**
 * Loads a batch directory into memory, verified as by {@link checkBatch}. For ordinary batches;
 * iterate huge ones with {@link readCredentials} or {@link checkBatch} instead.
 */
export async function loadBatch(dir: string): Promise<Batch> {
  const credentials: CredentialFile[] = [];
  const manifest = await checkBatch(dir, (c) => credentials.push(c.file));
  return { manifest, credentials };
}

/** Which credential to take out of a batch: by index, by learner (student) id, or by holder address. */
export type CredentialSelector = { index: number } | { learnerId: string } | { holder: string };

/** Raised when a batch holds no credential matching a selector. */
export class CredentialNotFoundError extends CredstackError {
  override name = "CredentialNotFoundError";
  constructor(readonly dir: string, readonly selector: CredentialSelector) {
    super(`No credential in the batch matches ${JSON.stringify(selector)}.`, { details: `batch: ${dir}` });
  }
}

/**
 * Extracts one learner's credential file from a batch (a shard line, or a file), verified against
 * the manifest: what the issuer hands to the learner's wallet.
 *
 * @example
 * const file = await extractCredential("batches/2026-06", { learnerId: "S-1042" });
 * await writeFile("S-1042.json", JSON.stringify(file, null, 2));
 */
export async function extractCredential(dir: string, selector: CredentialSelector): Promise<CredentialFile> {
  const manifest = await readManifest(dir);
  const matches = (c: StoredCredential) => {
    if ("index" in selector) return c.index === selector.index;
    if ("learnerId" in selector) return hasLearnerId(c.file.credential, selector.learnerId);
    return c.file.leaf.holder.toLowerCase() === selector.holder.toLowerCase();
  };
  let found: StoredCredential | undefined;
  if ("index" in selector) {
    if (!Number.isInteger(selector.index) || selector.index < 0 || selector.index >= manifest.leafCount) throw new CredentialNotFoundError(dir, selector);
    if (manifest.files) found = { index: selector.index, location: manifest.files[selector.index]!, file: await readCredentialFile(path.join(dir, manifest.files[selector.index]!)) };
  }
  // A cheap text filter before parsing: scanning a million-line batch parses only the candidates.
  const needle = "index" in selector || manifest.credentialFormat === CREDENTIAL_FORMAT_V3 ? undefined : "learnerId" in selector ? JSON.stringify(selector.learnerId) : selector.holder.slice(2).toLowerCase();
  if (!found && manifest.shards && manifest.credentialFormat === CREDENTIAL_FORMAT_V3) {
    // v3 shard lines hold no proof: read whole shards (the selected one only, by index).
    const skip = "index" in selector ? selector.index - (selector.index % manifest.shards[0]!.count) : 0;
    for await (const c of readShardsV3(dir, manifest, skip)) if (matches(c)) { found = c; break; }
  }
  if (!found && manifest.credentialFormat !== CREDENTIAL_FORMAT_V3) {
    const shards = manifest.shards ?? [];
    const inShard = "index" in selector ? shards.filter((s) => selector.index >= s.first && selector.index < s.first + s.count) : shards;
    for (const shard of inShard) {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(path.join(dir, shard.file)), crlfDelay: Infinity })) {
        line++;
        if ("index" in selector ? shard.first + line - 1 !== selector.index : !text.toLowerCase().includes(needle!.toLowerCase())) continue;
        const c = { index: shard.first + line - 1, location: `${shard.file}:${line}`, file: completeFromShard(parseCredentialText(text, `${shard.file}:${line}`), shard, manifest) };
        if (matches(c)) {
          found = c;
          break;
        }
      }
      if (found) break;
    }
  }
  if (!found && manifest.files) {
    for await (const c of readCredentials(dir, manifest)) if (matches(c)) { found = c; break; }
  }
  if (!found) throw new CredentialNotFoundError(dir, selector);
  const problems = checkAgainstManifest(found, manifest);
  if (problems.length) throw new ValidationError(`credential ${found.location}`, problems.map((message) => ({ field: found!.location, row: found!.index, message })));
  return found.file;
}
