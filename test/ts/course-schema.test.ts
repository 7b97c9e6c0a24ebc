import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { getAddress } from "viem";
import { z, type ZodTypeAny } from "zod";
import { achievementSchema, learnerSchema } from "../../src/credential/schema.js";
import { buildCredential } from "../../src/credential/credential.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import {
  FIRST_PRIVATE_REASON,
  parseRevocationReason,
  REVOCATION_REASONS,
  revocationReasonName,
} from "../../src/credential/revocation-reasons.js";
import {
  COURSE_FIELD_DOCS,
  courseJsonSchema,
  courseJsonSchemaText,
  withGeneratedSections,
  zodToJsonSchema,
  type JsonSchema,
} from "../../scripts/lib/course-schema.js";
import { learners } from "./helpers/fixtures.js";

const SCHEMA_FILE = path.resolve("docs/course.schema.json");
const FORMATS_FILE = path.resolve("docs/formats.md");
const COURSES_DIR = path.resolve("seeds/courses");
const seedCourses = readdirSync(COURSES_DIR)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, course: JSON.parse(readFileSync(path.join(COURSES_DIR, f), "utf8")) as Record<string, unknown> }));
// The seed course with every optional field, the recognition decision's included (no seed course is one).
const fullSeed = () => ({
  ...structuredClone(seedCourses.find((s) => s.file === "smart-contract-security.json")!.course),
  recognition: { pathway: "https://uni.example/pathways/p", component: "security", source: { name: "A MOOC", url: "https://mooc.example/c" } },
});

/**
 * ajv judging as the schema's `$comment` says credstack does. The formats are implemented here
 * independently of src/ (the WHATWG URL parser; viem's EIP-55 checksum), so they check the schema's
 * translation rather than repeat zod's code.
 */
function compileCourseSchema(schema: JsonSchema): ValidateFunction {
  // `unicode: false` (lengths in UTF-16 code units) still works in ajv 8 but warns that it is deprecated.
  const warn = (...args: unknown[]) => void (String(args[0]).includes("option unicode") || console.warn(...args));
  const logger = { log: console.log, warn, error: console.error };
  const ajv = new Ajv2020({ strict: true, allErrors: true, unicode: false, multipleOfPrecision: 9, logger });
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat("ethereum-address", (s: string) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(s)) return false;
    const hex = s.slice(2);
    return hex === hex.toLowerCase() || hex === hex.toUpperCase() || getAddress(s) === s;
  });
  return ajv.compile(schema);
}

