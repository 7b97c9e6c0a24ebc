import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { parse as parseSync } from "csv-parse/sync";
import { bytesToHex, getAddress, type Address } from "viem";
import { CredstackError, ValidationError, type FieldIssue } from "../credential/errors.js";
import type { Achievement } from "../credential/schema.js";
import { buildLayers, proofOf } from "./core.js";
import type { AnchorTarget } from "./draft.js";
import { BatchFileError } from "./files.js";
import { BATCH_FORMAT, CREDENTIAL_FORMAT_V3, type BatchManifest, type Shard } from "./format.js";
import { credentialTemplateV3 } from "../credential/v3/template.js";
import { sharedPartsOf } from "./v3/jsonl.js";
import { achievementIdOf } from "./leaf.js";
import { WorkerPool } from "./pool.js";
import { splitRecords } from "./split-input.js";
import { credentialPath, runTask, shardPath, type DraftResult, type DraftTask, type WriteTask } from "./shard-tasks.js";

/** Progress of {@link buildBatchDirectory}: `fraction` of the input read, or of the files written. */
export interface BuildProgress {
  phase: "draft" | "write";
  done: number;
  fraction: number;
}

export interface BuildDirectoryOptions {
  /** The course, for learners CSV input. */
  achievement?: Achievement;
  /** A learners CSV file (columns id, name, wallet, date, grade?): needs `achievement`. */
  learnersCsv?: string;
  /** A JSON Lines file of full credentials (one OB 3.0 credential per line), instead of a CSV. */
  credentialsJsonl?: string;
  /** The batch directory to create; must not exist. */
  out: string;
  target: AnchorTarget;
  /** `files`: one file per credential; `shards`: JSON Lines shards; `auto` (default): files if the input fits in one shard. */
  layout?: "auto" | "files" | "shards";
  /** Credentials per shard, a power of two (default 8,192). */
  shardSize?: number;
  /** Worker threads (default: one per core for inputs over 1 MB, none below). */
  workers?: number;
  /** At most this many issues are reported (default 1,000); the count is exact. */
  maxIssues?: number;
  /**
   * Credential format: 3 (default) or 2 (frozen). JSON Lines input: by default the format of its
   * first credential (v2-shaped lines carry `euMicroCredential`; v3 lines are bare VCs without proof).
   */
  format?: 2 | 3;
  /** v3: the issuer's did:key or did:web in `issuer.id` (to sign exported credentials); default its did:pkh. */
  issuerDid?: string;
  onProgress?: (progress: BuildProgress) => void;
}

const REQUIRED_COLUMNS = ["id", "name", "wallet", "date"];

