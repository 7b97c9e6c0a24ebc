import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import standaloneModule from "ajv/dist/standalone/index.js";
import addFormatsModule from "ajv-formats";
import { ValidationError, type FieldIssue } from "./errors.js";

// ajv-formats is CommonJS; under NodeNext its typings do not describe the default export as callable.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/**
 * The `$id` of the official 1EdTech Open Badges 3.0 `AchievementCredential` JSON Schema, of which
 * `./schemas/ob_v3p0_achievementcredential_schema.json` is a verbatim copy (see `./schemas/SOURCE.md`).
 * A credential names it in its `credentialSchema` with type `1EdTechJsonSchemaValidator2019`.
 */
export const OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

const SCHEMA_FILE = new URL("./schemas/ob_v3p0_achievementcredential_schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

// Compiling the schema costs ~370 ms, in every process and worker thread that validates. Its
// compiled code (ajv "standalone" CommonJS) is therefore cached under node_modules/.cache, keyed by
// the schema, the options and the ajv versions, and later processes load it in ~20 ms. Nothing is
// cached where the package cannot write (never in a shared temporary directory: the file is code).
const AJV_OPTIONS = { allErrors: true, strictTuples: false } as const;
const CACHE_DIR = new URL("../../node_modules/.cache/credstack/", import.meta.url);
const require = createRequire(import.meta.url);

function cacheFile(schemaText: string): string {
  const versions = ["ajv", "ajv-formats"].map((name) => (require(`${name}/package.json`) as { version: string }).version);
  const key = createHash("sha256").update(JSON.stringify([schemaText, AJV_OPTIONS, versions])).digest("hex").slice(0, 16);
  return fileURLToPath(new URL(`ob3-validator-${key}.cjs`, CACHE_DIR));
}

/**
 * A validator of the official schema (draft 2019-09): its cached compiled code when `cache` allows
 * and a cache entry exists, else a fresh compilation (which then fills the cache). Both behave
 * identically (a test compares their errors).
 */
export function loadOpenBadgeValidator(options: { cache?: boolean } = {}): ValidateFunction {
  const useCache = options.cache ?? true;
  const schemaText = readFileSync(SCHEMA_FILE, "utf8");
  const file = cacheFile(schemaText);
  if (useCache) {
    try {
      return require(file) as ValidateFunction;
    } catch {
      // Not cached yet (or unreadable): compile below.
    }
  }
  // Strict (an unknown keyword throws), except for the one warning it would log: the `@context`
  // tuple (`items: [a, b]`, `minItems: 2`, open `additionalItems`) is 1EdTech's text, not ours to reshape.
  const ajv = new Ajv2019({ ...AJV_OPTIONS, code: { source: true } });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(schemaText));
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, standaloneCode(ajv, validate));
    renameSync(tmp, file);
  } catch {
    // A read-only installation: compile in each process.
  }
  return validate;
}

/** The process's validator, loaded on first use. */
function validator(): ValidateFunction {
  return (compiled ??= loadOpenBadgeValidator());
}

/** `/credentialSubject/identifier/1` → `credentialSubject.identifier.1` (`~1`, `~0` unescaped). */
function dottedPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function toIssue(error: ErrorObject): FieldIssue {
  const parent = dottedPath(error.instancePath);
  // A missing property is reported by ajv at its parent: name the property itself.
  const missing = error.keyword === "required" ? (error.params as { missingProperty: string }).missingProperty : undefined;
  const field = missing === undefined ? parent : parent ? `${parent}.${missing}` : missing;
  return { field: field || "(root)", message: error.message ?? error.keyword };
}

/**
 * Validates `credential` against the official 1EdTech Open Badges 3.0 `AchievementCredential` JSON
 * Schema and returns every problem found (none when it conforms). Each issue names the offending
 * field as a dotted path (`credentialSubject.identifier.1.identityType`, `(root)` for the document
 * itself) with ajv's message; the schema's `oneOf`/`anyOf` alternatives each report, so one bad
 * value may yield several issues on the same field.
 *
 * @example
 * const issues = validateOpenBadgeCredential(buildCredential(course, learner, 31337));
 * issues.length; // 0
 * validateOpenBadgeCredential({ ...vc, validFrom: undefined })[0]; // { field: "validFrom", message: "must have required property 'validFrom'" }
 */
export function validateOpenBadgeCredential(credential: unknown): FieldIssue[] {
  const validate = validator();
  if (validate(credential)) return [];
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error);
    const key = `${issue.field}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/**
 * Throws a {@link ValidationError} listing every problem if `credential` does not conform to the
 * official Open Badges 3.0 `AchievementCredential` JSON Schema; `source` names the input in the
 * error (a file name, `credential 12`, …).
 *
 * @example
 * assertOpenBadgeCredential(JSON.parse(await readFile(file, "utf8")).credential, file);
 */
export function assertOpenBadgeCredential(credential: unknown, source = "Open Badges 3.0 credential"): void {
  const issues = validateOpenBadgeCredential(credential);
  if (issues.length > 0) throw new ValidationError(source, issues);
}
