import { bytesToHex, getAddress, keccak256, toHex, type Hex } from "viem";
import { credentialTemplate } from "../credential/credential.js";
import { canonicalJson } from "../credential/disclosure.js";
import type { Achievement, Learner } from "../credential/schema.js";
import { draftLearner, type AnchorTarget } from "./draft.js";
import { achievementIdOf } from "./leaf.js";
import { BATCH_FORMAT, CREDENTIAL_FORMAT, type BatchManifest, type CredentialFile } from "./format.js";
import { credentialPath } from "./shard-tasks.js";
import { MerkleBatchTree } from "./tree.js";

export type { AnchorTarget } from "./draft.js";
export { credentialPath };

/** A built batch: its manifest and one credential file per learner, in index order. */
export interface Batch {
  manifest: BatchManifest;
  credentials: CredentialFile[];
}

/**
 * Builds a batch in memory from an achievement and its learners: one OB 3.0 credential per
 * learner, salted digests, leaves bound to `target`, the Merkle tree, and each learner's proof.
 * For large inputs, stream them to disk with {@link buildBatchDirectory} instead.
 *
 * @example
 * const batch = buildBatch(parseAchievement(course), parseLearnersCsv(csv), { chainId: 31337, registry });
 * batch.manifest.root; // anchor this
 */
export function buildBatch(achievement: Achievement, learners: readonly Learner[], target: AnchorTarget): Batch {
  const at = { chainId: target.chainId, registry: getAddress(target.registry) };
  const template = credentialTemplate(achievement, at.chainId);
  const drafts = learners.map((learner, index) => draftLearner(template, learner, index, at));
  const tree = MerkleBatchTree.of(drafts.map((d) => bytesToHex(d.hash)));
  const credentials: CredentialFile[] = drafts.map((d, index) => ({
    format: CREDENTIAL_FORMAT,
    // a plain copy: the template's shared parts are frozen
    credential: structuredClone(d.credential),
    saltSeed: d.saltSeed,
    leaf: d.leaf,
    proof: { leaf: bytesToHex(d.hash), index, path: tree.proof(index), root: tree.root },
  }));
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
