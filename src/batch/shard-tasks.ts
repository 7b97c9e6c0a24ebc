import { open, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { getAddress, type Address, type Hex } from "viem";
import { credentialTemplate, type CredentialTemplate } from "../credential/credential.js";
import { credentialFacts, credentialInputIssues, learnerIdOf, microCredentialSchema } from "../credential/credential-schema.js";
import type { FieldIssue } from "../credential/errors.js";
import { learnerSchema, toFieldIssues, type Achievement } from "../credential/schema.js";
import { buildLayers } from "./core.js";
import { draftCredential, draftLearner, draftLearnerV3, type AnchorTarget, type Draft } from "./draft.js";
import { CREDENTIAL_FORMAT_V2, CREDENTIAL_FORMAT_V3, type CredentialRecordV3 } from "./format.js";
import type { LeafFields } from "./leaf.js";
import { credentialTemplateV3, learnerIssuesV3, type CredentialTemplateV3 } from "../credential/v3/template.js";
import { recordSalts, toVerifiableCredential } from "./v3/credential.js";
import { draftJsonLineV3, lineTextIssues, sharedCanonical } from "./v3/jsonl.js";
import { shardLine, shardLineMatching } from "./v3/shard-lines.js";
import { keccakReady } from "../credential/keccak.js";

/**
 * The two steps of building a large batch, one shard (a power-of-two run of consecutive indices)
 * at a time. They run on worker threads (see build-directory.ts) or inline, and only exchange
 * plain data: rows in, leaf layers out; layers in, finished files out.
 */

/**
 * Step 1: validate and draft a shard's rows. `shards` layout: write the shard's JSON Lines file at
 * once, each credential with its proof up to the shard's root (the manifest carries each shard
 * root's proof up to the batch root). `files` layout: write them without proofs to `partFile`, for
 * step 2.
 */
export interface DraftTask {
  kind: "draft";
  /** `learners`: CSV records (column → value); `credentials`: JSON Lines text of full credentials. */
  input: "learners" | "credentials";
  achievement?: Achievement;
  target: AnchorTarget;
  /** Index of the shard's first credential. */
  first: number;
  /** The shard's records, raw (see split-input.ts), how many, and the line they start on. */
  bytes: Uint8Array;
  records: number;
  firstLine: number;
  /** CSV columns, from the header. */
  columns?: string[];
  layout: "files" | "shards";
  /** Credential format: 3 (learners input) or 2 (frozen; full-credential input is v2-shaped). */
  format: 2 | 3;
  /** v3: the issuer's did:key / did:web for `issuer.id` (default its did:pkh). */
  issuerDid?: string;
  /** v3 full-credential input: the batch's shared parts (from its first credential), stored once. */
  shared?: Record<string, unknown>;
  /** `files` layout: where the proof-less drafts go. `shards` layout: the shard file to write. */
  partFile: string;
  /** Issues to report at most (the count is always exact). */
  maxIssues: number;
}

export interface DraftResult {
  issues: FieldIssue[];
  issueCount: number;
  /** Per record: its row number (CSV data row, or JSON Lines line) and the keys that must be unique in the batch (learner id, holder); keys are null for a bad record. */
  rows: number[];
  keys: ([string, string] | null)[];
  /** Issuer and achievement of the shard's credentials (full-credential input). */
  issuer?: Address;
  achievementUri?: string;
  /** The shard's subtree, level 0 = its leaves; the last level is its root. */
  layers: Uint8Array[];
}

const templates = new Map<string, CredentialTemplate | CredentialTemplateV3>();
function templateFor(achievement: Achievement, chainId: number, format: 2 | 3, issuerDid?: string) {
  const key = `${format}:${chainId}:${issuerDid ?? ""}:${JSON.stringify(achievement)}`;
  let template = templates.get(key);
  if (!template) {
    if (templates.size > 8) templates.clear();
    template = format === 3 ? credentialTemplateV3(achievement, chainId, issuerDid) : credentialTemplate(achievement, chainId);
    templates.set(key, template);
  }
  return template;
}

/** The CSV records of a shard, with their data-row numbers (the header is row 0). */
function parseCsvRecords(task: DraftTask, report: (issues: FieldIssue[]) => void): [Record<string, string>, number][] {
  let records: Record<string, string>[];
  try {
    records = parse(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength), { columns: task.columns, skip_empty_lines: true, trim: true }) as unknown as Record<string, string>[];
  } catch (error) {
    const e = error as Error & { records?: number };
    report([{ field: "(file)", row: task.first + (e.records ?? 0) + 1, message: e.message }]);
    return [];
  }
  if (records.length !== task.records) report([{ field: "(file)", row: task.first + 1, message: `expected ${task.records} records from row ${task.first + 1}, parsed ${records.length}` }]);
  return records.map((r, i) => [r, task.first + i + 1]);
}

/** The non-empty lines of a JSON Lines shard, with their line numbers. */
function jsonLines(task: DraftTask): [string, number][] {
  const lines = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength).toString("utf8").split("\n");
  const out: [string, number][] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== "") out.push([text, task.firstLine + i]);
  });
  return out;
}

