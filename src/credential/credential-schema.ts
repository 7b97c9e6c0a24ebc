import type { Address } from "viem";
import { addressProblem, checksumAddress } from "./keccak.js";
import { datetimeRegex, z } from "zod";
import { readIsoDate } from "./dates.js";
import { ValidationError, type FieldIssue } from "./errors.js";
import { validateOpenBadgeCredential } from "./ob3-schema.js";
import { STUDENT_ID_IDENTITY_TYPE } from "./credential.js";
import { toFieldIssues } from "./schema.js";
import { identityHash } from "./v3/identity.js";

/**
 * The shape of a credstack micro-credential (an OB 3.0 `OpenBadgeCredential`), as {@link buildCredential}
 * writes it and as an issuer's own system may supply it (JSON Lines input). All 11 mandatory EU
 * elements are required; other OB 3.0 properties pass through untouched.
 */
const didPkh = z.string().regex(/^did:pkh:eip155:[0-9]{1,20}:0x[0-9a-fA-F]{40}$/, "expected did:pkh:eip155:<chainId>:<address>");
// z.string().datetime({ offset: true }) exactly, with its regular expression built once: zod
// rebuilds it on every parse, which a verifier checking thousands of credentials notices.
const ISO_DATE_TIME = datetimeRegex({ precision: null, offset: true, local: false });
const isoDateTime = z.string().regex(ISO_DATE_TIME, "Invalid datetime");

const euElementsSchema = z
  .object({
    type: z.literal("EUMicroCredential"),
    learningOutcomes: z.array(z.string().min(3)).min(1),
    workloadEcts: z.number().positive().max(600),
    eqfLevel: z.number().int().min(1).max(8),
    qfEheaCycle: z.enum(["short", "first", "second", "third"]).optional(),
    assessmentType: z.string().min(2),
    participationForm: z.enum(["online", "onsite", "blended"]),
    qualityAssurance: z.string().min(2),
  })
  .passthrough();