/** The fields a verdict names: zod issue paths, ajv instance paths (a missing key: its own path). */
function zodFields(input: unknown): string[] {
  const result = achievementSchema.safeParse(input);
  return result.success ? [] : [...new Set(result.error.issues.map((i) => i.path.join("/")))].sort();
}
function ajvFields(validate: ValidateFunction, input: unknown): string[] {
  if (validate(input)) return [];
  const field = (e: ErrorObject) => {
    const at = e.instancePath.slice(1);
    return e.keyword === "required" ? [at, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join("/") : at;
  };
  // A failed anyOf (zod: a union) names what zod names: the first branch that failed only checks that do
  // not abort zod's parse (length, pattern, unknown keys: a "dirty" option), else the union's own path
  // (invalid_union). A wrong type, a missing key, an enum or literal miss abort a zod option.
  let errors = validate.errors!;
  for (const union of errors.filter((e) => e.keyword === "anyOf")) {
    const branch = (e: ErrorObject) => (e.schemaPath.startsWith(`${union.schemaPath}/`) ? Number(e.schemaPath.slice(union.schemaPath.length + 1).split("/")[0]) : -1);
    const branches = [...new Set(errors.map(branch).filter((b) => b >= 0))].sort((a, b) => a - b);
    const aborting = new Set(["type", "required", "enum", "const"]);
    const typed = branches.find((b) => !errors.some((e) => branch(e) === b && aborting.has(e.keyword)));
    errors = errors.filter((e) => (typed === undefined ? e === union || branch(e) < 0 : branch(e) === typed || (branch(e) < 0 && e !== union)));
  }
  return [...new Set(errors.map(field))].sort();
}

// ---------------------------------------------------------------------------- mutations of a course

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = { kind: "set"; at: number; value: Json } | { kind: "delete"; at: number } | { kind: "add"; at: number; key: string; value: Json };

/** Every path in `doc` (keys and array indices), the root first. */
function pathsOf(doc: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (doc && typeof doc === "object") for (const [k, v] of Object.entries(doc)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function applyMutation(doc: Json, m: Mutation): Json {
  const paths = pathsOf(doc);
  const target = paths[m.at % paths.length]!;
  if (target.length === 0) return m.kind === "set" ? m.value : doc;
  let parent: any = doc;
  for (const key of target.slice(0, -1)) parent = parent[key];
  const last = target[target.length - 1]!;
  if (m.kind === "set") parent[last] = m.value;
  else if (m.kind === "delete") Array.isArray(parent) ? parent.splice(last as number, 1) : delete parent[last];
  else {
    const container = parent[last];
    if (container && typeof container === "object" && !Array.isArray(container)) container[m.key] = m.value;
    else if (Array.isArray(container)) container.push(m.value);
  }
  return doc;
}

const VALID_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const flipCase = (s: string, i: number) => s.slice(0, i) + (s[i] === s[i]!.toUpperCase() ? s[i]!.toLowerCase() : s[i]!.toUpperCase()) + s.slice(i + 1);
const hexDigit = fc.constantFrom(..."0123456789abcdefABCDEF");

/** Values likely to sit near the course's constraints, and arbitrary JSON. */
const valueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.nat({ max: 1100 }).map((n) => "x".repeat(n)),
  fc.nat({ max: 110 }).map((n) => "😀".repeat(n)),
  fc.stringMatching(/^[A-Za-z]{1,3}(-[A-Z0-9a-z]{0,4})?$/),
  fc.constantFrom("online", "Online", "blended", "first", "fifth", "none", "identity-checked", "", " "),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom("http://", "https://a b/c", "https://exa mple.org", "mailto:x@y.example", "urn:isbn:0451450523", "//x.example", "x:"),
  fc.nat({ max: 41 }).map((i) => flipCase(VALID_ADDRESS, i)),
  fc.constantFrom(VALID_ADDRESS.toLowerCase(), `0x${VALID_ADDRESS.slice(2).toUpperCase()}`, `0x${"0".repeat(40)}`, VALID_ADDRESS.slice(0, -1)),
  fc.string({ unit: hexDigit, minLength: 38, maxLength: 42 }).map((h) => `0x${h}`),
  fc.integer({ min: -5, max: 1300 }),
  fc.integer({ min: -100, max: 61_000 }).map((n) => n / 100),
  fc.integer({ min: -100, max: 10_000 }).map((n) => n / 1000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: valueArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("add" as const), at: fc.nat(), key: fc.constantFrom("extra", "Title", "$schema", "name"), value: valueArb }) },
);

// ------------------------------------------------------------------------------------------ tests

