import { bytesToHex, getAddress, keccak256, toHex, type Hex } from "viem";
import { credentialTemplate } from "../credential/credential.js";
import { canonicalJson } from "../credential/disclosure.js";
import type { Achievement, Learner } from "../credential/schema.js";
import { ValidationError, type FieldIssue } from "../credential/errors.js";
import { credentialTemplateV3, learnerIssuesV3 } from "../credential/v3/template.js";
import { draftLearner, draftLearnerV3, type AnchorTarget, type Draft } from "./draft.js";
import { achievementIdOf } from "./leaf.js";
import { BATCH_FORMAT, CREDENTIAL_FORMAT_V2, CREDENTIAL_FORMAT_V3, type BatchManifest, type CredentialFile } from "./format.js";
import { recordSalts } from "./v3/credential.js";
import { credentialPath } from "./shard-tasks.js";
import { MerkleBatchTree } from "./tree.js";

export type { AnchorTarget } from "./draft.js";
export { credentialPath };

/** A built batch: its manifest and one credential file per learner, in index order. */
export interface Batch {
  manifest: BatchManifest;
  credentials: CredentialFile[];
}

/** Options of {@link buildBatch}. */
export interface BuildBatchOptions {
  /** Credential format: 3 (default; bare VCs with a Merkle Data Integrity proof) or 2 (frozen, for old tooling). */
  format?: 2 | 3;
  /** v3: the issuer's did:key or did:web in `issuer.id` (to sign the credentials); default its did:pkh. */
  issuerDid?: string;
}

/** v3 drafts of every learner; a {@link ValidationError} listing each learner row (1-based) a v3 credential refuses. */
function draftsV3(achievement: Achievement, learners: readonly Learner[], target: AnchorTarget, issuerDid?: string): Draft[] {
  const template = credentialTemplateV3(achievement, target.chainId, issuerDid);
  const issues: FieldIssue[] = learners.flatMap((l, i) => learnerIssuesV3(template, l).map((issue) => ({ ...issue, row: i + 1 })));
  if (issues.length) throw new ValidationError("learners", issues);
  const at = { ...target, issuer: getAddress(achievement.awardingBody.address) };
  return learners.map((learner, index) => draftLearnerV3(template, learner, index, at));
}

/**
 * Builds a batch in memory from an achievement and its learners: one OB 3.0 credential per
 * learner, salted digests, leaves bound to `target` (and, format v3, to the issuer), the Merkle
 * tree, and each learner's proof. For large inputs, stream them to disk with
 * {@link buildBatchDirectory} instead.
 *
 * @example
 * const batch = buildBatch(parseAchievement(course), parseLearnersCsv(csv), { chainId: 31337, registry });
 * batch.manifest.root; // anchor this
 * toVerifiableCredential(batch.credentials[0]); // what the first learner receives
 */
export function buildBatch(achievement: Achievement, learners: readonly Learner[], target: AnchorTarget, options: BuildBatchOptions = {}): Batch {
  const at = { chainId: target.chainId, registry: getAddress(target.registry) };
  const v3 = (options.format ?? 3) === 3;
  const drafts = v3
    ? draftsV3(achievement, learners, at, options.issuerDid)
    : learners.map((learner, index) => draftLearner(credentialTemplate(achievement, at.chainId), learner, index, at));
  const tree = MerkleBatchTree.of(drafts.map((d) => bytesToHex(d.hash)));
  const credentials: CredentialFile[] = drafts.map((d, index) => {
    // a plain copy: the template's shared parts are frozen
    const credential = structuredClone(d.credential);
    const proof = { leaf: bytesToHex(d.hash), index, path: tree.proof(index), root: tree.root };
    if (!v3) return { format: CREDENTIAL_FORMAT_V2, credential, saltSeed: d.saltSeed, leaf: d.leaf, proof };
    return { format: CREDENTIAL_FORMAT_V3, credential, salts: recordSalts(credential, d.saltSeed), leaf: { ...d.leaf, issuer: d.leaf.issuer! }, proof };
  });
  const manifest: BatchManifest = {
    format: BATCH_FORMAT,
    root: tree.root,
    leafCount: credentials.length,
    issuer: getAddress(achievement.awardingBody.address),
    chainId: at.chainId,
    registry: at.registry,
    achievementId: achievementIdOf(achievement.id),
    achievement: achievement.id,
    created: new Date().toISOString(),
    ...(v3 ? { credentialFormat: CREDENTIAL_FORMAT_V3 } : {}),
    files: credentials.map((_, i) => credentialPath(i)),
  };
  return { manifest, credentials };
}

/**
 * The digest anchored with the root: keccak256 of the canonical manifest without its `anchor`
 * record (which is only known after anchoring).
 */
export function manifestDigest(manifest: BatchManifest): Hex {
  const { anchor: _anchor, ...rest } = manifest;
  return keccak256(toHex(canonicalJson(rest)));
}