const issuerSchema = z
  .object({
    id: didPkh,
    type: z.array(z.string()).refine((t) => t.includes("Profile"), "must include Profile"),
    name: z.string().min(2),
    address: z.object({ addressCountryCode: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code") }).passthrough(),
  })
  .passthrough();

export const microCredentialSchema = z
  .object({
    "@context": z.array(z.unknown()).min(2),
    id: z.string().min(1),
    type: z.array(z.string()).refine((t) => t.includes("VerifiableCredential") && t.includes("OpenBadgeCredential"), "must include VerifiableCredential and OpenBadgeCredential"),
    issuer: issuerSchema,
    validFrom: isoDateTime,
    validUntil: isoDateTime.optional(),
    name: z.string().min(3),
    credentialSubject: z
      .object({
        id: didPkh,
        type: z.array(z.string()).refine((t) => t.includes("AchievementSubject"), "must include AchievementSubject"),
        identifier: z.array(z.object({ type: z.literal("IdentityObject"), identityType: z.string(), hashed: z.boolean(), identityHash: z.string().min(1) }).passthrough()).min(1),
        achievement: z
          .object({ id: z.string().url(), name: z.string().min(3), euMicroCredential: euElementsSchema })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export type MicroCredentialInput = z.infer<typeof microCredentialSchema>;

/** The public facts of a credential that its Merkle leaf binds (besides index, registry and digest). */
export interface CredentialFacts {
  chainId: number;
  holder: Address;
  issuer: Address;
  achievementUri: string;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
}

function parseDidPkh(did: string): { chainId: number; address: Address } {
  const [, , , chain, address] = did.split(":");
  return { chainId: Number(chain), address: checksumAddress(address!) }; // throws on a malformed address
}

/** Reads the leaf facts from a validated credential. */
export function credentialFacts(vc: MicroCredentialInput): CredentialFacts {
  const holder = parseDidPkh(vc.credentialSubject.id);
  return {
    chainId: holder.chainId,
    holder: holder.address,
    issuer: parseDidPkh(vc.issuer.id).address,
    achievementUri: vc.credentialSubject.achievement.id,
    creditsCenti: Math.round(vc.credentialSubject.achievement.euMicroCredential.workloadEcts * 100),
    eqfLevel: vc.credentialSubject.achievement.euMicroCredential.eqfLevel,
    awardedAt: Math.floor(Date.parse(vc.validFrom) / 1000),
  };
}

/** The learner's id (student number) in a credential: OB 3.0 `ext:studentId` (v1 batches wrote `studentId`). */
export function learnerIdOf(vc: { credentialSubject?: unknown }): string | undefined {
  const identifiers = (vc.credentialSubject as { identifier?: { identityType?: string; identityHash?: string }[] } | undefined)?.identifier;
  return identifiers?.find((x) => x.identityType === STUDENT_ID_IDENTITY_TYPE || x.identityType === "studentId")?.identityHash;
}

/**
 * Whether a credential names the learner with student number `id`: in plain text (v1, v2) or as a
 * hashed OB 3.0 identity object (v3: `identityHash` = `sha256$` + hex SHA-256 of `id` and its salt).
 */
export function hasLearnerId(vc: { credentialSubject?: unknown }, id: string): boolean {
  type Identity = { identityType?: unknown; identityHash?: unknown; hashed?: unknown; salt?: unknown };
  const identifiers = (vc.credentialSubject as { identifier?: Identity[] } | undefined)?.identifier;
  if (!Array.isArray(identifiers)) return false;
  return identifiers.some((x) => {
    if (x === null || typeof x !== "object") return false;
    if (x.identityType !== STUDENT_ID_IDENTITY_TYPE && x.identityType !== "studentId") return false;
    if (x.hashed !== true) return x.identityHash === id;
    return typeof x.salt === "string" && x.identityHash === identityHash(id, x.salt);
  });
}

/**
 * What an issuer's own credential (JSON Lines input of a batch build) must satisfy beyond
 * {@link microCredentialSchema}, which the verifier shares: the holder's and issuer's addresses name
 * accounts (not zero, EIP-55 checksum right when mixed case), `validFrom` / `validUntil` are real
 * instants from 1970 on ({@link readIsoDate}), and the credential passes the formal Open Badges 3.0
 * JSON Schema. `vc` is the parsed form of `raw`; every issue carries `row`.
 */
export function credentialInputIssues(vc: MicroCredentialInput, raw: unknown, row?: number): FieldIssue[] {
  const at = row !== undefined ? { row } : {};
  const issues: FieldIssue[] = [];
  for (const [field, did] of [["credentialSubject.id", vc.credentialSubject.id], ["issuer.id", vc.issuer.id]] as const) {
    const problem = addressProblem(did.slice(did.lastIndexOf(":") + 1));
    if (problem) issues.push({ field, ...at, message: problem });
  }
  for (const field of ["validFrom", "validUntil"] as const) {
    const value = vc[field];
    const date = value === undefined ? undefined : readIsoDate(value);
    if (date && !date.ok) issues.push({ field, ...at, message: date.reason });
  }
  for (const issue of validateOpenBadgeCredential(raw)) issues.push({ ...issue, ...at, message: `Open Badges 3.0 schema: ${issue.message}` });
  return issues;
}

/**
 * Validates a full credential (all EU mandatory elements present and well-formed); throws a
 * {@link ValidationError} naming every bad field (and `row`, for JSON Lines input).
 *
 * @example
 * const vc = parseMicroCredential(JSON.parse(line), "credentials.jsonl", 12);
 * credentialFacts(vc).eqfLevel; // 6
 */
export function parseMicroCredential(input: unknown, source = "credential", row?: number): MicroCredentialInput {
  const result = microCredentialSchema.safeParse(input);
  if (!result.success) throw new ValidationError(source, toFieldIssues(result.error, row));
  return result.data;
}
