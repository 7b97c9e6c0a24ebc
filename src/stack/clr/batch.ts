import { getAddress, type Address } from "viem";
import type { AnchorTarget, Batch } from "../../batch/build.js";
import { writeBatch } from "../../batch/files.js";
import { BATCH_FORMAT, CREDENTIAL_FORMAT_V3, type BatchManifest, type CredentialRecordV3 } from "../../batch/format.js";
import { achievementIdOf, leafFieldsV3, leafHash } from "../../batch/leaf.js";
import { credentialPath } from "../../batch/shard-tasks.js";
import { MerkleBatchTree } from "../../batch/tree.js";
import { recordSalts } from "../../batch/v3/credential.js";
import { validateClrCredential } from "../../credential/clr-schema.js";
import { credentialDigestWithSalts, newSaltSeed } from "../../credential/disclosure.js";
import { ValidationError, type FieldIssue } from "../../credential/errors.js";
import { clrFacts, isClrCredential, parseClrDocument, type ClrFacts } from "./facts.js";

/** What {@link buildClrBatch} takes. */
export interface ClrBatchInput {
  /** Stacked credential documents (no proof), from `buildStackedCredential`; all of one destination achievement. */
  credentials: readonly Record<string, unknown>[];
  /** The awarding issuer account: the one that anchors the batch. */
  issuer: Address;
  target: AnchorTarget;
}

/** Every reason a document cannot go into the awarding issuer's batch on `target`. */
function documentIssues(doc: Record<string, unknown>, issuer: Address, target: AnchorTarget): { issues: FieldIssue[]; facts?: ClrFacts } {
  if (!isClrCredential(doc)) return { issues: [{ field: "type", message: "must include ClrCredential" }] };
  if ("proof" in doc) return { issues: [{ field: "proof", message: "a document to batch has no proof yet" }] };
  const issues = validateClrCredential(doc).map((i) => ({ ...i, message: `CLR 2.0 schema: ${i.message}` }));
  const parsed = parseClrDocument(doc);
  if (!parsed.success) return { issues: [...issues, ...parsed.issues] };
  const facts = clrFacts(parsed.data);
  if (facts.chainId !== target.chainId) issues.push({ field: "credentialSubject.id", message: `names chain ${facts.chainId}; the batch is for chain ${target.chainId}` });
  const pkh = /^did:pkh:eip155:([0-9]+):(0x[0-9a-fA-F]{40})$/.exec(parsed.data.issuer.id);
  if (pkh && (Number(pkh[1]) !== target.chainId || getAddress(pkh[2]!) !== getAddress(issuer))) {
    issues.push({ field: "issuer.id", message: `names ${parsed.data.issuer.id}; the batch is anchored by ${issuer} on chain ${target.chainId}` });
  }
  parsed.data.credentialSubject.verifiableCredential.forEach((vc, i) => {
    const bound = String((vc.credentialSubject as { id?: unknown } | undefined)?.id ?? "");
    if (bound.toLowerCase() !== parsed.data.credentialSubject.id.toLowerCase()) {
      issues.push({ field: `credentialSubject.verifiableCredential.${i}`, message: `bound to ${bound || "no holder"}, not the holder ${parsed.data.credentialSubject.id}` });
    }
  });
  return { issues, facts };
}

/**
 * A batch of stacked credentials (docs/spec.md §12) of one awarding issuer, in memory: each
 * document gets a fresh salt seed, its salts (scheme 2: each embedded credential, achievement list
 * and association is one field), its v3 leaf (destination achievement, counted credits, EQF level,
 * award time, holder, digest) and its inclusion proof; the manifest is the one `credstack batch
 * build` writes (`credstack-batch-v1`, files layout), so `credstack batch anchor`, `status`,
 * `extract` and `revoke` work on it unchanged. Throws a {@link ValidationError} listing every
 * problem (CLR 2.0 schema, credstack's CLR profile, a component of another holder, another issuer, chain or
 * destination).
 *
 * @example
 * const batch = buildClrBatch({ credentials: [clr], issuer, target: { chainId: 31337, registry } });
 * await writeClrBatchDirectory(batch, "out/rbe-2026");   // then: credstack batch anchor out/rbe-2026
 */
export function buildClrBatch(input: ClrBatchInput): Batch {
  const issuer = getAddress(input.issuer);
  const target = { chainId: input.target.chainId, registry: getAddress(input.target.registry) };
  if (input.credentials.length === 0) throw new ValidationError("stacked credential batch", [{ field: "credentials", message: "no credential to batch" }]);
  const issues: FieldIssue[] = [];
  const checked = input.credentials.map((doc, row) => {
    const found = documentIssues(doc, issuer, target);
    issues.push(...found.issues.map((i) => ({ ...i, row: row + 1 })));
    return found.facts;
  });
  const destination = checked[0]?.achievementUri;
  checked.forEach((f, row) => {
    if (f && f.achievementUri !== destination) issues.push({ field: "credentialSubject.achievement.0.id", row: row + 1, message: `${f.achievementUri}: a batch holds one destination achievement (${destination})` });
  });
  if (issues.length) throw new ValidationError("stacked credential batch", issues.slice(0, 1000), issues.length);
  return clrBatchOfDocuments(input.credentials, issuer, target, checked as ClrFacts[]);
}

/**
 * The hashing half of {@link buildClrBatch}, without its checks: salts, digests, leaves, tree and
 * manifest of documents whose facts are known. Exported for tests that must anchor what a careless
 * or malicious issuer would (a verifier's concern); issuers use {@link buildClrBatch}.
 */
export function clrBatchOfDocuments(documents: readonly Record<string, unknown>[], issuer: Address, target: AnchorTarget, facts: readonly ClrFacts[]): Batch {
  const drafts = documents.map((doc, index) => {
    const credential = structuredClone(doc);
    const salts = recordSalts(credential, newSaltSeed());
    const digest = credentialDigestWithSalts(credential, Buffer.from(salts.slice(2), "hex"));
    const leaf = leafFieldsV3({ ...target, issuer, index }, facts[index]!, digest);
    return { credential, salts, leaf, hash: leafHash(leaf) };
  });
  const tree = MerkleBatchTree.of(drafts.map((d) => d.hash));
  const credentials: CredentialRecordV3[] = drafts.map((d, index) => ({
    format: CREDENTIAL_FORMAT_V3,
    credential: d.credential,
    salts: d.salts,
    leaf: d.leaf,
    proof: { leaf: d.hash, index, path: tree.proof(index), root: tree.root },
  }));
  const destination = facts[0]!.achievementUri;
  const manifest: BatchManifest = {
    format: BATCH_FORMAT,
    root: tree.root,
    leafCount: credentials.length,
    issuer,
    chainId: target.chainId,
    registry: target.registry,
    achievementId: achievementIdOf(destination),
    achievement: destination,
    created: new Date().toISOString(),
    credentialFormat: CREDENTIAL_FORMAT_V3,
    files: credentials.map((_, i) => credentialPath(i)),
  };
  return { manifest, credentials };
}

/**
 * Writes a batch of stacked credentials as a batch directory (`manifest.json`, `credentials/NNNNNN.json`,
 * each the bare `ClrCredential` with its `credstack-merkle-2026` proof), atomically; refuses an existing `dir`.
 */
export async function writeClrBatchDirectory(batch: Batch, dir: string): Promise<void> {
  await writeBatch(batch, dir);
}
