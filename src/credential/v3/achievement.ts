import { createHash } from "node:crypto";
import { ValidationError, type FieldIssue } from "../errors.js";
import { outcomeOf, type Achievement, type GradingScale } from "../schema.js";
import { ASSESSMENT_TYPES, ECTS, PARTICIPATION_MODES, QUALITY_ASSURANCE_TYPES, eqfLevelConcept, type Concept } from "./vocabulary.js";

/** An OB 3.0 `Alignment`: `type`, `targetName` and `targetUrl` are required by the formal schema. */
export interface Alignment {
  type: ["Alignment"];
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetCode?: string;
  targetFramework?: string;
  targetType?: string;
}

/** An OB 3.0 `ResultDescription` (the achievement's grading scale). */
export interface ResultDescription {
  id: string;
  type: ["ResultDescription"];
  name: string;
  resultType: string;
  allowedValue?: string[];
  valueMin?: string;
  valueMax?: string;
  requiredValue?: string;
}

/** `targetType` values of credstack's alignments (OB 3.0 allows its enum or `ext:` names). */
export const ALIGNMENT_TYPES = {
  eqf: "ext:EQFLevel",
  creditSystem: "ext:CreditSystem",
  escoOutcome: "ceasn:Competency",
  outcome: "ext:LearningOutcome",
  recognizedFor: "ext:RecognizedFor",
  recognizedLearning: "ext:RecognizedLearning",
  assessment: "ext:AssessmentType",
  mode: "ext:LearningMode",
  qualityAssurance: "ext:QualityAssurance",
} as const;

const ELM = "European Learning Model";

function conceptAlignment(concept: Concept, targetType: string, framework: string, description?: string): Alignment {
  return {
    type: ["Alignment"],
    targetName: concept.label,
    targetUrl: concept.uri,
    ...(description ? { targetDescription: description } : {}),
    targetFramework: framework,
    targetType,
  };
}

/** `uri` with its fragment set to `fragment` (a name inside the issuer's own achievement URI). */
function withFragment(uri: string, fragment: string): string {
  const url = new URL(uri);
  url.hash = fragment;
  return url.href;
}

/**
 * The ELM codes a v3 credential needs beyond the v2 course fields, or a {@link ValidationError}
 * naming the missing ones: the assessment types and the quality assurance type are free text in
 * the course, so they map to ELM concepts only through `assessmentTypeCodes` / `qualityAssuranceCode`.
 */
function requireElmCodes(achievement: Achievement) {
  const issues: FieldIssue[] = [];
  const { assessmentTypeCodes, qualityAssuranceCode } = achievement;
  if (!assessmentTypeCodes) issues.push({ field: "assessmentTypeCodes", message: "required for a v3 credential: the ELM learning assessment type(s) of assessmentType" });
  if (!qualityAssuranceCode) issues.push({ field: "qualityAssuranceCode", message: "required for a v3 credential: the ELM accreditation type of qualityAssurance" });
  if (issues.length || !assessmentTypeCodes || !qualityAssuranceCode) throw new ValidationError("course (for a v3 credential)", issues);
  return { assessmentTypeCodes, qualityAssuranceCode };
}

/**
 * The achievement's alignments, in this order: EQF level, ECTS (the unit of `creditsAvailable`),
 * each learning outcome (the ESCO concept when the course gives one, else the outcome's own URI
 * under the achievement id, `#learning-outcome-<n>`), the assessment types, the participation
 * mode, the quality assurance type. Throws a {@link ValidationError} when ELM codes are missing.
 *
 * @example
 * achievementAlignments(course)[0].targetUrl; // "http://data.europa.eu/snb/eqf/6"
 */
