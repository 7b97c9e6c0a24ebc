/**
 * The course JSON's JSON Schema and field reference, derived from the zod schema `achievementSchema`
 * (src/credential/schema.ts) by walking it, so that the two cannot drift. The documentation of each
 * field (what it is, its EU element, an example, where it goes in the credential) is kept here,
 * keyed by path; walking fails when a field has none, or when the zod schema uses a construct this
 * walker cannot translate exactly (a refinement needs a translation in {@link REFINEMENTS}).
 *
 * Used by scripts/gen-course-schema.ts (writes docs/course.schema.json and the generated tables of
 * docs/formats.md) and test/ts/course-schema.test.ts (checks they are current, and cross-checks
 * the JSON Schema against zod).
 */
import { ZodFirstPartyTypeKind, type ZodTypeAny } from "zod";
import { achievementSchema } from "../../src/credential/schema.js";
import { FIRST_PRIVATE_REASON, REVOCATION_REASONS } from "../../src/credential/revocation-reasons.js";

/** A JSON Schema node. */
export type JsonSchema = { [keyword: string]: unknown };

/** Where a course field goes in the OB 3.0 credential. */
export interface CredentialTarget {
  /** Dotted path in the credential, e.g. `credentialSubject.achievement.name`. */
  path: string;
  /** How the value there is derived from the field; absent when it is the field's value itself. */
  derived?: string;
}

/** The documentation of one course field. */
export interface FieldDoc {
  description: string;
  /** The EU Council Recommendation (2022) Annex I element, e.g. `2 title`, `optional: prerequisites`. */
  eu?: string;
  /** A valid value, different from the one in seeds/courses/smart-contract-security.json. */
  example: unknown;
  /** Where it goes in the (v2) credential; empty for a field only v3 credentials carry. */
  credential: CredentialTarget[];
  /** Where it goes in a v3 credential, in words (`src/credential/v3/`), where that differs from v2. */
  v3?: string;
  /** What the Merkle leaf (and so the chain, via the root) binds of it, if anything. */
  leaf?: string;
}

const ACH = "credentialSubject.achievement";
const EU = `${ACH}.euMicroCredential`;
const HTTPS = "https://uni.example";

