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
import { precompiledValidator } from "./precompiled-validators.js";

// ajv-formats is CommonJS; under NodeNext its typings do not describe the default export as callable.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/**
 * The URL at which 1EdTech publishes the formal Open Badges 3.0 `AchievementCredential` JSON Schema,
 * of which `./schemas/ob_v3p0_achievementcredential_schema.json` is a verbatim copy (see
 * `./schemas/SOURCE.md`; the file's own `$id` reads `…/schema/json-ld/…`, as 1EdTech published it).
 * A credential names it in its `credentialSchema` with type `1EdTechJsonSchemaValidator2019`.
 */
export const OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json";

const SCHEMA_FILE = new URL("./schemas/ob_v3p0_achievementcredential_schema.json", import.meta.url);

let compiled: ValidateFunction | undefined;

// Compiling the schema costs ~370 ms, in every process and worker thread that validates. Its
// compiled code (ajv "standalone" CommonJS) is therefore cached under node_modules/.cache, and later
// processes load it in ~20 ms. The cached file is code that runs inside `credstack verify` (with a
// signing key in the environment, perhaps), so it is trusted only when its bytes hash to the SHA-256
// pinned below for exactly this schema, these options and these ajv versions; anything else is
// ignored (and replaced), and with other dependency versions no cache is read or written at all.
// Nothing is cached where the package cannot write (never in a shared temporary directory).
const AJV_OPTIONS = { allErrors: true, strictTuples: false } as const;
const CACHE_DIR = new URL("../../node_modules/.cache/credstack/", import.meta.url);
const require = createRequire(import.meta.url);

/**
 * The pin of the cached validator code: `key` is the SHA-256 of the schema text, the ajv options and
 * the ajv and ajv-formats versions; `sha256` that of the standalone code ajv generates for them. A
 * test regenerates the code and fails with the new values when a dependency or the schema changes:
 * update both here (after reading the diff of the generated code, if in doubt).
 */
export const OB3_VALIDATOR_PIN = {
  key: "38f90fce6053a63a35a75140497bc9622d82ac4d23e705442dceb549d879647a",
  sha256: "c944a9e37e166872854420f70398e9cb07adc2eb9a15af584202642098b1ec2a",
} as const;

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** The cache key of the schema text with this process's options and ajv versions (see {@link OB3_VALIDATOR_PIN}). */
export function validatorCacheKey(schemaText = readFileSync(SCHEMA_FILE, "utf8")): string {
  const versions = ["ajv", "ajv-formats"].map((name) => (require(`${name}/package.json`) as { version: string }).version);
  return sha256(JSON.stringify([schemaText, AJV_OPTIONS, versions]));
}

/** Where the compiled validator of `key` is cached. */
export function validatorCacheFile(key = validatorCacheKey()): string {
  return fileURLToPath(new URL(`ob3-validator-${key.slice(0, 16)}.cjs`, CACHE_DIR));
}

function compile(schemaText: string): { ajv: Ajv2019; validate: ValidateFunction } {
  // Strict (an unknown keyword throws), except for the one warning it would log: the `@context`
  // tuple (`items: [a, b]`, `minItems: 2`, open `additionalItems`) is 1EdTech's text, not ours to reshape.
  const ajv = new Ajv2019({ ...AJV_OPTIONS, code: { source: true } });
  addFormats(ajv);
  return { ajv, validate: ajv.compile(JSON.parse(schemaText)) };
}

/** The standalone (CommonJS) code ajv generates for the schema now: what the cache holds, and what the pin hashes. */
export function generateValidatorCode(): string {
  const { ajv, validate } = compile(readFileSync(SCHEMA_FILE, "utf8"));
  return standaloneCode(ajv, validate);
}

/** Runs the standalone code already read and checked (not `require`: the file could change in between). */
function evaluate(code: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  if (typeof module.exports !== "function") throw new TypeError("the cached validator exports no function");
  return module.exports as ValidateFunction;
}

/**
 * A validator of the official schema (draft 2019-09): its cached compiled code when `cache` allows,
 * the dependencies are the pinned ones and the cache file's SHA-256 is the pinned one; else a fresh
 * compilation (which then fills the cache, if its code is the pinned code). Both behave identically
 * (a test compares their errors).
 */
export function loadOpenBadgeValidator(options: { cache?: boolean } = {}): ValidateFunction {
  const useCache = options.cache ?? true;
  const schemaText = readFileSync(SCHEMA_FILE, "utf8");
  const key = validatorCacheKey(schemaText);
  const pinned = key === OB3_VALIDATOR_PIN.key;
  const file = validatorCacheFile(key);
  if (useCache && pinned) {
    try {
      const code = readFileSync(file);
      if (sha256(code) === OB3_VALIDATOR_PIN.sha256) return evaluate(code.toString("utf8"));
    } catch {
      // Not cached yet (or unreadable): compile below.
    }
  }
  const { ajv, validate } = compile(schemaText);
  if (pinned) {
    try {
      const code = standaloneCode(ajv, validate);
      if (sha256(code) === OB3_VALIDATOR_PIN.sha256) {
        mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.${threadId}.tmp`;
        writeFileSync(tmp, code);
        renameSync(tmp, file);
      }
    } catch {
      // A read-only installation: compile in each process.
    }
  }
  return validate;
}

/** The process's validator, loaded on first use (in the browser bundle: compiled at build time). */
function validator(): ValidateFunction {
  return (compiled ??= precompiledValidator("ob3") ?? loadOpenBadgeValidator());
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
  return issuesOfAjvErrors(validate.errors ?? []);
}

/** ajv's errors as field issues (dotted paths, a missing property named itself), each said once. */
export function issuesOfAjvErrors(errors: readonly ErrorObject[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
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
