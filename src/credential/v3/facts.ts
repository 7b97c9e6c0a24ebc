import type { Address } from "viem";
import { Ajv2019, type ErrorObject } from "ajv/dist/2019.js";
import type { FieldIssue } from "../errors.js";
import { checksumAddress } from "../keccak.js";
import { issuesOfAjvErrors } from "../ob3-schema.js";
import { precompiledValidator } from "../precompiled-validators.js";
import { ALIGNMENT_TYPES } from "./achievement.js";
import { SIGNING_DID } from "./dids.js";
import { ECTS } from "./vocabulary.js";

/**
 * What the credstack verifier needs of a v3 credential beyond the formal OB 3.0 schema: the 11
 * mandatory EU 2022 elements in the standard terms v3 puts them in (docs/spec.md §2), and the
 * public facts its Merkle leaf binds. A JSON Schema (draft 2019-09, compiled once by ajv: a
 * verifier checks every credential with it) plus the few rules JSON Schema cannot say (real dates,
 * credits in steps of 0.01, URLs, chain ids within 2^53).
 */

// CAIP-2 chain references of eip155 are decimal without leading zeros.
const PKH = "^did:pkh:eip155:(0|[1-9][0-9]{0,15}):0x[0-9a-fA-F]{40}$";
// RFC 3339 date-times (offset with a colon).
const RFC3339 = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$";
const EQF_URL = /^http:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/;

const typed = (targetType: string | string[], extra: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["targetType", ...Object.keys(extra)],
  properties: { targetType: Array.isArray(targetType) ? { enum: targetType } : { const: targetType }, ...extra },
});

/** Each EU element at the alignments, with what is said when it is missing (EQF, mode and QA exactly once). */
const ALIGNMENT_RULES: { contains: object; min?: number; max?: number; message: string }[] = [
  { contains: typed(ALIGNMENT_TYPES.eqf), min: 1, max: 1, message: "needs one EQF level alignment (ext:EQFLevel, http://data.europa.eu/snb/eqf/<1-8>)" },
  { contains: typed(ALIGNMENT_TYPES.eqf, { targetUrl: { type: "string", pattern: EQF_URL.source } }), message: "needs one EQF level alignment (ext:EQFLevel, http://data.europa.eu/snb/eqf/<1-8>)" },
  { contains: typed(ALIGNMENT_TYPES.creditSystem, { targetUrl: { const: ECTS.uri } }), message: "needs the ECTS credit system alignment" },
  { contains: typed([ALIGNMENT_TYPES.outcome, ALIGNMENT_TYPES.escoOutcome]), message: "needs at least one learning outcome alignment" },
  { contains: typed(ALIGNMENT_TYPES.assessment), message: "needs at least one assessment type alignment (ext:AssessmentType)" },
  { contains: typed(ALIGNMENT_TYPES.mode), min: 1, max: 1, message: "needs one participation form alignment (ext:LearningMode)" },
  { contains: typed(ALIGNMENT_TYPES.qualityAssurance), min: 1, max: 1, message: "needs one quality assurance alignment (ext:QualityAssurance)" },
];

const string = (minLength = 0) => ({ type: "string", minLength });

/** The JSON Schema of what a v3 credential must hold for credstack (beside the formal OB 3.0 schema). */
export const CREDENTIAL_V3_PROFILE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2019-09/schema",
  type: "object",
  required: ["id", "issuer", "validFrom", "name", "credentialSubject"],
  properties: {
    id: string(1),
    issuer: {
      type: "object",
      required: ["id", "name", "address"],
      properties: {
        id: { type: "string", anyOf: [{ type: "string", pattern: PKH }, { type: "string", pattern: SIGNING_DID.source }] },
        name: string(2),
        address: { type: "object", required: ["addressCountryCode"], properties: { addressCountryCode: { type: "string", pattern: "^[A-Z]{2}$" } } },
      },
    },
    validFrom: { type: "string", pattern: RFC3339 },
    validUntil: { type: "string", pattern: RFC3339 },
    name: string(3),
    credentialSubject: {
      type: "object",
      required: ["id", "identifier", "creditsEarned", "achievement"],
      properties: {
        id: { type: "string", pattern: PKH },
        // v3 names the learner by hashed identity objects only (OB 3.0 IdentityHash with its salt).
        identifier: {
          type: "array",
          minItems: 1,
          items: { type: "object", required: ["type", "hashed", "salt"], properties: { type: { const: "IdentityObject" }, hashed: { const: true }, salt: string(16) } },
        },
        creditsEarned: { type: "number", exclusiveMinimum: 0, maximum: 600 },
        achievement: {
          type: "object",
          required: ["id", "name", "creditsAvailable", "alignment"],
          properties: {
            id: { type: "string" },
            name: string(3),
            creditsAvailable: { type: "number", exclusiveMinimum: 0, maximum: 600 },
            alignment: {
              type: "array",
              items: { type: "object", required: ["targetUrl", "targetName"], properties: { targetUrl: { type: "string" }, targetName: { type: "string" }, targetType: { type: "string" } } },
              allOf: ALIGNMENT_RULES.map((r) => ({ contains: r.contains, ...(r.min !== undefined ? { minContains: r.min } : {}), ...(r.max !== undefined ? { maxContains: r.max } : {}) })),
            },
          },
        },
      },
    },
  },
} as const;

/** A v3 credential {@link parseCredentialV3} accepted: the members the checks read (others pass through). */
export interface MicroCredentialV3 {
  id: string;
  issuer: { id: string; name: string; address: { addressCountryCode: string; addressRegion?: unknown } };
  validFrom: string;
  validUntil?: string;
  name: string;
  credentialSubject: {
    id: string;
    identifier: { type: "IdentityObject"; hashed: true; salt: string }[];
    creditsEarned: number;
    achievement: { id: string; name: string; creditsAvailable: number; alignment: { targetType?: string; targetUrl: string; targetName: string }[] };
  };
}

