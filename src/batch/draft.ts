import type { Address, Hex } from "viem";
import { credentialFromTemplate, type CredentialTemplate } from "../credential/credential.js";
import type { CredentialFacts } from "../credential/credential-schema.js";
import { credentialDigest, newSaltSeed } from "../credential/disclosure.js";
import type { Learner } from "../credential/schema.js";
import { credentialFromTemplateV3, type CredentialTemplateV3 } from "../credential/v3/template.js";
import { achievementIdOf, leafFieldsV3, leafHashBytes, type LeafFields } from "./leaf.js";

/** Where a batch will be anchored. */
export interface AnchorTarget {
  chainId: number;
  registry: Address;
}

/** One credential of a batch before the tree exists: the credential, its salt seed and its leaf. */
export interface Draft {
  credential: Record<string, unknown>;
  saltSeed: Hex;
  leaf: LeafFields;
  /** The leaf hash (32 bytes). */
  hash: Uint8Array;
}

/**
 * Salts and digests `credential` and computes its leaf at `index` for `target`, from the public
 * `facts` the leaf binds. The one place where a credential becomes a leaf, for both inputs (CSV
 * rows and full credentials) and every batch size.
 */
export function draftCredential(credential: Record<string, unknown>, facts: Omit<CredentialFacts, "chainId" | "issuer">, index: number, target: AnchorTarget, saltSeed: Hex = newSaltSeed()): Draft {
  const leaf: LeafFields = {
    chainId: target.chainId,
    registry: target.registry,
    index,
    achievementId: achievementIdOf(facts.achievementUri),
    creditsCenti: facts.creditsCenti,
    eqfLevel: facts.eqfLevel,
    awardedAt: facts.awardedAt,
    holder: facts.holder,
    credentialDigest: credentialDigest(credential, saltSeed),
  };
  return { credential, saltSeed, leaf, hash: leafHashBytes(leaf) };
}

/** Builds and drafts one learner's credential from a batch's shared template. */
export function draftLearner(template: CredentialTemplate, learner: Learner, index: number, target: AnchorTarget, saltSeed?: Hex): Draft {
  const credential = credentialFromTemplate(template, learner);
  const { achievement } = template;
  const facts = {
    holder: learner.wallet as Address, // checksummed by learnerSchema
    achievementUri: achievement.id,
    creditsCenti: Math.round(achievement.workloadEcts * 100),
    eqfLevel: achievement.eqfLevel,
    awardedAt: Math.floor(Date.parse(credential.validFrom) / 1000),
  };
  return draftCredential(credential as unknown as Record<string, unknown>, facts, index, target, saltSeed);
}

/** Where a v3 batch will be anchored, and by which issuer account (its leaves bind it). */
export interface AnchorTargetV3 extends AnchorTarget {
  issuer: Address;
}

/**
 * Builds and drafts one learner's v3 credential from a batch's v3 template: its identity salts and
 * field salts derive from a fresh seed; its leaf binds the issuer. Check `learnerIssuesV3` first.
 */
export function draftLearnerV3(template: CredentialTemplateV3, learner: Learner, index: number, target: AnchorTargetV3, saltSeed: Hex = newSaltSeed()): Draft {
  const credential = credentialFromTemplateV3(template, learner, saltSeed);
  const { achievement } = template;
  const facts = {
    achievementUri: achievement.id,
    creditsCenti: Math.round(achievement.workloadEcts * 100),
    eqfLevel: achievement.eqfLevel,
    awardedAt: Math.floor(Date.parse(credential.validFrom) / 1000),
    holder: learner.wallet as Address,
  };
  const leaf = leafFieldsV3({ ...target, index }, facts, credentialDigest(credential, saltSeed, 2));
  return { credential: credential as unknown as Record<string, unknown>, saltSeed, leaf, hash: leafHashBytes(leaf) };
}