/** The columns of a learners CSV, from its header record; every required column must be there. */
function csvHeader(bytes: Buffer, source: string): string[] {
  let header: string[];
  try {
    header = (parseSync(bytes, { bom: true, trim: true }) as string[][])[0] ?? [];
  } catch (cause) {
    throw new ValidationError(source, [{ field: "(header)", row: 0, message: (cause as Error).message }]);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new ValidationError(source, missing.map((c) => ({ field: c, row: 0, message: "missing column" })));
  return header;
}

type Runner = { run<T>(task: DraftTask | WriteTask, transfer?: ArrayBuffer[]): Promise<T>; pending: number; close(): Promise<void> };

function inlineRunner(): Runner {
  let pending = 0;
  return {
    get pending() {
      return pending;
    },
    async run<T>(task: DraftTask | WriteTask) {
      pending++;
      try {
        return (await runTask(task)) as T;
      } finally {
        pending--;
      }
    },
    close: async () => undefined,
  };
}

/**
 * Builds a batch directory by streaming the input: rows are validated, drafted and hashed shard by
 * shard on worker threads, each shard's subtree is built where it was hashed, and a second pass
 * writes every credential with its proof. Memory stays bounded by the tree (64 bytes a credential)
 * and a few shards in flight, whatever the batch size. Like {@link writeBatch}, everything is
 * written into a hidden sibling directory renamed into place at the end: an interrupted or failed
 * build leaves nothing that looks like a batch. A bad row fails the whole build, listing every
 * bad row and field.
 *
 * @example
 * const manifest = await buildBatchDirectory({
 *   achievement: parseAchievement(course), learnersCsv: "learners.csv",
 *   out: "batches/2026-06", target: { chainId: 31337, registry },
 * });
 * manifest.root; // anchor this
 */
export async function buildBatchDirectory(options: BuildDirectoryOptions): Promise<BatchManifest> {
  const input = options.learnersCsv ? "learners" : "credentials";
  const source = (options.learnersCsv ?? options.credentialsJsonl) as string | undefined;
  if (!source || (options.learnersCsv && options.credentialsJsonl)) throw new CredstackError("Give either a learners CSV or a credentials JSON Lines file.");
  if (input === "learners" && !options.achievement) throw new CredstackError("A learners CSV needs the achievement (course) it is for.");
  const shardSize = options.shardSize ?? 8192;
  if (!Number.isInteger(Math.log2(shardSize))) throw new RangeError("shardSize must be a power of two");
  const maxIssues = options.maxIssues ?? 1000;
  if (input === "credentials" && options.issuerDid !== undefined) throw new CredstackError("issuerDid is for learners input: JSON Lines credentials name their issuer themselves.");
  // JSON Lines input: the format of its first credential (v2-shaped lines carry `euMicroCredential`).
  const firstLine = input === "credentials" ? await firstJsonLine(source) : undefined;
  const format: 2 | 3 = options.format ?? (firstLine !== undefined && isV2Shaped(firstLine) ? 2 : 3);
  const shared = input === "credentials" && format === 3 && firstLine !== null && typeof firstLine === "object" ? sharedPartsOf(firstLine as Record<string, unknown>) : undefined;
  if (format === 3 && options.issuerDid !== undefined) credentialTemplateV3(options.achievement!, options.target.chainId, options.issuerDid); // refuses a bad DID now
  const target = { chainId: options.target.chainId, registry: getAddress(options.target.registry) };

  const out = path.resolve(options.out);
  if (await stat(out).then(() => true, () => false)) throw new BatchFileError("The output directory already exists; refusing to overwrite a batch.", out);
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(path.join(tmp, "parts"), { recursive: true });

  const sourceSize = (await stat(source).catch((cause) => Promise.reject(new BatchFileError("Cannot read the input file.", source, cause)))).size;
  const workers = options.workers ?? (sourceSize > 1 << 20 ? availableParallelism() : 0);
  // A shard in flight needs well under 100 MB; capping the workers' heaps makes V8 collect early
  // instead of growing each heap towards its default limit (the build's RSS budget is 1 GiB).
  const limits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 64 };
  const runner: Runner = workers > 0 ? new WorkerPool(new URL("./worker-entry.mjs", import.meta.url), workers, limits) : inlineRunner();
  const progress = options.onProgress ?? (() => undefined);

  const issues: FieldIssue[] = [];
  let total = 0;
  const add = (issue: FieldIssue) => {
    total++;
    if (issues.length < maxIssues) issues.push(issue);
  };
  const ids = new Map<string, number>();
  const holders = new Map<string, number>();
  let first: { issuer?: Address; achievementUri?: string; row: number } | undefined;
  const subtrees: Uint8Array[][] = [];

  /** Takes in one drafted shard: its issues, the uniqueness of its keys, its subtree. */
  const collect = (shard: number, result: DraftResult) => {
    total += result.issueCount - result.issues.length;
    for (const issue of result.issues) add(issue);
    result.keys.forEach((key, i) => {
      if (!key) return;
      const row = result.rows[i]!;
      const [id, holder] = key;
      const idRow = ids.get(id);
      const byCredentialId = id.startsWith("id "); // v3 JSON Lines: learner ids are hashed, credential ids are unique
      if (idRow !== undefined) add({ field: input === "learners" ? "id" : byCredentialId ? "id" : "credentialSubject.identifier", row, message: `duplicate ${byCredentialId ? "credential" : "learner"} id (also row ${idRow})` });
      else ids.set(id, row);
      const holderRow = holders.get(holder);
      if (holderRow !== undefined) add({ field: input === "learners" ? "wallet" : "credentialSubject.id", row, message: `duplicate wallet (also row ${holderRow})` });
      else holders.set(holder, row);
    });
    if (input === "credentials" && result.issuer) {
      first ??= { issuer: result.issuer, achievementUri: result.achievementUri, row: result.rows[0]! };
      if (result.issuer !== first.issuer || result.achievementUri !== first.achievementUri) {
        add({ field: "issuer.id", row: result.rows[0]!, message: `one issuer and one achievement per batch: differs from row ${first.row}` });
      }
    }
    subtrees[shard] = result.layers;
  };

  try {
    // Pass 1: parse, validate, draft and hash each shard, and build its subtree, on the workers.
    // The main thread only cuts the input into shards of raw records.
    const inFlight = new Set<Promise<void>>();
    let shards = 0;
    let count = 0;
    let columns: string[] | undefined;
    let layout: "files" | "shards" | undefined = options.layout === "files" || options.layout === "shards" ? options.layout : undefined;
    if (layout === "shards") await mkdir(path.join(tmp, "shards"));
    const chunks = splitRecords(source, input === "learners" ? "csv" : "jsonl", shardSize, sourceSize, (fraction) => progress({ phase: "draft", done: count, fraction }));
    let next = await chunks.next();
    while (!next.done) {
      const chunk = next.value;
      next = await chunks.next();
      if (input === "learners" && !columns) {
        columns = csvHeader(chunk.bytes, source);
        continue;
      }
      // `auto`: one file per credential if the whole input fits in one shard, else shards.
      if (!layout) {
        layout = next.done ? "files" : "shards";
        if (layout === "shards") await mkdir(path.join(tmp, "shards"));
      }
      const shard = shards++;
      const bytes = new Uint8Array(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
      const partFile = path.join(tmp, layout === "files" ? path.join("parts", `${shard}.part`) : shardPath(shard));
      const task: DraftTask = { kind: "draft", input, achievement: options.achievement, target, first: count, bytes, records: chunk.records, firstLine: chunk.firstLine, columns, layout, format, issuerDid: options.issuerDid, ...(shared ? { shared } : {}), partFile, maxIssues };
      count += chunk.records;
      const owned = chunk.bytes.byteOffset === 0 && chunk.bytes.byteLength === chunk.bytes.buffer.byteLength;
      const job = runner.run<DraftResult>(task, owned ? [chunk.bytes.buffer as ArrayBuffer] : []).then((result) => collect(shard, result));
      inFlight.add(job);
      void job.then(() => inFlight.delete(job), () => undefined);
      // Back-pressure: a couple of shards in flight per worker, not the whole input.
      while (inFlight.size > Math.max(1, workers) * 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (input === "learners" && !columns) add({ field: "(file)", message: "empty file: no header row" });
    else if (count === 0) add({ field: "(file)", message: input === "learners" ? "no learner rows" : "no credentials" });
    if (total) throw new ValidationError(source, issues, total);

    // The whole tree: the shards' subtrees side by side, then the levels above the shard roots.
    const height = Math.log2(shardSize);
    const shardRoots = subtrees.map((t) => t[t.length - 1]!);
    const layers = assembleLayers(subtrees, shardSize);
    subtrees.length = 0;
    const root = bytesToHex(layers[layers.length - 1]!);

    const shardList: Shard[] = [];
    if (layout === "shards") {
      // Each shard file is complete; the manifest gets each shard root's path to the batch root.
      const upper = layers.slice(Math.min(height, layers.length - 1));
      for (let shard = 0; shard < shards; shard++) {
        const first = shard * shardSize;
        shardList.push({ file: shardPath(shard), first, count: Math.min(shardSize, count - first), root: bytesToHex(shardRoots[shard]!), path: proofOf(upper, shard).map((node) => bytesToHex(node)) });
      }
    } else {
      // Files: a second pass adds each credential's proof and writes its file.
      const shared = layers.map((layer) => {
        const buffer = new SharedArrayBuffer(layer.byteLength);
        new Uint8Array(buffer).set(layer);
        return buffer;
      });
      await mkdir(path.join(tmp, "credentials"));
      let written = 0;
      await Promise.all(
        Array.from({ length: shards }, (_, shard) => {
          const first = shard * shardSize;
          const n = Math.min(shardSize, count - first);
          const task: WriteTask = { kind: "write", partFile: path.join(tmp, "parts", `${shard}.part`), first, count: n, root, layers: shared, dir: tmp, format };
          return runner.run<void>(task).then(() => progress({ phase: "write", done: (written += n), fraction: written / count }));
        }),
      );
    }
    layers.length = 0;
    await rm(path.join(tmp, "parts"), { recursive: true });

    const issuerAddress = input === "learners" ? getAddress(options.achievement!.awardingBody.address) : first!.issuer!;
    const achievementUri = input === "learners" ? options.achievement!.id : first!.achievementUri!;
    const manifest: BatchManifest = {
      format: BATCH_FORMAT,
      root,
      leafCount: count,
      issuer: issuerAddress,
      chainId: target.chainId,
      registry: target.registry,
      achievementId: achievementIdOf(achievementUri),
      achievement: achievementUri,
      created: new Date().toISOString(),
      ...(format === 3 ? { credentialFormat: CREDENTIAL_FORMAT_V3 } : {}),
      ...(format === 3 && layout === "shards" ? { shared: shared ?? sharedOf(options.achievement!, target.chainId, options.issuerDid) } : {}),
      ...(layout === "files" ? { files: Array.from({ length: count }, (_, i) => credentialPath(i)) } : { shards: shardList }),
    };
    await writeFile(path.join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    await runner.close();
    await rename(tmp, out);
    return manifest;
  } catch (error) {
    await runner.close();
    await rm(tmp, { recursive: true, force: true });
    throw error instanceof CredstackError || error instanceof RangeError ? error : new BatchFileError(`Could not build the batch: ${(error as Error).message}`, out, error);
  }
}

/**
 * The tree's layers from the shards' subtrees. Shards are aligned power-of-two runs, so below the
 * shard roots the tree is exactly the subtrees side by side (only the last shard can be short, and
 * the odd node it promotes is the one the whole tree promotes); above them, hash the shard roots.
 */
export function assembleLayers(subtrees: readonly Uint8Array[][], shardSize: number): Uint8Array[] {
  if (subtrees.length === 1) return [...subtrees[0]!];
  const height = Math.log2(shardSize);
  const layers: Uint8Array[] = [];
  for (let level = 0; level <= height; level++) {
    const parts = subtrees.map((t) => t[Math.min(level, t.length - 1)]!);
    const layer = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      layer.set(part, offset);
      offset += part.length;
    }
    layers.push(layer);
  }
  return [...layers, ...buildLayers(layers[height]!).slice(1)];
}

/** The first credential of a JSON Lines file, parsed (undefined when it is not JSON: the drafting reports that). */
async function firstJsonLine(file: string): Promise<unknown> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const line = buffer.toString("utf8", 0, bytesRead).split("\n").find((l) => l.trim() !== "");
    return line === undefined ? undefined : JSON.parse(line);
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Whether a credential has v2's shape (the EU elements in `euMicroCredential`). */
function isV2Shaped(credential: unknown): boolean {
  const achievement = (credential as { credentialSubject?: { achievement?: Record<string, unknown> } } | null)?.credentialSubject?.achievement;
  return achievement !== null && typeof achievement === "object" && "euMicroCredential" in achievement;
}

/** The `shared` parts of a v3 batch's manifest: its template's, as plain (unfrozen) JSON. */
function sharedOf(achievement: Achievement, chainId: number, issuerDid?: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(credentialTemplateV3(achievement, chainId, issuerDid).shared)) as Record<string, unknown>;
}