export function achievementAlignments(achievement: Achievement): Alignment[] {
  const { assessmentTypeCodes, qualityAssuranceCode } = requireElmCodes(achievement);
  const eqf = eqfLevelConcept(achievement.eqfLevel);
  const outcomes = achievement.learningOutcomes.map((o, i): Alignment => {
    const { text, esco } = outcomeOf(o);
    if (esco) {
      const code = esco.slice(esco.lastIndexOf("/") + 1);
      return { type: ["Alignment"], targetName: text, targetUrl: esco, targetDescription: text, targetCode: code, targetFramework: "ESCO", targetType: ALIGNMENT_TYPES.escoOutcome };
    }
    const targetUrl = withFragment(achievement.id, `learning-outcome-${i + 1}`);
    return { type: ["Alignment"], targetName: text, targetUrl, targetDescription: text, targetType: ALIGNMENT_TYPES.outcome };
  });
  return [
    { ...conceptAlignment(eqf, ALIGNMENT_TYPES.eqf, "European Qualifications Framework"), targetCode: String(achievement.eqfLevel) },
    conceptAlignment(ECTS, ALIGNMENT_TYPES.creditSystem, ELM, `creditsAvailable is in ECTS credits (${achievement.workloadEcts})`),
    ...outcomes,
    ...assessmentTypeCodes.map((c) => conceptAlignment(ASSESSMENT_TYPES[c], ALIGNMENT_TYPES.assessment, ELM, achievement.assessmentType)),
    conceptAlignment(PARTICIPATION_MODES[achievement.participationForm], ALIGNMENT_TYPES.mode, ELM),
    conceptAlignment(QUALITY_ASSURANCE_TYPES[qualityAssuranceCode], ALIGNMENT_TYPES.qualityAssurance, ELM, achievement.qualityAssurance),
    ...recognitionAlignments(achievement),
  ];
}

/**
 * A recognition decision's alignments: the pathway component the learning counts for
 * (`<pathway>#<component>`, `ext:RecognizedFor`) and the learning recognised (`ext:RecognizedLearning`).
 * OB 3.0 terms only, so a recognition is a credential like any other.
 */
function recognitionAlignments(achievement: Achievement): Alignment[] {
  const r = achievement.recognition;
  if (!r) return [];
  return [
    { type: ["Alignment"], targetName: `Component ${r.component} of pathway ${r.pathway}`, targetUrl: `${r.pathway}#${r.component}`, targetFramework: "credstack pathway", targetType: ALIGNMENT_TYPES.recognizedFor },
    { type: ["Alignment"], targetName: r.source.name, targetUrl: r.source.url, targetType: ALIGNMENT_TYPES.recognizedLearning },
  ];
}

/** A name-based (version 5, SHA-1) UUID in the URL namespace (RFC 9562), as a `urn:uuid:` URI. */
export function uuidV5Url(name: string): string {
  const ns = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const b = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The achievement's `ResultDescription` of the final grade, from the course's `gradingScale` (or a
 * plain "Final grade" of type `Result` without one). Its id is stable per achievement (a UUID v5
 * of `<achievement id>#final-grade`), so every credential of the course links to the same one.
 * Throws a {@link ValidationError} when `requiredValue` is not among `allowedValues`.
 */
export function finalGradeDescription(achievement: Achievement): ResultDescription {
  const scale: Partial<GradingScale> = achievement.gradingScale ?? {};
  const { allowedValues, requiredValue } = scale;
  if (allowedValues && requiredValue !== undefined && !allowedValues.includes(requiredValue)) {
    throw new ValidationError("course", [{ field: "gradingScale.requiredValue", message: `"${requiredValue}" is not one of allowedValues` }]);
  }
  return {
    id: uuidV5Url(`${achievement.id}#final-grade`),
    type: ["ResultDescription"],
    name: scale.name ?? "Final grade",
    resultType: scale.resultType ?? "Result", // no scale in the course: an unspecified result
    ...(allowedValues ? { allowedValue: [...allowedValues] } : {}),
    ...(scale.valueMin !== undefined ? { valueMin: scale.valueMin } : {}),
    ...(scale.valueMax !== undefined ? { valueMax: scale.valueMax } : {}),
    ...(requiredValue !== undefined ? { requiredValue } : {}),
  };
}

/** Problems of a learner's grade on the course's scale: not an allowed value, or a number outside valueMin–valueMax. */
export function gradeIssues(grade: string, scale: GradingScale | undefined): FieldIssue[] {
  if (!scale) return [];
  if (scale.allowedValues && !scale.allowedValues.includes(grade)) {
    return [{ field: "grade", message: `"${grade}" is not on the course's grading scale (${scale.allowedValues.join(", ")})` }];
  }
  const [value, min, max] = [grade, scale.valueMin, scale.valueMax].map((v) => (v === undefined ? undefined : Number(v)));
  const numeric = (n: number | undefined) => n !== undefined && Number.isFinite(n);
  if ((numeric(min) || numeric(max)) && !numeric(value)) return [{ field: "grade", message: `"${grade}" is not a number on the course's scale` }];
  if ((numeric(min) && value! < min!) || (numeric(max) && value! > max!)) {
    return [{ field: "grade", message: `${grade} is outside the course's scale ${scale.valueMin ?? ""}–${scale.valueMax ?? ""}` }];
  }
  return [];
}
