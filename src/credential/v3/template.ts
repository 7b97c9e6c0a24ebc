import { randomUUID } from "node:crypto";
import type { Address, Hex } from "viem";
import { addMonths, didPkh, issuedAt } from "../credential.js";
import { labelledSalt, shareCanonical } from "../disclosure.js";
import type { FieldIssue } from "../errors.js";
import type { Achievement, Learner } from "../schema.js";
import { gradeIssues } from "./achievement.js";
import { achievementV3, issuerProfileV3, V3_CONTEXT, V3_CREDENTIAL_SCHEMA } from "./build.js";
import { learnerIdentities, type IdentitySalts } from "./identity.js";

/**
 * The parts every v3 credential of a batch shares, deep-frozen with their canonical JSON computed
 * once ({@link shareCanonical}): a million credentials serialise them once, and a batch stores them
 * once (its manifest's `shared`), not once per credential.
 */
export interface CredentialTemplateV3 {
  chainId: number;
  achievement: Achievement;
  /** The shared values by JSON Pointer, in the order they appear in a credential. */
  shared: Readonly<Record<SharedPointer, unknown>>;
}

/** The pointers of the parts a batch's v3 credentials share (stored once per batch). */
export const SHARED_POINTERS = ["/@context", "/type", "/issuer", "/name", "/credentialSubject/achievement", "/credentialSchema"] as const;
export type SharedPointer = (typeof SHARED_POINTERS)[number];

/** The v3 template of `course` on chain `chainId`, the issuer named by `issuerDid` when given. */
export function credentialTemplateV3(course: Achievement, chainId: number, issuerDid?: string): CredentialTemplateV3 {
  const achievement = structuredClone(course);
  const share = <T extends object>(v: T) => shareCanonical(v);
  return {
    chainId,
    achievement,
    shared: {
      "/@context": share([...V3_CONTEXT]),
      "/type": share(["VerifiableCredential", "OpenBadgeCredential"]),
      "/issuer": share(issuerProfileV3(achievement, chainId, issuerDid)),
      "/name": achievement.title,
      "/credentialSubject/achievement": share(achievementV3(achievement, chainId, issuerDid)),
      "/credentialSchema": share([{ ...V3_CREDENTIAL_SCHEMA }]),
    },
  };
}

/** The identity-object salts of a credential, derived from its seed (see {@link labelledSalt}). */
export function identitySaltsFromSeed(seed: Hex): IdentitySalts {
  return { name: labelledSalt(seed, "#identity/name"), studentId: labelledSalt(seed, "#identity/studentId") };
}

/** What a learner row lacks for a v3 credential (a grade off the course's scale), with no row number. */
export function learnerIssuesV3(template: CredentialTemplateV3, learner: Learner): FieldIssue[] {
  return learner.grade ? gradeIssues(learner.grade, template.achievement.gradingScale) : [];
}

/**
 * One learner's v3 credential from a batch's template: the same document {@link buildCredentialV3}
 * builds, its identity salts derived from `seed` (the credential's Merkle salt seed), its shared
 * parts the template's own frozen objects. Check {@link learnerIssuesV3} first.
 */
export function credentialFromTemplateV3(template: CredentialTemplateV3, learner: Learner, seed: Hex, id = `urn:uuid:${randomUUID()}`) {
  const { achievement, chainId, shared } = template;
  const validFrom = issuedAt(learner.date);
  const description = (shared["/credentialSubject/achievement"] as { resultDescription: { id: string }[] }).resultDescription[0]!;
  return {
    "@context": shared["/@context"] as string[],
    id,
    type: shared["/type"] as string[],
    issuer: shared["/issuer"] as { id: string; name: string },
    validFrom,
    ...(achievement.validityMonths ? { validUntil: addMonths(validFrom, achievement.validityMonths) } : {}),
    name: shared["/name"] as string,
    credentialSubject: {
      id: didPkh(chainId, learner.wallet as Address),
      type: ["AchievementSubject"],
      identifier: learnerIdentities(learner, identitySaltsFromSeed(seed)),
      achievement: shared["/credentialSubject/achievement"] as Record<string, unknown>,
      creditsEarned: achievement.workloadEcts,
      ...(learner.grade ? { result: [{ type: ["Result"], resultDescription: description.id, value: learner.grade }] } : {}),
    },
    credentialSchema: shared["/credentialSchema"] as unknown[],
  };
}
