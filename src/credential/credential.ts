import { randomUUID } from "node:crypto";
import type { Address } from "viem";
import type { Achievement, Learner } from "./schema.js";

/** W3C VC 2.0 and Open Badges 3.0 contexts, plus credstack's context for the EU elements. */
export const VC_CONTEXT = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
  "https://credstack.org/contexts/eu-microcredential/v1",
] as const;

/** A did:pkh identifier (CAIP-10) for an Ethereum account on a chain. */
export function didPkh(chainId: number, address: Address): string {
  return `did:pkh:eip155:${chainId}:${address}`;
}

/** The ISO date-time of a learner row's date (a bare date is midnight UTC). */
export function issuedAt(date: string): string {
  return new Date(/T/.test(date) ? date : `${date}T00:00:00Z`).toISOString().replace(/\.000Z$/, "Z");
}

function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * Builds the Open Badges 3.0 `OpenBadgeCredential` (a W3C VC 2.0) of one learner. The EU mandatory
 * elements sit in `credentialSubject.achievement.euMicroCredential` (course-level elements) and in
 * the credential itself (learner, date of issuing, issuer and its country).
 */
export function buildCredential(achievement: Achievement, learner: Learner, chainId: number, id = `urn:uuid:${randomUUID()}`) {
  const validFrom = issuedAt(learner.date);
  const issuer = {
    id: didPkh(chainId, achievement.awardingBody.address as Address),
    type: ["Profile"],
    name: achievement.awardingBody.name,
    url: achievement.awardingBody.url,
    address: { type: ["Address"], addressCountryCode: achievement.awardingBody.country.slice(0, 2), addressRegion: achievement.awardingBody.country },
  };
  const eu = {
    type: "EUMicroCredential",
    learningOutcomes: achievement.learningOutcomes,
    workloadEcts: achievement.workloadEcts,
    eqfLevel: achievement.eqfLevel,
    ...(achievement.qfEheaCycle ? { qfEheaCycle: achievement.qfEheaCycle } : {}),
    assessmentType: achievement.assessmentType,
    participationForm: achievement.participationForm,
    qualityAssurance: achievement.qualityAssurance,
    ...(achievement.prerequisites ? { prerequisites: achievement.prerequisites } : {}),
    ...(achievement.identityVerification ? { identityVerification: achievement.identityVerification } : {}),
    ...(achievement.stackability ? { stackability: achievement.stackability } : {}),
    ...(achievement.furtherInformation ? { furtherInformation: achievement.furtherInformation } : {}),
  };
  return {
    "@context": [...VC_CONTEXT],
    id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer,
    validFrom,
    ...(achievement.validityMonths ? { validUntil: addMonths(validFrom, achievement.validityMonths) } : {}),
    name: achievement.title,
    credentialSubject: {
      id: didPkh(chainId, learner.wallet as Address),
      type: ["AchievementSubject"],
      identifier: [
        { type: "IdentityObject", identityType: "name", hashed: false, identityHash: learner.name },
        { type: "IdentityObject", identityType: "studentId", hashed: false, identityHash: learner.id },
      ],
      achievement: {
        id: achievement.id,
        type: ["Achievement"],
        achievementType: "MicroCredential",
        name: achievement.title,
        description: achievement.description,
        criteria: { narrative: achievement.learningOutcomes.join("\n") },
        creditsAvailable: achievement.workloadEcts,
        creator: issuer,
        euMicroCredential: eu,
      },
      creditsEarned: achievement.workloadEcts,
      ...(learner.grade ? { result: [{ type: ["Result"], value: learner.grade }] } : {}),
    },
  };
}

export type MicroCredential = ReturnType<typeof buildCredential>;
