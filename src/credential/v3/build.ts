import { randomUUID } from "node:crypto";
import type { Address } from "viem";
import { achievementCore, addMonths, didPkh, issuedAt as isoIssuedAt, issuerProfile } from "../credential.js";
import { ValidationError } from "../errors.js";
import { SIGNING_DID } from "./dids.js";
import { CREDSTACK_V3_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL, OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from "../jsonld.js";
import { OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID } from "../ob3-schema.js";
import type { Achievement, Learner } from "../schema.js";
import { achievementAlignments, finalGradeDescription, gradeIssues } from "./achievement.js";
import { learnerIdentities, type IdentitySalts } from "./identity.js";

/**
 * `@context` of a v3 credential: VC 2.0, OB 3.0.3 (the formal schema wants these two first), 1EdTech's
 * extensions (for `1EdTechJsonSchemaValidator2019`), credstack v3 (the EU elements no standard term has).
 */
export const V3_CONTEXT = [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL, CREDSTACK_V3_CONTEXT_URL] as const;

/** The `credentialSchema` entry of a v3 credential: the formal OB 3.0 JSON Schema. */
export const V3_CREDENTIAL_SCHEMA = { id: OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID, type: "1EdTechJsonSchemaValidator2019" } as const;

/** Input of {@link buildCredentialV3}. */
export interface CredentialV3Input {
  /** The course, parsed (`parseAchievement`); it needs `assessmentTypeCodes` and `qualityAssuranceCode`. */
  achievement: Achievement;
  learner: Learner;
  /** The chain whose did:pkh names the issuer and the holder (a batch target has more: ignored here). */
  target: { chainId: number };
  /** The salts of the hashed identity objects (`newIdentitySalts()`); the holder keeps them too. */
  salts: IdentitySalts;
  /** Date of issuing (`validFrom`), ISO 8601; the learner row's date when absent. */
  issuedAt?: string;
  /** The credential's id; a random `urn:uuid:` when absent. */
  id?: string;
  /**
   * The issuer's DID in `issuer.id` (and the achievement's `creator.id`): a `did:key` or `did:web`
   * whose Ed25519 key signs the credential (`eddsa-rdfc-2022`). Absent: the issuer account's
   * did:pkh on the target chain. The registry still knows the issuer by its Ethereum account, which
   * the Merkle proof names; see docs/spec.md.
   */
  issuerDid?: string;
}

export { SIGNING_DID };

/** The issuer Profile of a v3 credential: v2's, under `issuerDid` when given. */
export function issuerProfileV3(achievement: Achievement, chainId: number, issuerDid?: string) {
  if (issuerDid !== undefined && !SIGNING_DID.test(issuerDid)) {
    throw new ValidationError("issuer", [{ field: "issuerDid", message: `must be a did:key or did:web DID, got ${JSON.stringify(issuerDid)}` }]);
  }
  const profile = issuerProfile(achievement, chainId);
  return issuerDid ? { ...profile, id: issuerDid } : profile;
}

/** The EU 2022 elements no standard term carries: credstack v3 context terms on the achievement. */
function extensionTerms(a: Achievement) {
  return {
    ...(a.qfEheaCycle ? { qfEheaCycle: a.qfEheaCycle } : {}),
    ...(a.prerequisites ? { prerequisites: [...a.prerequisites] } : {}),
    ...(a.identityVerification ? { identityVerification: a.identityVerification } : {}),
    ...(a.stackability ? { standalone: a.stackability.standalone } : {}),
    ...(a.stackability?.integratesInto ? { integratesInto: [...a.stackability.integratesInto] } : {}),
  };
}

/**
 * The OB 3.0 `Achievement` of a v3 credential: the EU 2022 elements at standard terms (alignments
 * to EQF, ECTS, ESCO and ELM concepts; `creditsAvailable`; the grading scale as a
 * `resultDescription`; further information as schema.org `url`) and the rest as credstack terms.
 */
export function achievementV3(achievement: Achievement, chainId: number, issuerDid?: string) {
  return {
    ...achievementCore(achievement, issuerProfileV3(achievement, chainId, issuerDid)),
    alignment: achievementAlignments(achievement),
    resultDescription: [finalGradeDescription(achievement)],
    ...(achievement.furtherInformation ? { url: achievement.furtherInformation } : {}),
    ...extensionTerms(achievement),
  };
}

/**
 * Builds a learner's v3 credential: a bare W3C VC 2.0 / Open Badges 3.0 `OpenBadgeCredential`
 * (`AchievementCredential`'s canonical name), valid against the formal OB 3.0 JSON Schema and
 * JSON-LD safe with the shipped contexts. The issuer is the course's awarding body as a did:pkh
 * Profile (as in v2), the holder the learner's wallet as a did:pkh; the learner's name and student
 * number are hashed identity objects with their salts; the grade is a `Result` linked to the
 * achievement's `ResultDescription`. No `proof` (a later step adds the DataIntegrity proof) and no
 * Merkle salt seed. Throws a {@link ValidationError} naming what is missing or wrong (ELM codes,
 * a grade off the course's scale, short salts, a bad date).
 *
 * @example
 * const vc = buildCredentialV3({ achievement: parseAchievement(course), learner, target: { chainId: 31337 },
 *   salts: newIdentitySalts() });
 * vc.credentialSubject.achievement.alignment[0].targetUrl; // "http://data.europa.eu/snb/eqf/6"
 * validateOpenBadgeCredential(vc); // []
 */
export function buildCredentialV3(input: CredentialV3Input) {
  const { achievement, learner, target, salts } = input;
  const grade = learner.grade ? gradeIssues(learner.grade, achievement.gradingScale) : [];
  if (grade.length) throw new ValidationError(`learner ${learner.id}`, grade);
  let validFrom: string;
  try {
    validFrom = isoIssuedAt(input.issuedAt ?? learner.date);
  } catch (error) {
    throw new ValidationError(`learner ${learner.id}`, [{ field: input.issuedAt ? "issuedAt" : "date", message: (error as Error).message }]);
  }
  const achievementObject = achievementV3(achievement, target.chainId, input.issuerDid);
  const gradeDescription = achievementObject.resultDescription[0]!;
  return {
    "@context": [...V3_CONTEXT],
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: issuerProfileV3(achievement, target.chainId, input.issuerDid),
    validFrom,
    ...(achievement.validityMonths ? { validUntil: addMonths(validFrom, achievement.validityMonths) } : {}),
    name: achievement.title,
    credentialSubject: {
      id: didPkh(target.chainId, learner.wallet as Address),
      type: ["AchievementSubject"],
      identifier: learnerIdentities(learner, salts),
      achievement: achievementObject,
      creditsEarned: achievement.workloadEcts,
      ...(learner.grade ? { result: [{ type: ["Result"], resultDescription: gradeDescription.id, value: learner.grade }] } : {}),
    },
    credentialSchema: [{ ...V3_CREDENTIAL_SCHEMA }],
  };
}

export type CredentialV3 = ReturnType<typeof buildCredentialV3>;