/** Every field of the course JSON, by dotted path (array items: `path[]`, optional). */
export const COURSE_FIELD_DOCS: Readonly<Record<string, FieldDoc>> = {
  id: {
    description: "Stable URI of the achievement (the course); the same for every batch of it.",
    example: `${HTTPS}/achievements/blockchain-101`,
    credential: [{ path: `${ACH}.id` }],
    leaf: "achievementId = keccak256(utf8(id))",
  },
  title: {
    description: "Title of the micro-credential.",
    eu: "2 title",
    example: "Blockchain Fundamentals",
    credential: [{ path: "name" }, { path: `${ACH}.name` }],
  },
  description: {
    description: "What the course is about, in a sentence or a paragraph.",
    example: "Consensus, transactions and smart contracts on public blockchains.",
    credential: [{ path: `${ACH}.description` }],
  },
  awardingBody: {
    description: "The issuing institution.",
    eu: "3 country, 4 awarding body",
    example: { name: "Example University", country: "ES-CT", url: HTTPS, address: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc" },
    credential: [
      { path: "issuer", derived: "an OB 3.0 Profile" },
      { path: `${ACH}.creator`, derived: "the same Profile" },
    ],
  },
  "awardingBody.name": {
    description: "Name of the awarding body. Must be the name its accreditor recorded (verification checks it).",
    eu: "4 awarding body",
    example: "Example University",
    credential: [{ path: "issuer.name" }, { path: `${ACH}.creator.name` }],
  },
  "awardingBody.country": {
    description:
      "Country of the awarding body: ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (`ES-CT`). " +
      "Must be the country its accreditor recorded.",
    eu: "3 country/region",
    example: "ES-CT",
    credential: [
      { path: "issuer.address.addressRegion" },
      { path: "issuer.address.addressCountryCode", derived: "its first two letters" },
      { path: `${ACH}.creator.address`, derived: "the same address" },
    ],
  },
  "awardingBody.url": {
    description: "Web site of the awarding body.",
    example: HTTPS,
    credential: [{ path: "issuer.url" }, { path: `${ACH}.creator.url` }],
  },
  "awardingBody.address": {
    description:
      "The issuer's Ethereum address: its key in the accreditation registry, the one that adds the operator keys that " +
      "anchor batches. Checksummed (EIP-55) or all one case; not the zero address.",
    example: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    credential: [
      { path: "issuer.id", derived: "`did:pkh:eip155:<chainId>:<address>`, the address as written" },
      { path: `${ACH}.creator.id`, derived: "the same DID" },
    ],
    leaf: "not in the leaf; the registry records the issuer of each batch root",
  },
  learningOutcomes: {
    description:
      "What a learner who earned the credential knows or can do, one outcome per entry: its text, or an object with " +
      "its text and the ESCO concept it corresponds to.",
    eu: "6 learning outcomes",
    example: ["Explain how proof-of-stake consensus finalises blocks"],
    credential: [
      { path: `${EU}.learningOutcomes`, derived: "the texts" },
      { path: `${ACH}.criteria.narrative`, derived: "the texts joined with newlines" },
    ],
    v3: "one `achievement.alignment` per outcome (ESCO URI or `<achievement id>#learning-outcome-<n>` as targetUrl)",
  },
  "learningOutcomes[].text": {
    description: "The outcome, in words.",
    example: "Explain how proof-of-stake consensus finalises blocks",
    credential: [],
    v3: "the outcome's `achievement.alignment[].targetName` and `targetDescription`",
  },
  "learningOutcomes[].esco": {
    description: "The ESCO skill, competence or knowledge concept of the outcome (ESCO concept URIs are http).",
    example: "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a",
    credential: [],
    v3: "the outcome's `achievement.alignment[].targetUrl` (targetType `ceasn:Competency`, targetFramework ESCO)",
  },
  workloadEcts: {
    description: "Notional workload in ECTS credits (25–30 hours each), in steps of 0.01.",
    eu: "7 notional workload",
    example: 2.5,
    credential: [{ path: `${EU}.workloadEcts` }, { path: `${ACH}.creditsAvailable` }, { path: "credentialSubject.creditsEarned" }],
    leaf: "creditsCenti = workloadEcts × 100 (uint32)",
  },
  eqfLevel: {
    description: "Level of the European Qualifications Framework. The issuer's accreditation caps it.",
    eu: "8 level (EQF)",
    example: 5,
    credential: [{ path: `${EU}.eqfLevel` }],
    leaf: "eqfLevel (uint8)",
  },
  qfEheaCycle: {
    description: "Cycle of the Framework of Qualifications of the European Higher Education Area, where applicable.",
    eu: "8 cycle (QF-EHEA), if applicable",
    example: "short",
    credential: [{ path: `${EU}.qfEheaCycle` }],
  },
  assessmentType: {
    description: "How learners are assessed, in words.",
    eu: "9 type of assessment",
    example: "Written examination",
    credential: [{ path: `${EU}.assessmentType` }],
  },
  assessmentTypeCodes: {
    description:
      "The assessment, as European Learning Model learning assessment types (`src/credential/v3/vocabulary.ts`). " +
      "Needed for v3 credentials.",
    eu: "9 type of assessment",
    example: ["written-examination"],
    credential: [],
    v3: "one `achievement.alignment` each: targetType `ext:AssessmentType`, the ELM concept URI as targetUrl",
  },
  participationForm: {
    description: "Form of participation in the learning activity.",
    eu: "10 form of participation",
    example: "online",
    credential: [{ path: `${EU}.participationForm` }],
  },
  qualityAssurance: {
    description: "Type of quality assurance underpinning the micro-credential, in words.",
    eu: "11 type of quality assurance",
    example: "Internal quality assurance under ESG-compliant institutional accreditation",
    credential: [{ path: `${EU}.qualityAssurance` }],
  },
  qualityAssuranceCode: {
    description: "The quality assurance, as a European Learning Model accreditation type. Needed for v3 credentials.",
    eu: "11 type of quality assurance",
    example: "program-quality-assurance",
    credential: [],
    v3: "an `achievement.alignment`: targetType `ext:QualityAssurance`, the ELM concept URI as targetUrl",
  },
  gradingScale: {
    description: "The scale of the learners' grades. Absent: a v3 credential describes the grade as an unspecified result.",
    example: { name: "ECTS grading scale", resultType: "LetterGrade", allowedValues: ["F", "E", "D", "C", "B", "A"], requiredValue: "E" },
    credential: [],
    v3: "`achievement.resultDescription[0]`, an OB 3.0 ResultDescription; each grade links to it",
  },
  "gradingScale.name": {
    description: "Name of the scale.",
    example: "ECTS grading scale",
    credential: [],
    v3: "`achievement.resultDescription[0].name`",
  },
  "gradingScale.resultType": {
    description: "OB 3.0 result type of the grades.",
    example: "LetterGrade",
    credential: [],
    v3: "`achievement.resultDescription[0].resultType`",
  },
  "gradingScale.allowedValues": {
    description: "Every grade, from the lowest to the highest; a v3 credential refuses a learner grade not listed.",
    example: ["F", "E", "D", "C", "B", "A"],
    credential: [],
    v3: "`achievement.resultDescription[0].allowedValue`",
  },
  "gradingScale.valueMin": {
    description: "Lowest value of a numeric scale; a v3 credential refuses a learner grade below it.",
    example: "0",
    credential: [],
    v3: "`achievement.resultDescription[0].valueMin`",
  },
  "gradingScale.valueMax": {
    description: "Highest value of a numeric scale; a v3 credential refuses a learner grade above it.",
    example: "20",
    credential: [],
    v3: "`achievement.resultDescription[0].valueMax`",
  },
  "gradingScale.requiredValue": {
    description: "The lowest passing grade (one of allowedValues, when those are given).",
    example: "E",
    credential: [],
    v3: "`achievement.resultDescription[0].requiredValue`",
  },
  recognition: {
    description: "Makes the course a recognition decision (credit transfer, recognition of prior learning): its credentials say the learner's `source` learning counts for a component of a pathway. v3 only.",
    example: { pathway: "https://uni.example/pathways/blockchain-engineering", component: "security", source: { name: "Blockchain Basics (MOOC)", url: "https://mooc.example/courses/blockchain-basics" } },
    credential: [],
    v3: "two `achievement.alignment` entries: targetType `ext:RecognizedFor` (targetUrl `<pathway>#<component>`) and `ext:RecognizedLearning` (the source)",
  },
  "recognition.pathway": {
    description: "The pathway (its id) the recognised learning counts for.",
    example: "https://uni.example/pathways/blockchain-engineering",
    credential: [],
    v3: "the `ext:RecognizedFor` alignment's targetUrl, before the `#`",
  },
  "recognition.component": {
    description: "The pathway component (its local id) the recognised learning counts as.",
    example: "security",
    credential: [],
    v3: "the `ext:RecognizedFor` alignment's targetUrl, after the `#`",
  },
  "recognition.source": {
    description: "The learning recognised: a course, a MOOC, a certificate of another system or a non-formal provider.",
    example: { name: "Blockchain Basics (MOOC)", url: "https://mooc.example/courses/blockchain-basics" },
    credential: [],
    v3: "the `ext:RecognizedLearning` alignment",
  },
  "recognition.source.name": {
    description: "Its name.",
    example: "Blockchain Basics (MOOC)",
    credential: [],
    v3: "the `ext:RecognizedLearning` alignment's targetName",
  },
  "recognition.source.url": {
    description: "Where it is described.",
    example: "https://mooc.example/courses/blockchain-basics",
    credential: [],
    v3: "the `ext:RecognizedLearning` alignment's targetUrl",
  },
  prerequisites: {
    description: "What a learner needs before enrolling, one entry each.",
    eu: "optional: prerequisites needed to enrol",
    example: ["Basic programming"],
    credential: [{ path: `${EU}.prerequisites` }],
  },
  identityVerification: {
    description: "Supervision and identity verification during assessment.",
    eu: "optional: supervision and identity verification",
    example: "identity-checked",
    credential: [{ path: `${EU}.identityVerification` }],
  },
  stackability: {
    description: "Whether the credential stands alone, and what it can be stacked into.",
    eu: "optional: integration / stackability options",
    example: { standalone: false },
    credential: [{ path: `${EU}.stackability` }],
  },
  "stackability.standalone": {
    description: "True when the credential is meaningful on its own.",
    example: false,
    credential: [{ path: `${EU}.stackability.standalone` }],
  },
  "stackability.integratesInto": {
    description: "Identifiers (URIs or names) of the programmes or larger credentials it counts towards.",
    example: [`${HTTPS}/programmes/msc-computer-science`],
    credential: [{ path: `${EU}.stackability.integratesInto` }],
  },
  furtherInformation: {
    description: "Where to read more about the course.",
    eu: "optional: further information",
    example: `${HTTPS}/courses/blockchain-101`,
    credential: [{ path: `${EU}.furtherInformation` }],
  },
  validityMonths: {
    description: "How long a credential stays valid after its date of issuing, in whole months; absent: no expiry.",
    example: 24,
    credential: [{ path: "validUntil", derived: "`validFrom` plus this many calendar months, in UTC" }],
  },
};

/**
 * JSON Schema translations of the zod refinements (opaque functions), by path, one per refinement
 * (outermost first). A refinement without one fails the walk; the test cross-checks each against zod.
 */
export const REFINEMENTS: Readonly<Record<string, readonly JsonSchema[]>> = {
  // addressProblem (src/credential/keccak.ts): 0x and 40 hex digits, not zero, EIP-55 checksum right when mixed
  // case. The checksum needs keccak-256, which JSON Schema cannot express: format ethereum-address says it.
  "awardingBody.address": [{ pattern: "^0x[0-9a-fA-F]{40}$", not: { type: "string", pattern: "^0x0{40}$" }, format: "ethereum-address" }],
  // |round(v·100) − v·100| < 1e-9: validators must allow for binary floating point (ajv: multipleOfPrecision).
  workloadEcts: [{ multipleOf: 0.01 }],
};

/** How credstack judges what JSON Schema leaves to the validator; stated in the schema's `$comment`. */
export const VALIDATION_NOTES =
  "credstack validates with zod; this schema is generated from it by scripts/gen-course-schema.ts. " +
  "String lengths count UTF-16 code units (JavaScript's length; ajv: unicode: false), " +
  "format uri is what the WHATWG URL parser accepts (new URL), format ethereum-address is 0x and 40 hex digits, " +
  "all lowercase, all uppercase or with a correct EIP-55 checksum (mixed case), and multipleOf 0.01 allows an error " +
  "of 1e-9 (ajv: multipleOfPrecision: 9).";

interface WalkState {
  docs: Readonly<Record<string, FieldDoc>>;
  refinements: Readonly<Record<string, readonly JsonSchema[]>>;
  usedDocs: Set<string>;
  usedRefinements: Map<string, number>;
  errors: string[];
}

type Def = { typeName: ZodFirstPartyTypeKind; [key: string]: any };

function set(node: JsonSchema, keyword: string, value: unknown, path: string, state: WalkState): void {
  if (keyword in node) state.errors.push(`${path || "(root)"}: two constraints map to "${keyword}"; extend the generator`);
  else node[keyword] = value;
}

function walkString(def: Def, path: string, state: WalkState): JsonSchema {
  const node: JsonSchema = { type: "string" };
  for (const check of def.checks as { kind: string; value?: number; regex?: RegExp }[]) {
    if (check.kind === "min") set(node, "minLength", check.value, path, state);
    else if (check.kind === "max") set(node, "maxLength", check.value, path, state);
    else if (check.kind === "length") (set(node, "minLength", check.value, path, state), set(node, "maxLength", check.value, path, state));
    else if (check.kind === "url") set(node, "format", "uri", path, state);
    else if (check.kind === "regex" && check.regex!.flags === "") set(node, "pattern", check.regex!.source, path, state);
    else state.errors.push(`${path}: string check "${check.kind}"${check.regex ? ` with flags /${check.regex.flags}` : ""} is not translated`);
  }
  return node;
}

function walkNumber(def: Def, path: string, state: WalkState): JsonSchema {
  const checks = def.checks as { kind: string; value?: number; inclusive?: boolean }[];
  const node: JsonSchema = { type: checks.some((c) => c.kind === "int") ? "integer" : "number" };
  for (const check of checks) {
    if (check.kind === "min") set(node, check.inclusive ? "minimum" : "exclusiveMinimum", check.value, path, state);
    else if (check.kind === "max") set(node, check.inclusive ? "maximum" : "exclusiveMaximum", check.value, path, state);
    else if (check.kind === "multipleOf") set(node, "multipleOf", check.value, path, state);
    else if (check.kind !== "int" && check.kind !== "finite") state.errors.push(`${path}: number check "${check.kind}" is not translated`);
  }
  return node;
}

function walkObject(def: Def, path: string, state: WalkState): JsonSchema {
  const shape = def.shape() as Record<string, ZodTypeAny>;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, child] of Object.entries(shape)) {
    const childPath = path ? `${path}.${key}` : key;
    const doc = state.docs[childPath];
    if (doc) state.usedDocs.add(childPath);
    else state.errors.push(`${childPath}: no documentation in COURSE_FIELD_DOCS`);
    const node = walk(child, childPath, state);
    properties[key] = { description: doc ? describe(doc) : "", ...node, ...(doc ? { examples: [doc.example] } : {}) };
    if (!child.isOptional()) required.push(key);
  }
  const node: JsonSchema = { type: "object", properties, required };
  const catchall = (def.catchall as ZodTypeAny)._def as Def;
  if (catchall.typeName !== ZodFirstPartyTypeKind.ZodNever) node.additionalProperties = walk(def.catchall, `${path}{*}`, state);
  else if (def.unknownKeys === "strict") node.additionalProperties = false;
  // "strip" and "passthrough" accept unknown keys (strip drops them): JSON Schema's default.
  return node;
}