/**
 * `,"proof":{…}}`: closes a credential file's JSON with the proof of the node at `position` in
 * `layers` (the position within the layers given; `index` is the credential's index in the batch).
 */
function proofJson(layers: readonly Buffer[], position: number, index: number, root: string): string {
  let json = `,"proof":{"leaf":"0x${layers[0]!.toString("hex", position * 32, position * 32 + 32)}","index":${index},"path":[`;
  let at = position;
  let sep = "";
  for (let level = 0; level < layers.length - 1; level++) {
    const sibling = at ^ 1;
    if (sibling * 32 < layers[level]!.length) {
      json += `${sep}"0x${layers[level]!.toString("hex", sibling * 32, sibling * 32 + 32)}"`;
      sep = ",";
    }
    at >>= 1;
  }
  return `${json}],"root":"${root}"}}`;
}

const line = (d: Draft) => JSON.stringify({ format: CREDENTIAL_FORMAT_V2, credential: d.credential, saltSeed: d.saltSeed, leaf: d.leaf });
/** A v3 draft awaiting its proof (files layout): written in full, made a bare VC by {@link writeShard}. */
const partLineV3 = (d: Draft) => JSON.stringify({ credential: d.credential, saltSeed: d.saltSeed, leaf: d.leaf });

export async function draftShard(task: DraftTask): Promise<DraftResult> {
  await keccakReady;
  const issues: FieldIssue[] = [];
  let issueCount = 0;
  const report = (list: FieldIssue[]) => {
    issueCount += list.length;
    for (const issue of list) if (issues.length < task.maxIssues) issues.push(issue);
  };
  const keys: ([string, string] | null)[] = [];
  // Each draft is serialised at once (its proof comes last): the shard holds strings, not objects.
  const lines: string[] = [];
  const leaves = new Uint8Array(task.records * 32);
  const v3 = task.format === 3;
  const canon = v3 && task.input === "credentials" ? sharedCanonical(task.shared ?? {}) : undefined;
  const v3Line = canon ? (d: Draft) => shardLineMatching(d.credential, d.saltSeed, canon) : (d: Draft) => shardLine(d.credential, d.saltSeed);
  const toLine = !v3 ? line : task.layout === "shards" ? v3Line : partLineV3;
  const keep = (d: Draft) => {
    if (lines.length < task.records) leaves.set(d.hash, lines.length * 32);
    lines.push(toLine(d));
  };
  let issuer: Address | undefined;
  let achievementUri: string | undefined;
  const template = task.input === "learners" ? templateFor(task.achievement!, task.target.chainId, task.format, task.issuerDid) : undefined;
  const targetV3 = v3 && template ? { ...task.target, issuer: getAddress(task.achievement!.awardingBody.address) } : undefined;
  const records = template ? parseCsvRecords(task, report) : jsonLines(task);
  const rows = records.map(([, row]) => row);

  records.forEach(([raw, row], i) => {
    const index = task.first + i;
    if (template) {
      const input = Object.fromEntries(Object.entries(raw as Record<string, string>).filter(([, v]) => v !== ""));
      const parsed = learnerSchema.safeParse(input);
      if (!parsed.success) {
        report(toFieldIssues(parsed.error, row));
        keys.push(null);
        return;
      }
      if (targetV3) {
        const problems = learnerIssuesV3(template as CredentialTemplateV3, parsed.data);
        if (problems.length) {
          report(problems.map((p) => ({ ...p, row })));
          keys.push(null);
          return;
        }
      }
      keys.push([parsed.data.id, parsed.data.wallet.toLowerCase()]);
      keep(targetV3 ? draftLearnerV3(template as CredentialTemplateV3, parsed.data, index, targetV3) : draftLearner(template as CredentialTemplate, parsed.data, index, task.target));
      return;
    }
    let json: unknown;
    const textIssues = v3 ? lineTextIssues(raw as string, row) : [];
    if (textIssues.length) {
      report(textIssues);
      keys.push(null);
      return;
    }
    try {
      json = JSON.parse(raw as string);
    } catch (error) {
      report([{ field: "(line)", row, message: `not JSON: ${(error as Error).message}` }]);
      keys.push(null);
      return;
    }
    if (v3) {
      const result = draftJsonLineV3(json, row, index, task.target);
      const problems = "issues" in result ? result.issues : [];
      if (!("issues" in result)) {
        issuer ??= result.issuer;
        achievementUri ??= result.achievementUri;
        if (result.issuer !== issuer) problems.push({ field: "issuer.id", row, message: `issuer ${result.issuer} differs from ${issuer} (one issuer per batch)` });
        if (result.achievementUri !== achievementUri) problems.push({ field: "credentialSubject.achievement.id", row, message: `achievement ${result.achievementUri} differs from ${achievementUri} (one achievement per batch)` });
      }
      if (problems.length || "issues" in result) {
        report(problems);
        keys.push(null);
        return;
      }
      keys.push(result.key);
      keep(result.draft);
      return;
    }
    const parsed = microCredentialSchema.safeParse(json);
    if (!parsed.success) {
      report(toFieldIssues(parsed.error, row));
      keys.push(null);
      return;
    }
    const problems = credentialInputIssues(parsed.data, json, row);
    if (problems.length) {
      report(problems);
      keys.push(null);
      return;
    }
    const facts = credentialFacts(parsed.data);
    // Both did:pkh name a chain; the leaf binds the batch's, and a verifier checks both against it.
    const issuerChain = Number(parsed.data.issuer.id.split(":")[3]);
    for (const [field, chain] of [["credentialSubject.id", facts.chainId], ["issuer.id", issuerChain]] as const) {
      if (chain !== task.target.chainId) problems.push({ field, row, message: `names chain ${chain}, the batch is for chain ${task.target.chainId}` });
    }
    issuer ??= facts.issuer;
    achievementUri ??= facts.achievementUri;
    if (facts.issuer !== issuer) problems.push({ field: "issuer.id", row, message: `issuer ${facts.issuer} differs from ${issuer} (one issuer per batch)` });
    if (facts.achievementUri !== achievementUri) problems.push({ field: "credentialSubject.achievement.id", row, message: `achievement ${facts.achievementUri} differs from ${achievementUri} (one achievement per batch)` });
    if (problems.length) {
      report(problems);
      keys.push(null);
      return;
    }
    keys.push([learnerIdOf(parsed.data) ?? parsed.data.id, facts.holder.toLowerCase()]);
    keep(draftCredential(json as Record<string, unknown>, facts, index, task.target));
  });

  if (issueCount > 0) return { issues, issueCount, rows, keys, issuer, achievementUri, layers: [] };
  if (lines.length !== task.records) throw new Error(`shard at ${task.first}: ${lines.length} credentials for ${task.records} records`);
  const layers = buildLayers(leaves);
  if (task.layout === "files") {
    await writeFile(task.partFile, lines.join("\n"));
  } else if (v3) {
    // No proofs on v3 shard lines: readers recompute them from the shard's own leaves.
    await writeFile(task.partFile, lines.join("\n") + "\n", { flag: "wx" });
  } else {
    const nodes = layers.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength));
    const shardRoot = `0x${nodes[nodes.length - 1]!.toString("hex")}`;
    const file = await open(task.partFile, "wx");
    try {
      for (let from = 0; from < lines.length; from += 512) {
        let text = "";
        for (let i = from; i < Math.min(from + 512, lines.length); i++) text += `${lines[i]!.slice(0, -1)}${proofJson(nodes, i, task.first + i, shardRoot)}\n`;
        await file.write(text);
      }
    } finally {
      await file.close();
    }
  }
  return { issues, issueCount, rows, keys, issuer, achievementUri, layers };
}

