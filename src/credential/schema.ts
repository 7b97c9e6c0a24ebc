import { addressProblem, readAddress } from "./keccak.js";
import { z } from "zod";
import { readIsoDate } from "./dates.js";
import { ValidationError, type FieldIssue } from "./errors.js";
import { ASSESSMENT_TYPE_CODES, ESCO_SKILL_URI, QUALITY_ASSURANCE_TYPE_CODES } from "./v3/vocabulary.js";

/** A 0x address that names an account: well-formed, not zero, EIP-55 checksum right when mixed case ({@link addressProblem}). */
export const accountAddress = z.string().superRefine((a, ctx) => {
  const problem = addressProblem(a);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** {@link accountAddress}, given back checksummed (EIP-55). */
export const checksummedAccountAddress = z.string().transform((a, ctx) => {
  const result = readAddress(a);
  if (result.ok) return result.address;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.reason });
  return z.NEVER;
});

/** A date or date-time that {@link readIsoDate} accepts (a real calendar day, 1970 or later, an offset with any time). */
export const isoDateString = z.string().superRefine((d, ctx) => {
  const result = readIsoDate(d);
  if (!result.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.reason });
});

const outcomeText = z.string().min(3).max(1000);

/** A learning outcome with the ESCO skill (or competence, knowledge) concept it corresponds to. */
export const learningOutcomeSchema = z
  .object({
    text: outcomeText,
    /** `http://data.europa.eu/esco/skill/<UUID>`. */
    esco: z.string().regex(ESCO_SKILL_URI, "expected an ESCO concept URI http://data.europa.eu/esco/skill/<UUID>").optional(),
  })
  .strict();

/** OB 3.0 `ResultType` values a course's grading scale may take (not the rubric ones, nor Status). */
export const GRADE_RESULT_TYPES = ["GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "RawScore", "ScaledScore"] as const;

/** How grades are expressed: becomes the OB 3.0 `ResultDescription` of the achievement. */
export const gradingScaleSchema = z
  .object({
    name: z.string().min(2).max(200),
    resultType: z.enum(GRADE_RESULT_TYPES),
    /** Every allowed grade, from the lowest to the highest (OB 3.0 `allowedValue`). */
    allowedValues: z.array(z.string().min(1).max(50)).min(2).max(100).optional(),
    valueMin: z.string().min(1).max(50).optional(),
    valueMax: z.string().min(1).max(50).optional(),
    /** The lowest passing grade (OB 3.0 `requiredValue`). */
    requiredValue: z.string().min(1).max(50).optional(),
  })
  .strict();

export type GradingScale = z.infer<typeof gradingScaleSchema>;

/** What a recognition decision recognises, and what for (a pathway's component). */
export const recognitionSchema = z
  .object({
    /** The pathway (its `id`) and the component (its local id) the recognised learning counts for. */
    pathway: z.string().url(),
    component: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a pathway component's local id"),
    /** The learning recognised: a course, a MOOC, a certificate of another system or a non-formal provider. */
    source: z.object({ name: z.string().min(2).max(200), url: z.string().url() }).strict(),
  })
  .strict();

export type Recognition = z.infer<typeof recognitionSchema>;

/**
 * The achievement (course) an issuer awards, with the mandatory elements of the EU Council
 * Recommendation of 16 June 2022 on micro-credentials (Annex I) and the optional ones.
 * The learner, the date of issuing and the grade come per learner (see {@link learnerSchema}).
 */
export const achievementSchema = z
  .object({
    /** Stable URI of the achievement, e.g. `https://uni.example/achievements/blockchain-101`. */
    id: z.string().url(),
    /** Title of the micro-credential (EU element 2). */
    title: z.string().min(3).max(200),
    description: z.string().min(1).max(4000),
    /** Awarding body (EU element 4) and its country/region (EU element 3). */
    awardingBody: z
      .object({
        name: z.string().min(2).max(200),
        /** ISO 3166-1 alpha-2 country code, optionally with an ISO 3166-2 region (`ES-CT`). */
        country: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, "expected an ISO 3166 code such as NL or ES-CT"),
        url: z.string().url(),
        /** The issuer's Ethereum address (its governance key in the accreditation registry). */
        address: accountAddress,
      })
      .strict(),
    /** Learning outcomes (EU element 6): text, or text with the ESCO skill it matches ({@link outcomeOf}). */
    learningOutcomes: z.array(z.union([outcomeText, learningOutcomeSchema])).min(1),
    /** Notional workload in ECTS credits (EU element 7), in steps of 0.01. */
    workloadEcts: z
      .number()
      .positive()
      .max(600)
      .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-9, "at most two decimals"),
    /** EQF level (EU element 8) and, where applicable, the QF-EHEA cycle. */
    eqfLevel: z.number().int().min(1).max(8),
    qfEheaCycle: z.enum(["short", "first", "second", "third"]).optional(),
    /** Type of assessment (EU element 9), in words. */
    assessmentType: z.string().min(2).max(200),
    /** The same, as ELM learning assessment types (v3 credentials need them). */
    assessmentTypeCodes: z.array(z.enum(ASSESSMENT_TYPE_CODES)).min(1).optional(),
    /** Form of participation (EU element 10). */
    participationForm: z.enum(["online", "onsite", "blended"]),
    /** Type of quality assurance used to underpin the micro-credential (EU element 11). */
    qualityAssurance: z.string().min(2).max(500),
    /** The same, as an ELM accreditation type (v3 credentials need it). */
    qualityAssuranceCode: z.enum(QUALITY_ASSURANCE_TYPE_CODES).optional(),
    /** The grading scale of the learners' grades (v3: the achievement's `resultDescription`). */
    gradingScale: gradingScaleSchema.optional(),
    // Optional elements (Annex I, part II).
    prerequisites: z.array(z.string().min(1)).optional(),
    identityVerification: z.enum(["none", "online-proctored", "onsite-supervised", "identity-checked"]).optional(),
    stackability: z
      .object({ standalone: z.boolean(), integratesInto: z.array(z.string().min(1)).optional() })
      .strict()
      .optional(),
    furtherInformation: z.string().url().optional(),
    /** How long a credential stays valid after its issue date, in whole months; absent = no expiry. */
    validityMonths: z.number().int().positive().max(1200).optional(),
    /**
     * A recognition decision (credit transfer, recognition of prior learning): the credentials of this
     * "course" say the learner's `source` learning counts for `component` of `pathway` (v3 only).
     */
    recognition: recognitionSchema.optional(),
  })
  .strict();