/** The JSON Schema of one zod node at `path` (dotted; `[]` for array items). */
function walk(schema: ZodTypeAny, path: string, state: WalkState): JsonSchema {
  const def = schema._def as Def;
  switch (def.typeName) {
    case ZodFirstPartyTypeKind.ZodString:
      return walkString(def, path, state);
    case ZodFirstPartyTypeKind.ZodNumber:
      return walkNumber(def, path, state);
    case ZodFirstPartyTypeKind.ZodBoolean:
      return { type: "boolean" };
    case ZodFirstPartyTypeKind.ZodEnum:
      return { type: "string", enum: [...def.values] };
    case ZodFirstPartyTypeKind.ZodLiteral:
      return { const: def.value };
    case ZodFirstPartyTypeKind.ZodObject:
      return walkObject(def, path, state);
    case ZodFirstPartyTypeKind.ZodArray: {
      const itemPath = `${path}[]`;
      const itemDoc = state.docs[itemPath];
      if (itemDoc) state.usedDocs.add(itemPath);
      const node: JsonSchema = { type: "array", items: { ...(itemDoc ? { description: describe(itemDoc) } : {}), ...walk(def.type, itemPath, state) } };
      if (def.exactLength) (node.minItems = def.exactLength.value), (node.maxItems = def.exactLength.value);
      if (def.minLength) set(node, "minItems", def.minLength.value, path, state);
      if (def.maxLength) set(node, "maxItems", def.maxLength.value, path, state);
      return node;
    }
    case ZodFirstPartyTypeKind.ZodOptional:
      return walk(def.innerType, path, state); // the parent object leaves it out of `required`
    case ZodFirstPartyTypeKind.ZodNullable:
      return { anyOf: [walk(def.innerType, path, state), { type: "null" }] };
    case ZodFirstPartyTypeKind.ZodDefault:
      return { ...walk(def.innerType, path, state), default: def.defaultValue() };
    case ZodFirstPartyTypeKind.ZodUnion:
      return { anyOf: (def.options as ZodTypeAny[]).map((option) => walk(option, path, state)) };
    case ZodFirstPartyTypeKind.ZodEffects: {
      if (def.effect.type === "transform") return walk(def.schema, path, state); // input side: the inner schema
      if (def.effect.type !== "refinement") {
        state.errors.push(`${path || "(root)"}: zod effect "${def.effect.type}" is not translated`);
        return {};
      }
      const index = state.usedRefinements.get(path) ?? 0;
      state.usedRefinements.set(path, index + 1);
      const translation = state.refinements[path]?.[index];
      const node = walk(def.schema, path, state);
      if (!translation) {
        state.errors.push(`${path || "(root)"}: refinement #${index + 1} has no JSON Schema translation in REFINEMENTS`);
        return node;
      }
      for (const [keyword, value] of Object.entries(translation)) set(node, keyword, value, path, state);
      return node;
    }
    default:
      state.errors.push(`${path || "(root)"}: zod type ${def.typeName} is not translated`);
      return {};
  }
}

