import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { credentialDigest } from "../credential/disclosure.js";
import { CredstackError, ValidationError, type FieldIssue } from "../credential/errors.js";
import { toFieldIssues } from "../credential/schema.js";
import { credentialFileSchema, manifestSchema, type BatchManifest, type CredentialFile } from "./format.js";
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
  const target = path.resolve(dir);
  if (await exists(target)) throw new BatchFileError("The output directory already exists; refusing to overwrite a batch.", target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(path.join(tmp, "credentials"), { recursive: true });
    for (let i = 0; i < batch.credentials.length; i++) {
      await writeFile(path.join(tmp, batch.manifest.files[i]!), JSON.stringify(batch.credentials[i], null, 2) + "\n");
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

/** Reads and validates one credential file (schema only; see {@link checkCredentialFile}). */
export async function readCredentialFile(file: string): Promise<CredentialFile> {
  const result = credentialFileSchema.safeParse(await readJson(file));
  if (!result.success) throw new ValidationError(`credential file ${file}`, toFieldIssues(result.error));
  return result.data;
}

/** Recomputes a credential file's digest, leaf and proof; returns the problems found. */
export function checkCredentialFile(c: CredentialFile): string[] {
  const problems: string[] = [];
  if (credentialDigest(c.credential, c.saltSeed) !== c.leaf.credentialDigest.toLowerCase()) problems.push("credential digest does not match the credential");
  const leaf = leafHash(c.leaf);
  if (leaf !== c.proof.leaf.toLowerCase()) problems.push("leaf does not match the leaf fields");
  if (c.leaf.index !== c.proof.index) problems.push("leaf index and proof index differ");
  if (!MerkleBatchTree.verify(c.proof.root, leaf, c.proof.path)) problems.push("proof does not lead to the root");
  return problems;
}

/**
 * Loads a batch directory, validating the manifest and every credential file against it: format
 * tags, digests, leaves, proofs, index order and leaf count. Refuses anything it does not understand.
 */
export async function loadBatch(dir: string): Promise<Batch> {
  const manifestFile = path.join(dir, "manifest.json");
  const parsed = manifestSchema.safeParse(await readJson(manifestFile));
  if (!parsed.success) throw new ValidationError(`batch manifest ${manifestFile}`, toFieldIssues(parsed.error));
  const manifest: BatchManifest = parsed.data;
  if (manifest.files.length !== manifest.leafCount) {
    throw new ValidationError(`batch manifest ${manifestFile}`, [{ field: "files", message: `lists ${manifest.files.length} files for ${manifest.leafCount} leaves` }]);
  }
  const issues: FieldIssue[] = [];
  const credentials: CredentialFile[] = [];
  for (let index = 0; index < manifest.files.length; index++) {
    const file = path.join(dir, manifest.files[index]!);
    const c = await readCredentialFile(file);
    const problems = checkCredentialFile(c);
    if (c.leaf.index !== index) problems.push(`file holds index ${c.leaf.index}, expected ${index}`);
    if (c.proof.root.toLowerCase() !== manifest.root.toLowerCase()) problems.push("proof root is not the batch root");
    if (c.leaf.chainId !== manifest.chainId || c.leaf.registry.toLowerCase() !== manifest.registry.toLowerCase()) problems.push("chain or registry differs from the manifest");
    for (const message of problems) issues.push({ field: manifest.files[index]!, row: index, message });
    credentials.push(c);
  }
  if (issues.length) throw new ValidationError(`batch ${dir}`, issues);
  const extra = (await readdir(path.join(dir, "credentials"))).filter((f) => !manifest.files.includes(`credentials/${f}`));
  if (extra.length) throw new BatchFileError(`Unexpected files in the batch: ${extra.slice(0, 5).join(", ")}`, dir);
  return { manifest, credentials };
}
