/**
 * European Learning Model (ELM) vocabulary concepts that credstack v3 credentials align to, by the
 * course JSON value that selects them. Every URI below is copied from the ELM repository,
 * GitHub `european-commission-empl/European-Learning-Model` (archived), commit
 * `9d7c5d22002237c3afeb1750b7038e6fe2cdd371` (2024-02-14), controlled-vocabulary schemas
 * `xsd/loq/cv/*.xsd` (each `xs:enumeration value` with its English `xs:documentation` label,
 * which is the `targetName` used here). The concepts are published at http://data.europa.eu/snb/.
 */

/** One vocabulary concept: its URI and English preferred label. */
export interface Concept {
  readonly uri: string;
  readonly label: string;
}

const SNB = "http://data.europa.eu/snb";

/** EQF levels: `xsd/loq/cv/eqf.xsd` (`http://data.europa.eu/snb/eqf/1` … `/8`). */
export function eqfLevelConcept(level: number): Concept {
  if (!Number.isInteger(level) || level < 1 || level > 8) throw new RangeError(`EQF level ${level} is not 1–8`);
  return { uri: `${SNB}/eqf/${level}`, label: `EQF level ${level}` };
}

/** Credit systems: `xsd/loq/cv/credit-points.xsd`. credstack credits are ECTS. */
export const ECTS: Concept = { uri: `${SNB}/education-credit/6fcec5c5af`, label: "European Credit Transfer System" };

/** Learning assessment types (EU element 9): `xsd/loq/cv/europass-learning-assessment-types.xsd`, all 14. */
export const ASSESSMENT_TYPES = {
  "artefact-assessment": { uri: `${SNB}/assessment/de4d165a6c`, label: "artefact assessment" },
  "continuous-evaluation": { uri: `${SNB}/assessment/3484bd7e51`, label: "continuous evaluation" },
  "group-performance": { uri: `${SNB}/assessment/56539a6507`, label: "group performance" },
  "level-of-attendance": { uri: `${SNB}/assessment/7331eb4762`, label: "level of attendance" },
  "marked-assignment": { uri: `${SNB}/assessment/2939dae15f`, label: "marked assignment" },
  "oral-examination": { uri: `${SNB}/assessment/d30284d7df`, label: "oral examination" },
  "peer-assessment": { uri: `${SNB}/assessment/19a2e5e671`, label: "peer assessment" },
  "peer-review": { uri: `${SNB}/assessment/812e3b0ae1`, label: "peer review" },
  portfolio: { uri: `${SNB}/assessment/4f03b91c0e`, label: "portfolio" },
  "practical-assessment": { uri: `${SNB}/assessment/6a4db9f11d`, label: "practical assessment" },
  "problem-based-learning": { uri: `${SNB}/assessment/c4256a2726`, label: "problem based learning" },
  "project-work": { uri: `${SNB}/assessment/795dac4096`, label: "project work" },
  quiz: { uri: `${SNB}/assessment/b1b68f6735`, label: "quiz" },
  "written-examination": { uri: `${SNB}/assessment/6e6cb2cc78`, label: "written examination" },
} as const satisfies Record<string, Concept>;

export type AssessmentTypeCode = keyof typeof ASSESSMENT_TYPES;

/**
 * Modes of learning and assessment (EU element 10, form of participation): `xsd/loq/cv/europass-modes.xsd`
 * (concepts under `…/learning-assessment/`), one for each `participationForm` the course schema allows.
 */
export const PARTICIPATION_MODES = {
  online: { uri: `${SNB}/learning-assessment/920fbb3cbe`, label: "Online" },
  onsite: { uri: `${SNB}/learning-assessment/9191af2ed9`, label: "Presential" },
  blended: { uri: `${SNB}/learning-assessment/e92d221e4d`, label: "Blended" },
} as const satisfies Record<"online" | "onsite" | "blended", Concept>;

/** Accreditation types (EU element 11, type of quality assurance): `xsd/loq/cv/europass-accreditation-types.xsd`, all 4. */
export const QUALITY_ASSURANCE_TYPES = {
  "institutional-quality-assurance": { uri: `${SNB}/accreditation/bb4618238e`, label: "Institutional Quality Assurance" },
  "program-quality-assurance": { uri: `${SNB}/accreditation/820101cba6`, label: "Program Quality Assurance" },
  "institutional-license": { uri: `${SNB}/accreditation/003293d2ce`, label: "Institutional License" },
  "program-license": { uri: `${SNB}/accreditation/e57dddfcf3`, label: "Program License" },
} as const satisfies Record<string, Concept>;

export type QualityAssuranceTypeCode = keyof typeof QUALITY_ASSURANCE_TYPES;

/** The course JSON codes of {@link ASSESSMENT_TYPES}, for the zod enum. */
export const ASSESSMENT_TYPE_CODES = Object.keys(ASSESSMENT_TYPES) as [AssessmentTypeCode, ...AssessmentTypeCode[]];
/** The course JSON codes of {@link QUALITY_ASSURANCE_TYPES}, for the zod enum. */
export const QUALITY_ASSURANCE_TYPE_CODES = Object.keys(QUALITY_ASSURANCE_TYPES) as [QualityAssuranceTypeCode, ...QualityAssuranceTypeCode[]];

/** ESCO skill / competence / knowledge concept URIs: `http://data.europa.eu/esco/skill/<UUID>`. */
export const ESCO_SKILL_URI = /^http:\/\/data\.europa\.eu\/esco\/skill\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