/** A field's JSON Schema description: what it is, its EU element, where it goes in the credential. */
function describe(doc: FieldDoc): string {
  const targets = doc.credential.map((t) => `${t.path}${t.derived ? ` (${t.derived.replace(/`/g, "")})` : ""}`).join("; ");
  const v3 = doc.v3 ? ` In a v3 credential: ${doc.v3.replace(/`/g, "")}.` : "";
  return `${doc.description}${doc.eu ? ` EU element: ${doc.eu}.` : ""}${targets ? ` In the credential: ${targets}.` : ""}${v3}`;
}

/**
 * Walks a zod schema into a JSON Schema (draft 2020-12). Throws one error listing every field
 * without documentation, every unused documentation or refinement entry, and every zod construct
 * that has no exact translation.
 */
export function zodToJsonSchema(
  schema: ZodTypeAny,
  docs: Readonly<Record<string, FieldDoc>>,
  refinements: Readonly<Record<string, readonly JsonSchema[]>>,
): JsonSchema {
  const state: WalkState = { docs, refinements, usedDocs: new Set(), usedRefinements: new Map(), errors: [] };
  const node = walk(schema, "", state);
  for (const key of Object.keys(docs)) if (!state.usedDocs.has(key)) state.errors.push(`${key}: documented but not in the schema`);
  for (const [path, list] of Object.entries(refinements)) {
    const used = state.usedRefinements.get(path) ?? 0;
    if (used !== list.length) state.errors.push(`${path}: ${list.length} refinement translation(s) given, ${used} refinement(s) in the schema`);
  }
  if (state.errors.length) throw new Error(`Cannot generate the JSON Schema:\n  ${state.errors.join("\n  ")}`);
  return node;
}

/** The course JSON Schema written to docs/course.schema.json. */
export function courseJsonSchema(): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "credstack course (achievement)",
    description:
      "A micro-credential course with the elements of the EU Council Recommendation of 16 June 2022 (Annex I), " +
      "input of `credstack batch build --achievement`. Field reference: docs/formats.md.",
    $comment: VALIDATION_NOTES,
    ...zodToJsonSchema(achievementSchema, COURSE_FIELD_DOCS, REFINEMENTS),
  };
}

/** The text of docs/course.schema.json. */
export function courseJsonSchemaText(): string {
  return `${JSON.stringify(courseJsonSchema(), null, 2)}\n`;
}

// ------------------------------------------------------------------------- docs/formats.md tables

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;

function range(low: string | undefined, high: string | undefined, unit = ""): string {
  if (low !== undefined && high !== undefined) return low === high ? `exactly ${low}${unit}` : `${low}–${high}${unit}`;
  if (low !== undefined) return `≥ ${low}${unit}`;
  return high !== undefined ? `≤ ${high}${unit}` : "";
}

/** The type and allowed values of a JSON Schema node, in words (from the schema, not by hand). */
export function constraintText(node: JsonSchema): string {
  const n = node as Record<string, any>;
  if (n.enum) return `one of ${(n.enum as unknown[]).map(code).join(", ")}`;
  if (n.type === "string") {
    const parts = [n.format === "uri" ? "absolute URL" : n.minLength === 1 && n.maxLength === undefined ? "non-empty string" : "string"];
    const len = n.minLength === 1 && n.maxLength === undefined ? "" : range(n.minLength?.toString(), n.maxLength?.toString(), " chars");
    if (len) parts.push(len);
    if (n.pattern) parts.push(`matching ${code(n.pattern)}`);
    if (n.not?.pattern) parts.push(`not matching ${code(n.not.pattern)}`);
    if (n.format === "ethereum-address") parts.push("EIP-55 checksum right when mixed case");
    return parts.join(", ");
  }
  if (n.type === "number" || n.type === "integer") {
    const low = n.exclusiveMinimum !== undefined ? `> ${n.exclusiveMinimum}` : n.minimum !== undefined ? `≥ ${n.minimum}` : undefined;
    const high = n.exclusiveMaximum !== undefined ? `< ${n.exclusiveMaximum}` : n.maximum !== undefined ? `≤ ${n.maximum}` : undefined;
    const bounds = n.minimum !== undefined && n.maximum !== undefined ? `${n.minimum}–${n.maximum}` : [low, high].filter(Boolean).join(", ");
    return [n.type, bounds, n.multipleOf !== undefined ? `multiple of ${n.multipleOf}` : ""].filter(Boolean).join(", ");
  }
  if (n.type === "array") {
    const count = range(n.minItems?.toString(), n.maxItems?.toString(), n.minItems === 1 && n.maxItems === undefined ? " item" : " items");
    return `array${count ? ` of ${count}` : ""}, each: ${constraintText(n.items)}`;
  }
  if (n.type === "object") return n.additionalProperties === false ? "object, no other keys" : "object";
  if (Array.isArray(n.anyOf)) return (n.anyOf as JsonSchema[]).map(constraintText).join(" or ");
  return n.type ?? "any";
}

function fieldRows(node: JsonSchema, prefix: string, parentOptional: string | null, rows: string[]): void {
  const n = node as { properties?: Record<string, JsonSchema>; required?: string[] };
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const doc = COURSE_FIELD_DOCS[path]!;
    const isRequired = n.required?.includes(key) ?? false;
    const required = isRequired ? (parentOptional ? `yes, in ${parentOptional}` : "yes") : "no";
    const targets = doc.credential.map((t) => `\`${t.path}\`${t.derived ? ` (${t.derived})` : ""}`);
    if (doc.v3) targets.push(`v3: ${doc.v3}`);
    if (doc.leaf) targets.push(`leaf: ${doc.leaf}`);
    rows.push(
      `| \`${path}\` | ${cell(constraintText(child))} | ${required} | ${doc.eu ?? ""} | ${cell(doc.description)} | ${cell(code(doc.example))} | ${cell(targets.join("<br>"))} |`,
    );
    const nested = isRequired && !parentOptional ? null : `\`${path}\``;
    if ((child as { type?: string }).type === "object") fieldRows(child, path, nested, rows);
    // Array items that are (or may be) objects: their fields, as `path[].field`.
    const items = (child as { items?: JsonSchema }).items as { type?: string; anyOf?: JsonSchema[] } | undefined;
    for (const item of items ? [items, ...(items.anyOf ?? [])] : []) if (item.type === "object") fieldRows(item, `${path}[]`, `\`${path}[]\``, rows);
  }
}

/** The course field table of docs/formats.md. */
export function courseFieldTable(): string {
  const rows = [
    "| field | type, allowed values | required | EU element | meaning | example | in the credential (JSON path) |",
    "|---|---|---|---|---|---|---|",
  ];
  fieldRows(courseJsonSchema(), "", null, rows);
  return rows.join("\n");
}

/** The revocation reason table of docs/formats.md. */
export function revocationReasonTable(): string {
  const rows = ["| code | name (`--reason`) | RFC 5280 CRLReason | meaning |", "|---:|---|---|---|"];
  for (const r of REVOCATION_REASONS) {
    const name = r.usable ? `\`${r.name}\`` : `(${r.name}: not for revoking)`;
    rows.push(`| ${r.code} | ${name} | ${r.x509 ? `\`${r.x509}\`` : "—"} | ${cell(r.meaning)} |`);
  }
  rows.push(`| ${REVOCATION_REASONS.length}–${FIRST_PRIVATE_REASON - 1} | (reserved) | — | Reserved for future credstack codes; refused. |`);
  rows.push(`| ${FIRST_PRIVATE_REASON}–255 | (private use) | — | The issuer's own meaning, which it publishes itself. |`);
  return rows.join("\n");
}

/** The generated sections of docs/formats.md, by marker name. */
export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  "course-fields": courseFieldTable,
  "revocation-reasons": revocationReasonTable,
};

const marker = (name: string, end: boolean) => `<!-- ${end ? "end" : "begin"} generated: ${name} (scripts/gen-course-schema.ts) -->`;

/** `text` (docs/formats.md) with every generated section replaced by its current content. */
export function withGeneratedSections(text: string): string {
  let out = text;
  for (const [name, generate] of Object.entries(GENERATED_SECTIONS)) {
    const begin = out.indexOf(marker(name, false));
    const end = out.indexOf(marker(name, true));
    if (begin < 0 || end < begin) throw new Error(`docs/formats.md lacks the markers of the generated section "${name}"`);
    out = `${out.slice(0, begin + marker(name, false).length)}\n${generate()}\n${out.slice(end)}`;
  }
  return out;
}