export type Achievement = z.infer<typeof achievementSchema>;

/** A learning outcome in its full form. */
export type LearningOutcome = z.infer<typeof learningOutcomeSchema>;

/**
 * A course's learning outcome as `{ text, esco? }`, whichever form the course JSON gave it in.
 *
 * @example
 * outcomeOf("Write fuzz tests");                                        // { text: "Write fuzz tests" }
 * outcomeOf({ text: "…", esco: "http://data.europa.eu/esco/skill/…" }); // unchanged
 */
export function outcomeOf(outcome: Achievement["learningOutcomes"][number]): LearningOutcome {
  return typeof outcome === "string" ? { text: outcome } : outcome;
}

/** One learner row of a learners CSV. */
export const learnerSchema = z
  .object({
    /** The institution's identifier of the learner (student number); never goes on chain. */
    id: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    /** The learner's wallet address: the holder key the credential is bound to. */
    wallet: checksummedAccountAddress,
    grade: z.string().max(50).optional(),
    /** Date of issuing (EU element 5): an ISO 8601 date, or a date-time with its offset ({@link readIsoDate}). */
    date: isoDateString,
  })
  .strict();

export type Learner = z.infer<typeof learnerSchema>;

/** Turns zod issues into field issues (path joined with dots). */
export function toFieldIssues(error: z.ZodError, row?: number): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "(root)",
    ...(row !== undefined ? { row } : {}),
    message: issue.message,
  }));
}

/** Validates an achievement; throws {@link ValidationError} naming every bad field. */
export function parseAchievement(input: unknown, source = "achievement"): Achievement {
  const result = achievementSchema.safeParse(input);
  if (!result.success) throw new ValidationError(source, toFieldIssues(result.error));
  return result.data;
}