describe("course JSON Schema and formats reference (docs/)", () => {
  const schema = courseJsonSchema();
  const validate = compileCourseSchema(schema);

  it("docs/course.schema.json and the generated tables of docs/formats.md are what the generator writes", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8"), "run npx tsx scripts/gen-course-schema.ts").to.equal(courseJsonSchemaText());
    const formats = readFileSync(FORMATS_FILE, "utf8");
    expect(withGeneratedSections(formats), "run npx tsx scripts/gen-course-schema.ts").to.equal(formats);
  });

  it("the generator refuses an undocumented field, an untranslated refinement, a stale entry and an unknown construct", () => {
    const doc = (description: string) => ({ description, example: 1, credential: [{ path: "x" }] });
    const sample = z.object({ a: z.string(), b: z.number().refine((n) => n % 2 === 0) }).strict();
    expect(() => zodToJsonSchema(sample, { a: doc("A") }, { b: [{ multipleOf: 2 }] })).to.throw(/b: no documentation/);
    expect(() => zodToJsonSchema(sample, { a: doc("A"), b: doc("B") }, {})).to.throw(/b: refinement #1 has no JSON Schema translation/);
    expect(() => zodToJsonSchema(sample, { a: doc("A"), b: doc("B"), c: doc("C") }, { b: [{ multipleOf: 2 }] })).to.throw(/c: documented but not in the schema/);
    expect(() => zodToJsonSchema(z.object({ a: z.string().email() }), { a: doc("A") }, {})).to.throw(/a: string check "email"/);
    expect(() => zodToJsonSchema(z.object({ a: z.date() }), { a: doc("A") }, {})).to.throw(/a: zod type ZodDate/);
    const ok = zodToJsonSchema(sample, { a: doc("A"), b: doc("B") }, { b: [{ multipleOf: 2 }] });
    expect(ok).to.deep.include({ required: ["a", "b"], additionalProperties: false });
    expect((ok.properties as Record<string, JsonSchema>).b).to.include({ type: "number", multipleOf: 2 });
  });

  it("describes every field, and lists the mandatory EU elements as required", () => {
    const described = (node: any, at: string): string[] =>
      Object.entries((node.properties ?? {}) as Record<string, any>).flatMap(([k, child]) => [
        ...(typeof child.description === "string" && child.description.length > 10 ? [] : [`${at}${k}`]),
        ...described(child, `${at}${k}.`),
      ]);
    expect(described(schema, "")).to.deep.equal([]);
    for (const field of ["title", "awardingBody", "learningOutcomes", "workloadEcts", "eqfLevel", "assessmentType", "participationForm", "qualityAssurance"]) {
      expect(schema.required).to.include(field);
    }
  });

  it("accepts every seed course, as zod does", () => {
    expect(seedCourses.length).to.be.greaterThan(1);
    for (const { file, course } of seedCourses) {
      expect(achievementSchema.safeParse(course).success, file).to.equal(true);
      expect(validate(course), `${file}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
  });

  it("accepts and rejects random mutations of the seed courses exactly as zod does, naming the same fields", () => {
    const verdicts = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.nat({ max: seedCourses.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (seed, mutations) => {
        let doc = structuredClone(seedCourses[seed]!.course) as Json;
        for (const m of mutations) doc = applyMutation(doc, m);
        const input = JSON.parse(JSON.stringify(doc)); // what reading a file gives
        const expected = zodFields(input);
        expect(ajvFields(validate, input), JSON.stringify(input)).to.deep.equal(expected);
        verdicts[expected.length ? "rejected" : "accepted"]++;
      }),
      { numRuns: 3000 },
    );
    expect(verdicts.accepted, "mutations that keep a course valid").to.be.greaterThan(100);
    expect(verdicts.rejected, "mutations that break a course").to.be.greaterThan(100);
  });

  it("agrees with zod at every length and range boundary the schema states", () => {
    let checked = 0;
    const probe = (node: any, at: (string | number)[]) => {
      const candidates: unknown[] = [null, true, {}, [], "", 0];
      for (const k of ["minLength", "maxLength"]) if (node[k] !== undefined) for (const n of [node[k] - 1, node[k], node[k] + 1]) n >= 0 && candidates.push("é".repeat(n), "𝄞".repeat(Math.ceil(n / 2)));
      for (const k of ["minimum", "maximum", "exclusiveMinimum"]) {
        if (node[k] !== undefined) for (const d of [-1, -0.01, -0.001, 0, 0.001, 0.01, 1]) candidates.push(node[k] + d);
      }
      if (node.enum) candidates.push(...node.enum, ...node.enum.map((v: string) => v.toUpperCase()));
      if (node.type === "array") candidates.push([], [""], ["abc"], ["abc", 1]);
      for (const value of candidates) {
        const course = fullSeed() as any;
        let parent = course;
        for (const key of at.slice(0, -1)) parent = parent[key];
        parent[at[at.length - 1]!] = value;
        expect(ajvFields(validate, course), `${at.join(".")} = ${JSON.stringify(value)}`).to.deep.equal(zodFields(course));
        checked++;
      }
      for (const [key, child] of Object.entries(node.properties ?? {})) probe(child, [...at, key]);
    };
    for (const [key, child] of Object.entries(schema.properties as Record<string, unknown>)) probe(child, [key]);
    expect(checked).to.be.greaterThan(200);
  });
});

describe("docs/formats.md: what each course field and CSV column becomes", () => {
  const learner = learners()[0]!;
  const get = (doc: unknown, dotted: string): unknown => dotted.split(".").reduce<any>((node, key) => node?.[key], doc);
  const setPath = (doc: any, dotted: string, value: unknown) => {
    const keys = dotted.split(".");
    keys.slice(0, -1).reduce((node, key) => node[key], doc)[keys[keys.length - 1]!] = value;
  };
  const credentialOf = (raw: unknown) => buildCredential(achievementSchema.parse(raw), learner, 31337, "urn:uuid:00000000-0000-4000-8000-000000000000");

  // Fields inside array items, and fields only v3 credentials carry (no v2 target), are checked by credential-v3.test.ts.
  const v2Fields = Object.entries(COURSE_FIELD_DOCS).filter(([f, doc]) => !f.includes("[]") && doc.credential.length > 0);
  it("a field without a v2 credential target says where it goes in a v3 credential", () => {
    const silent = Object.entries(COURSE_FIELD_DOCS).filter(([, doc]) => doc.credential.length === 0 && !doc.v3);
    expect(silent.map(([f]) => f)).to.deep.equal([]);
  });
  for (const [field, doc] of v2Fields) {
    it(`${field}: its example is valid and lands where the reference says`, () => {
      const seed = fullSeed();
      expect(get(seed, field), "the example must differ from the seed's value").to.not.deep.equal(doc.example);
      const changed = fullSeed();
      setPath(changed, field, structuredClone(doc.example));
      const [before, after] = [credentialOf(seed), credentialOf(changed)];
      expect(doc.credential).to.not.be.empty;
      for (const target of doc.credential) {
        if (target.derived) {
          expect(get(after, target.path), target.path).to.not.equal(undefined);
          expect(get(after, target.path), `${target.path} follows ${field}`).to.not.deep.equal(get(before, target.path));
        } else expect(get(after, target.path), target.path).to.deep.equal(doc.example);
      }
    });
  }

  it("every EU element of the credential comes from a documented course field", () => {
    const targets = new Set(Object.values(COURSE_FIELD_DOCS).flatMap((d) => d.credential.map((t) => t.path)));
    const eu = credentialOf(fullSeed()).credentialSubject.achievement.euMicroCredential;
    const undocumented = Object.keys(eu)
      .filter((k) => k !== "type")
      .map((k) => `credentialSubject.achievement.euMicroCredential.${k}`)
      .filter((p) => !targets.has(p));
    expect(undocumented).to.deep.equal([]);
  });

  it("the learners CSV table lists exactly the learner columns, required as the parser requires them, and its example parses", () => {
    const text = readFileSync(FORMATS_FILE, "utf8");
    const section = text.slice(text.indexOf("## Learners CSV"), text.indexOf("## The credential"));
    const rows = [...section.matchAll(/^\| `(\w+)` \| (yes|no) \|/gm)].map((m) => [m[1]!, m[2] === "yes"] as const);
    const unwrap = (s: ZodTypeAny): ZodTypeAny => ("shape" in s ? s : unwrap((s._def as { schema: ZodTypeAny }).schema));
    const shape = (unwrap(learnerSchema) as z.AnyZodObject).shape as Record<string, ZodTypeAny>;
    expect(Object.fromEntries(rows)).to.deep.equal(Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, !s.isOptional()])));
    const csv = /```csv\n([\s\S]*?)```/.exec(section)![1]!;
    expect(parseLearnersCsv(csv)).to.have.length(csv.trim().split("\n").length - 1);
  });
});

describe("revocation reason codes (src/credential/revocation-reasons.ts)", () => {
  // RFC 5280 §5.3.1 CRLReason; 7 is not assigned.
  const RFC5280 = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", null, "removeFromCRL", "privilegeWithdrawn", "aACompromise"];

  it("numbers codes 0–10 as X.509 CRLReason, in order, with unique names", () => {
    REVOCATION_REASONS.forEach((r, i) => expect(r.code, r.name).to.equal(i));
    expect(REVOCATION_REASONS.slice(0, RFC5280.length).map((r) => r.x509)).to.deep.equal(RFC5280);
    expect(REVOCATION_REASONS.slice(RFC5280.length).every((r) => r.x509 === null)).to.equal(true);
    expect(new Set(REVOCATION_REASONS.map((r) => r.name)).size).to.equal(REVOCATION_REASONS.length);
  });

  it("parses codes and names (credstack's and X.509's), and refuses hold, unassigned, reserved and out-of-range codes", () => {
    for (const r of REVOCATION_REASONS.filter((x) => x.usable)) {
      expect([parseRevocationReason(String(r.code)), parseRevocationReason(r.name), parseRevocationReason(r.x509 ?? r.name)]).to.deep.equal([r.code, r.code, r.code]);
      expect(revocationReasonName(r.code)).to.equal(r.name);
    }
    for (const bad of ["6", "certificateHold", "7", "8", "removeFromCRL", String(REVOCATION_REASONS.length), "127", "256", "-1", "1.5", "", "nope"]) {
      expect(parseRevocationReason(bad), bad).to.equal(undefined);
    }
    expect([parseRevocationReason(String(FIRST_PRIVATE_REASON)), parseRevocationReason("255")]).to.deep.equal([FIRST_PRIVATE_REASON, 255]);
    expect([revocationReasonName(100), revocationReasonName(200)]).to.deep.equal(["reserved", "private use"]);
  });
});
