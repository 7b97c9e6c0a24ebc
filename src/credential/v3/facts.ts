import type { Address } from "viem";
import { z } from "zod";
import { checksumAddress } from "../keccak.js";
import { ALIGNMENT_TYPES } from "./achievement.js";
import { SIGNING_DID } from "./build.js";
import { ECTS } from "./vocabulary.js";

/**
 * What the credstack verifier needs of a v3 credential beyond the formal OB 3.0 schema: the 11
 * mandatory EU 2022 elements in the standard terms v3 puts them in (docs/spec.md §2), and the
 * public facts its Merkle leaf binds.
 */
// CAIP-2 chain references of eip155 are decimal without leading zeros; up to 2^53 - 1 here.
const didPkh = z
  .string()
  .regex(/^did:pkh:eip155:(0|[1-9][0-9]{0,15}):0x[0-9a-fA-F]{40}$/, "expected did:pkh:eip155:<chainId>:<address>")
  .refine((did) => Number(did.split(":")[3]) <= Number.MAX_SAFE_INTEGER, "chain id out of range");
// RFC 3339 date-times (offset with a colon), from 1970 on and within uint40 seconds (the leaf's awardedAt).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isoDateTime = z
  .string()
  .regex(RFC3339, "expected an RFC 3339 date-time (offset as Z or ±hh:mm)")
  .refine((t) => {
    const ms = Date.parse(t);
    return Number.isFinite(ms) && ms >= 0 && ms / 1000 < 2 ** 40;
  }, "must be a date from 1970 on");
const EQF_URL = /^http:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/;

const alignment = z.object({ targetType: z.string().optional(), targetUrl: z.string(), targetName: z.string() }).passthrough();
type Alignment = z.infer<typeof alignment>;

const count = (list: readonly Alignment[], type: string) => list.filter((a) => a.targetType === type).length;

/** The EU elements at the achievement's alignments: each present (EQF, mode and QA exactly once). */
function alignmentIssues(list: readonly Alignment[], ctx: z.RefinementCtx): void {
  const need = (ok: boolean, message: string) => ok || ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  const eqf = list.filter((a) => a.targetType === ALIGNMENT_TYPES.eqf);
  need(eqf.length === 1 && EQF_URL.test(eqf[0]!.targetUrl), "needs one EQF level alignment (ext:EQFLevel, http://data.europa.eu/snb/eqf/<1-8>)");
  need(list.some((a) => a.targetType === ALIGNMENT_TYPES.creditSystem && a.targetUrl === ECTS.uri), "needs the ECTS credit system alignment");
  need(count(list, ALIGNMENT_TYPES.outcome) + count(list, ALIGNMENT_TYPES.escoOutcome) >= 1, "needs at least one learning outcome alignment");
  need(count(list, ALIGNMENT_TYPES.assessment) >= 1, "needs at least one assessment type alignment (ext:AssessmentType)");
  need(count(list, ALIGNMENT_TYPES.mode) === 1, "needs one participation form alignment (ext:LearningMode)");
  need(count(list, ALIGNMENT_TYPES.qualityAssurance) === 1, "needs one quality assurance alignment (ext:QualityAssurance)");
}

export const microCredentialV3Schema = z
  .object({
    id: z.string().min(1),
    issuer: z
      .object({
        id: z.union([didPkh, z.string().regex(SIGNING_DID, "expected a did:pkh, did:key or did:web")]),
        name: z.string().min(2),
        address: z.object({ addressCountryCode: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code") }).passthrough(),
      })
      .passthrough(),
    validFrom: isoDateTime,
    validUntil: isoDateTime.optional(),
    name: z.string().min(3),
    credentialSubject: z
      .object({
        id: didPkh,
        // v3 names the learner by hashed identity objects only (OB 3.0 IdentityHash with its salt).
        identifier: z
          .array(z.object({ type: z.literal("IdentityObject"), hashed: z.literal(true), salt: z.string().min(16) }).passthrough())
          .min(1),
        creditsEarned: z
          .number()
          .positive()
          .max(600)
          .refine((c) => Math.round(c * 100) >= 1 && Math.abs(c * 100 - Math.round(c * 100)) < 1e-6, "at least 0.01, in steps of 0.01"),
        achievement: z
          .object({
            id: z.string().url(),
            name: z.string().min(3),
            creditsAvailable: z.number().positive().max(600),
            alignment: z.array(alignment).superRefine(alignmentIssues),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export type MicroCredentialV3 = z.infer<typeof microCredentialV3Schema>;

/** The public facts of a v3 credential its leaf binds (the issuer account comes from the proof). */
export interface CredentialFactsV3 {
  chainId: number;
  holder: Address;
  achievementUri: string;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
}

/** Reads the leaf facts from a credential {@link microCredentialV3Schema} accepted. */
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
