import { getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { buildCredential } from "../credential/credential.js";
import { canonicalJson, credentialDigest, newSaltSeed } from "../credential/disclosure.js";
import type { Achievement, Learner } from "../credential/schema.js";
import { achievementIdOf, leafHash, type LeafFields } from "./leaf.js";
import { MerkleBatchTree } from "./tree.js";
import { BATCH_FORMAT, CREDENTIAL_FORMAT, type BatchManifest, type CredentialFile } from "./format.js";

/** Where a batch will be anchored. */
export interface AnchorTarget {
  chainId: number;
  registry: Address;
}

/** A built batch: its manifest and one credential file per learner, in index order. */
export interface Batch {
  manifest: BatchManifest;
  credentials: CredentialFile[];
}

/**
 * Builds a batch from an achievement and its learners: one OB 3.0 credential per learner, salted
 * digests, leaves bound to `target`, the Merkle tree, and each learner's proof.
 *
 * @example
 * const batch = buildBatch(parseAchievement(course), parseLearnersCsv(csv), { chainId: 31337, registry });
 * batch.manifest.root; // anchor this
 */
export function buildBatch(achievement: Achievement, learners: readonly Learner[], target: AnchorTarget): Batch {
  const registry = getAddress(target.registry);
  const achievementId = achievementIdOf(achievement.id);
  const creditsCenti = Math.round(achievement.workloadEcts * 100);
  const drafts = learners.map((learner, index) => {
    const credential = buildCredential(achievement, learner, target.chainId);
    const saltSeed = newSaltSeed();
    const leaf: LeafFields = {
      chainId: target.chainId,
      registry,
      index,
      achievementId,
      creditsCenti,
      eqfLevel: achievement.eqfLevel,
      awardedAt: Math.floor(Date.parse(credential.validFrom) / 1000),
      holder: getAddress(learner.wallet),
      credentialDigest: credentialDigest(credential, saltSeed),
    };
    return { credential, saltSeed, leaf, hash: leafHash(leaf) };
  });
  const tree = MerkleBatchTree.of(drafts.map((d) => d.hash));
  const credentials: CredentialFile[] = drafts.map((d, index) => ({
    format: CREDENTIAL_FORMAT,
    credential: d.credential as unknown as Record<string, unknown>,
    saltSeed: d.saltSeed,
    leaf: d.leaf,
    proof: { leaf: d.hash, index, path: tree.proof(index), root: tree.root },
  }));
  const manifest: BatchManifest = {
    format: BATCH_FORMAT,
    root: tree.root,
    leafCount: credentials.length,
    issuer: getAddress(achievement.awardingBody.address),
    chainId: target.chainId,
    registry,
    achievementId,
    achievement: achievement.id,
    created: new Date().toISOString(),
    files: credentials.map((_, i) => credentialPath(i)),
  };
  return { manifest, credentials };
}

/** Path of credential `index` inside a batch directory. */
export function credentialPath(index: number): string {
  return `credentials/${String(index).padStart(6, "0")}.json`;
}

/**
 * The digest anchored with the root: keccak256 of the canonical manifest without its `anchor`
 * record (which is only known after anchoring).
 */
export function manifestDigest(manifest: BatchManifest): Hex {
  const { anchor: _anchor, ...rest } = manifest;
  return keccak256(toHex(canonicalJson(rest)));
}