/** Step 2 (`files` layout): add each credential's proof and write its file. */
export interface WriteTask {
  kind: "write";
  partFile: string;
  first: number;
  count: number;
  root: Hex;
  /** The whole tree's layers (shared memory), level 0 = all leaves. */
  layers: (SharedArrayBuffer | ArrayBuffer)[];
  /** Batch directory being written. */
  dir: string;
  /** Credential format of the drafts (3: written as bare VCs). */
  format: 2 | 3;
}

/** Path of credential `index` inside a batch directory (files layout). */
export function credentialPath(index: number): string {
  return `credentials/${String(index).padStart(6, "0")}.json`;
}

/** Path of shard `n` inside a batch directory (shards layout). */
export function shardPath(n: number): string {
  return `shards/${String(n).padStart(6, "0")}.jsonl`;
}

export async function writeShard(task: WriteTask): Promise<void> {
  const layers = task.layers.map((b) => Buffer.from(b));
  const lines = (await readFile(task.partFile, "utf8")).split("\n");
  if (lines.length !== task.count) throw new Error(`${task.partFile}: ${lines.length} lines, expected ${task.count}`);
  for (let i = 0; i < lines.length; i++) {
    const index = task.first + i;
    const text = lines[i]!.slice(0, -1) + proofJson(layers, index, index, task.root);
    const file = JSON.parse(text) as { credential: Record<string, unknown>; saltSeed: Hex; leaf: LeafFields; proof: CredentialRecordV3["proof"] };
    const out = task.format === 3
      ? toVerifiableCredential({ format: CREDENTIAL_FORMAT_V3, credential: file.credential, salts: recordSalts(file.credential, file.saltSeed), leaf: { ...file.leaf, issuer: file.leaf.issuer! }, proof: file.proof })
      : file;
    await writeFile(path.join(task.dir, credentialPath(index)), JSON.stringify(out, null, 2) + "\n");
  }
  await rm(task.partFile);
}

/** Runs one task: what a worker thread does with each message. */
export function runTask(task: DraftTask | WriteTask): Promise<DraftResult | void> {
  return task.kind === "draft" ? draftShard(task) : writeShard(task);
}