let validate: ReturnType<Ajv2019["compile"]> | undefined;
let validateDerived: ReturnType<Ajv2019["compile"]> | undefined;

/**
 * Compiles the v3 profile schema (`derived`: a presentation's, see {@link derivedProfileSchema}), strict, with its
 * source kept for the browser build's standalone code.
 */
export function compileProfileSchema(derived: boolean): { ajv: Ajv2019; validate: ReturnType<Ajv2019["compile"]> } {
  const ajv = new Ajv2019({ allErrors: true, strict: true, code: { source: true } });
  return { ajv, validate: ajv.compile(derived ? derivedProfileSchema() : CREDENTIAL_V3_PROFILE_SCHEMA) };
}

/**
 * {@link CREDENTIAL_V3_PROFILE_SCHEMA} for a derived credential (a presentation's, docs/spec.md §14): the learner's
 * identity objects may all be hidden, so `credentialSubject.identifier` may be absent; what is present is as above.
 */
function derivedProfileSchema(): object {
  const schema = structuredClone(CREDENTIAL_V3_PROFILE_SCHEMA) as unknown as {
    properties: { credentialSubject: { required: string[]; properties: { identifier: { minItems?: number } } } };
  };
  const subject = schema.properties.credentialSubject;
  subject.required = subject.required.filter((r) => r !== "identifier");
  delete subject.properties.identifier.minItems;
  return schema;
}

/** ajv's errors as field issues, the alignment rules' with their own sentences. */
function issuesOf(errors: ErrorObject[]): FieldIssue[] {
  const rule = (e: ErrorObject) => /\/alignment\/allOf\/(\d+)\//.exec(e.schemaPath)?.[1];
  const said = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const e of errors) {
    const n = rule(e);
    if (n === undefined) continue;
    const message = ALIGNMENT_RULES[Number(n)]!.message;
    if (!said.has(message)) issues.push({ field: "credentialSubject.achievement.alignment", message }), said.add(message);
  }
  return [...issuesOfAjvErrors(errors.filter((e) => rule(e) === undefined)), ...issues];
}

const ms = (t: string) => Date.parse(t);

/** The rules JSON Schema cannot say, on a document the schema accepted. */
function ruleIssues(vc: MicroCredentialV3): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of ["validFrom", "validUntil"] as const) {
    const t = vc[field];
    if (t !== undefined && !(Number.isFinite(ms(t)) && ms(t) >= 0 && ms(t) / 1000 < 2 ** 40)) issues.push({ field, message: "must be a date from 1970 on" });
  }
  for (const [field, did] of [["issuer.id", vc.issuer.id], ["credentialSubject.id", vc.credentialSubject.id]] as const) {
    if (did.startsWith("did:pkh:") && Number(did.split(":")[3]) > Number.MAX_SAFE_INTEGER) issues.push({ field, message: "chain id out of range" });
  }
  const c = vc.credentialSubject.creditsEarned;
  if (!(Math.round(c * 100) >= 1 && Math.abs(c * 100 - Math.round(c * 100)) < 1e-6)) issues.push({ field: "credentialSubject.creditsEarned", message: "at least 0.01, in steps of 0.01" });
  if (!URL.canParse(vc.credentialSubject.achievement.id)) issues.push({ field: "credentialSubject.achievement.id", message: "Invalid url" });
  return issues;
}

/**
 * Checks a v3 document against {@link CREDENTIAL_V3_PROFILE_SCHEMA} and the rules beside it: the
 * document itself (no copy), or every issue found. `derived`: a presentation's derived credential, whose identity
 * objects may be hidden (docs/spec.md §14).
 *
 * @example
 * const parsed = parseCredentialV3(document);
 * if (parsed.success) credentialFactsV3(parsed.data).eqfLevel; // 6
 */
export function parseCredentialV3(
  document: unknown,
  options: { derived?: boolean } = {},
): { success: true; data: MicroCredentialV3 } | { success: false; issues: FieldIssue[] } {
  const run = options.derived
    ? (validateDerived ??= precompiledValidator("v3-derived-profile") ?? compileProfileSchema(true).validate)
    : (validate ??= precompiledValidator("v3-profile") ?? compileProfileSchema(false).validate);
  if (!run(document)) return { success: false, issues: issuesOf(run.errors ?? []) };
  const data = document as MicroCredentialV3;
  const issues = ruleIssues(data);
  return issues.length ? { success: false, issues } : { success: true, data };
}

/** The public facts of a v3 credential its leaf binds (the issuer account comes from the proof). */
export interface CredentialFactsV3 {
  chainId: number;
  holder: Address;
  achievementUri: string;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
}

/** Reads the leaf facts from a credential {@link parseCredentialV3} accepted. */
export function credentialFactsV3(vc: MicroCredentialV3): CredentialFactsV3 {
  const [, , , chain, address] = vc.credentialSubject.id.split(":");
  const eqf = vc.credentialSubject.achievement.alignment.find((a) => a.targetType === ALIGNMENT_TYPES.eqf)!;
  return {
    chainId: Number(chain),
    holder: checksumAddress(address!),
    achievementUri: vc.credentialSubject.achievement.id,
    creditsCenti: Math.round(vc.credentialSubject.creditsEarned * 100),
    eqfLevel: Number(EQF_URL.exec(eqf.targetUrl)![1]),
    awardedAt: Math.floor(Date.parse(vc.validFrom) / 1000),
  };
}
