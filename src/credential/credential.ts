import { randomUUID } from "node:crypto";
import type { Address } from "viem";
import { outcomeOf, type Achievement, type Learner } from "./schema.js";
import { isoDate } from "./dates.js";
import { shareCanonical } from "./disclosure.js";

/** W3C VC 2.0 and Open Badges 3.0 contexts, plus credstack's context for the EU elements. */
export const VC_CONTEXT = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
  "https://credstack.org/contexts/eu-microcredential/v1",
] as const;

/**
 * `identityType` of the learner's student number in `credentialSubject.identifier`. OB 3.0 allows
 * only its IdentifierTypeEnum values or an `ext:` extension there, so not a bare `studentId`
 * (which batches built before this change, e.g. the v1 fixture, carry).
 */
export const STUDENT_ID_IDENTITY_TYPE = "ext:studentId";

/** A did:pkh identifier (CAIP-10) for an Ethereum account on a chain. */
export function didPkh(chainId: number, address: Address): string {
  return `did:pkh:eip155:${chainId}:${address}`;
}

/** The ISO date-time (UTC) of a learner row's date (a bare date is midnight UTC); a RangeError for what {@link isoDate} refuses. */
export function issuedAt(date: string): string {
  return isoDate(date, "date").iso;
}

/** `iso` plus `months` calendar months, in UTC (a credential's `validUntil`). */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The parts of a batch's credentials that every learner shares: contexts, types, the issuer
 * profile and the achievement (with the EU elements). They are deep-frozen and their canonical
 * JSON is computed once ({@link shareCanonical}), so a million credentials serialise them once.
 */
export interface CredentialTemplate {
  chainId: number;
  achievement: Achievement;
  context: string[];
  type: string[];
  issuer: IssuerProfile;
  achievementObject: AchievementObject;
}

export type IssuerProfile = ReturnType<typeof issuerProfile>;
type AchievementObject = ReturnType<typeof achievementObject>;

/** The issuer's OB 3.0 Profile: its did:pkh on `chainId`, name, web site and country (course `awardingBody`). */
export function issuerProfile(achievement: Achievement, chainId: number) {
  return {
    id: didPkh(chainId, achievement.awardingBody.address as Address),
    type: ["Profile"],
    name: achievement.awardingBody.name,
    url: achievement.awardingBody.url,
    address: { type: ["Address"], addressCountryCode: achievement.awardingBody.country.slice(0, 2), addressRegion: achievement.awardingBody.country },
  };
}

/**
 * The OB 3.0 `Achievement` fields every credential format shares (v2 and v3 add their own after
 * these): id, type, `MicroCredential`, title, description, the outcomes as the criteria's
 * narrative, the ECTS workload as `creditsAvailable`, and the issuer as creator.
 */
export function achievementCore<P>(achievement: Achievement, creator: P) {
  return {
    id: achievement.id,
    type: ["Achievement"],
    achievementType: "MicroCredential",
    name: achievement.title,
    description: achievement.description,
    criteria: { narrative: achievement.learningOutcomes.map((o) => outcomeOf(o).text).join("\n") },
    creditsAvailable: achievement.workloadEcts,
    creator,
  };
}

function achievementObject(achievement: Achievement, issuer: IssuerProfile) {
  // v2 carries outcomes as text only: an ESCO URI given in the course goes into v3 credentials.
  const learningOutcomes = achievement.learningOutcomes.map((o) => outcomeOf(o).text);
  const eu = {
    type: "EUMicroCredential",
    learningOutcomes,
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
  return { ...achievementCore(achievement, issuer), euMicroCredential: eu };
}

/** Builds the shared part of the credentials of `achievement` on chain `chainId`. */
export function credentialTemplate(course: Achievement, chainId: number): CredentialTemplate {
  const achievement = structuredClone(course); // the shared parts get frozen; the caller's object does not
  const issuer = issuerProfile(achievement, chainId);
  return {
    chainId,
    achievement,
    context: shareCanonical([...VC_CONTEXT]),
    type: shareCanonical(["VerifiableCredential", "OpenBadgeCredential"]),
    issuer: shareCanonical(issuer),
    achievementObject: shareCanonical(achievementObject(achievement, issuerProfile(achievement, chainId))),
  };
}

/**
 * Builds the Open Badges 3.0 `OpenBadgeCredential` (a W3C VC 2.0) of one learner. The EU mandatory
 * elements sit in `credentialSubject.achievement.euMicroCredential` (course-level elements) and in
 * the credential itself (learner, date of issuing, issuer and its country).
 *
 * @example
 * const vc = buildCredential(parseAchievement(course), learner, 31337);
 * vc.credentialSubject.achievement.euMicroCredential.eqfLevel; // 6
 */
export function buildCredential(achievement: Achievement, learner: Learner, chainId: number, id = `urn:uuid:${randomUUID()}`) {
  // A clone: the template's shared parts are frozen, a single credential's caller owns all of it.
  return structuredClone(credentialFromTemplate(credentialTemplate(achievement, chainId), learner, id));
}

/** Builds one learner's credential from a batch's shared {@link CredentialTemplate}. */
export function credentialFromTemplate(template: CredentialTemplate, learner: Learner, id = `urn:uuid:${randomUUID()}`) {
  const { achievement, chainId } = template;
  const validFrom = issuedAt(learner.date);
  return {
    "@context": template.context,
    id,
    type: template.type,
    issuer: template.issuer,
    validFrom,
    ...(achievement.validityMonths ? { validUntil: addMonths(validFrom, achievement.validityMonths) } : {}),
    name: achievement.title,
    credentialSubject: {
      id: didPkh(chainId, learner.wallet as Address),
      type: ["AchievementSubject"],
      identifier: [
        { type: "IdentityObject", identityType: "name", hashed: false, identityHash: learner.name },
        { type: "IdentityObject", identityType: STUDENT_ID_IDENTITY_TYPE, hashed: false, identityHash: learner.id },
      ],
      achievement: template.achievementObject,
      creditsEarned: achievement.workloadEcts,
      ...(learner.grade ? { result: [{ type: ["Result"], value: learner.grade }] } : {}),
    },
  };
}

export type MicroCredential = ReturnType<typeof buildCredential>;
