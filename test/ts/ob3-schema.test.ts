import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { buildCredential, STUDENT_ID_IDENTITY_TYPE } from "../../src/credential/credential.js";
import { ValidationError, type FieldIssue } from "../../src/credential/errors.js";
import {
  assertOpenBadgeCredential,
  generateValidatorCode,
  loadOpenBadgeValidator,
  OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID,
  OB3_VALIDATOR_PIN,
  validateOpenBadgeCredential,
  validatorCacheFile,
  validatorCacheKey,
} from "../../src/credential/ob3-schema.js";
import { course, learners } from "./helpers/fixtures.js";

const SCHEMA_DIR = path.resolve("src/credential/schemas");
const FIXTURE_DIR = path.resolve("test/fixtures/batches/v1-smart-contract-security/credentials");

/** A fresh, mutable credential built from the seed course for its first learner. */
const built = (): any => buildCredential(course(), learners()[0]!, 31337);

const fixtureCredentials = (): { file: string; credential: any }[] =>
  readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => ({ file, credential: JSON.parse(readFileSync(path.join(FIXTURE_DIR, file), "utf8")).credential }));

const fields = (issues: FieldIssue[]) => issues.map((i) => i.field);

describe("official Open Badges 3.0 JSON Schema", () => {
  it("is the pinned, unmodified copy recorded in SOURCE.md", () => {
    const text = readFileSync(path.join(SCHEMA_DIR, "ob_v3p0_achievementcredential_schema.json"));
    const source = readFileSync(path.join(SCHEMA_DIR, "SOURCE.md"), "utf8");
    const sha256 = createHash("sha256").update(text).digest("hex");
    expect(source).to.include(sha256);
    expect(source).to.include(`${text.length.toLocaleString("en")} bytes`);
    const schema = JSON.parse(text.toString("utf8"));
    expect(source).to.include(schema.$id); // as 1EdTech published it (SOURCE.md explains)
    expect(source).to.include(OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID); // where it is published
    expect(schema.$schema).to.equal("https://json-schema.org/draft/2019-09/schema#");
    // The formal schema, not its JSON-LD adaptation (which accepts single values for arrays).
    expect(schema.title).to.equal("JSON Schema for the AchievementCredential class.");
  });

  describe("is the formal schema: a single value where OB 3.0 requires an array is rejected", () => {
    const cases: [string, (vc: any) => void, string][] = [
      ["one Result object, not an array", (vc) => (vc.credentialSubject.result = vc.credentialSubject.result[0]), "credentialSubject.result"],
      ["one IdentityObject, not an array", (vc) => (vc.credentialSubject.identifier = vc.credentialSubject.identifier[0]), "credentialSubject.identifier"],
      ["the achievement's type as a string", (vc) => (vc.credentialSubject.achievement.type = "Achievement"), "credentialSubject.achievement.type"],
      ["the subject's type as a string", (vc) => (vc.credentialSubject.type = "AchievementSubject"), "credentialSubject.type"],
      ["the issuer's type as a string", (vc) => (vc.issuer.type = "Profile"), "issuer.type"],
      ["a language map for the achievement's name", (vc) => (vc.credentialSubject.achievement.name = { en: "Smart Contract Security" }), "credentialSubject.achievement.name"],
    ];
    for (const [name, mutate, field] of cases) {
      it(`${name} → ${field}`, () => {
        const vc = built();
        expect(validateOpenBadgeCredential(vc), "unmutated").to.deep.equal([]);
        mutate(vc);
        expect(fields(validateOpenBadgeCredential(vc))).to.include(field);
      });
    }
  });

  it("rejects an empty document naming every required property", () => {
    expect(fields(validateOpenBadgeCredential({}))).to.include.members(["@context", "id", "type", "credentialSubject", "issuer", "validFrom"]);
    expect(fields(validateOpenBadgeCredential("not a credential"))).to.deep.equal(["(root)"]);
  });

  it("accepts the credential buildCredential makes for every seed learner", () => {
    const all = learners();
    expect(all.length).to.be.greaterThan(1);
    for (const learner of all) {
      const vc = buildCredential(course(), learner, 31337);
      expect(validateOpenBadgeCredential(vc), learner.id).to.deep.equal([]);
      expect(() => assertOpenBadgeCredential(vc)).to.not.throw();
    }
  });

  it("accepts a credential without the optional validUntil, result and EU extras", () => {
    const c = course() as any;
    for (const key of ["validityMonths", "qfEheaCycle", "prerequisites", "identityVerification", "stackability", "furtherInformation"]) delete c[key];
    const vc = buildCredential(c, { ...learners()[0]!, grade: undefined }, 1);
    expect(vc).to.not.have.property("validUntil");
    expect(vc.credentialSubject).to.not.have.property("result");
    expect(validateOpenBadgeCredential(vc)).to.deep.equal([]);
  });

  it("keeps the EU elements in credentialSubject.achievement.euMicroCredential", () => {
    const vc = built();
    expect(vc.credentialSubject.achievement.euMicroCredential).to.include({ type: "EUMicroCredential", eqfLevel: 6, workloadEcts: 5 });
    expect(vc.credentialSubject.identifier[1]).to.include({ identityType: STUDENT_ID_IDENTITY_TYPE, identityHash: "S1001" });
  });

  describe("the frozen v1 fixture credentials", () => {
    // The v1 batch was built when buildCredential wrote `identityType: "studentId"`, which OB 3.0's
    // IdentifierTypeEnum does not allow (only its values or `ext:…`). That is their one violation.
    const legacy = "credentialSubject.identifier.1.identityType";

    it("violate the schema only by their legacy bare studentId identityType", () => {
      const files = fixtureCredentials();
      expect(files).to.have.length(5);
      for (const { file, credential } of files) {
        expect(credential.credentialSubject.identifier[1].identityType, file).to.equal("studentId");
        const issues = validateOpenBadgeCredential(credential);
        expect(issues, file).to.not.be.empty;
        for (const i of issues) expect([legacy, "credentialSubject.identifier"], `${file}: ${i.field}: ${i.message}`).to.include(i.field);
        expect(fields(issues), file).to.include(legacy);
      }
    });

    it("validate with zero issues once that value is the current ext:studentId", () => {
      for (const { file, credential } of fixtureCredentials()) {
        const copy = structuredClone(credential);
        copy.credentialSubject.identifier[1].identityType = STUDENT_ID_IDENTITY_TYPE;
        expect(validateOpenBadgeCredential(copy), file).to.deep.equal([]);
      }
    });
  });

  describe("names the field of each violation", () => {
    const cases: [string, (vc: any) => void, string][] = [
      ["no issuer", (vc) => delete vc.issuer, "issuer"],
      ["no credentialSubject", (vc) => delete vc.credentialSubject, "credentialSubject"],
      ["no validFrom", (vc) => delete vc.validFrom, "validFrom"],
      ["no id", (vc) => delete vc.id, "id"],
      ["no @context", (vc) => delete vc["@context"], "@context"],
      ["no type", (vc) => delete vc.type, "type"],
      ["type without OpenBadgeCredential", (vc) => (vc.type = ["VerifiableCredential"]), "type"],
      ["type without VerifiableCredential", (vc) => (vc.type = ["OpenBadgeCredential"]), "type"],
      ["@context with the OB context first", (vc) => vc["@context"].reverse(), "@context.0"],
      ["@context with the VC 1.1 context", (vc) => (vc["@context"][0] = "https://www.w3.org/2018/credentials/v1"), "@context.0"],
      ["@context without the OB context", (vc) => vc["@context"].splice(1, 1), "@context.1"],
      ["validFrom not a date-time", (vc) => (vc.validFrom = "30 June 2026"), "validFrom"],
      ["validUntil not a date-time", (vc) => (vc.validUntil = "2031-06-31"), "validUntil"],
      ["issuer without id", (vc) => delete vc.issuer.id, "issuer.id"],
      ["issuer of the wrong type", (vc) => (vc.issuer.type = ["Organization"]), "issuer.type"],
      ["credentialSubject without achievement", (vc) => delete vc.credentialSubject.achievement, "credentialSubject.achievement"],
      ["credentialSubject of the wrong type", (vc) => (vc.credentialSubject.type = ["Person"]), "credentialSubject.type"],
      ["achievement without criteria", (vc) => delete vc.credentialSubject.achievement.criteria, "credentialSubject.achievement.criteria"],
      ["achievement without name", (vc) => delete vc.credentialSubject.achievement.name, "credentialSubject.achievement.name"],
      ["achievementType outside the vocabulary", (vc) => (vc.credentialSubject.achievement.achievementType = "Nanodegree"), "credentialSubject.achievement.achievementType"],
      ["creditsEarned as a string", (vc) => (vc.credentialSubject.creditsEarned = "5"), "credentialSubject.creditsEarned"],
      ["identityType outside the vocabulary", (vc) => (vc.credentialSubject.identifier[0].identityType = "fullName"), "credentialSubject.identifier.0.identityType"],
      ["identifier without hashed", (vc) => delete vc.credentialSubject.identifier[0].hashed, "credentialSubject.identifier.0.hashed"],
      ["result without type", (vc) => delete vc.credentialSubject.result[0].type, "credentialSubject.result.0.type"],
    ];

    for (const [name, mutate, field] of cases) {
      it(`${name} → ${field}`, () => {
        const vc = built();
        expect(validateOpenBadgeCredential(vc), "unmutated").to.deep.equal([]);
        mutate(vc);
        const issues = validateOpenBadgeCredential(vc);
        expect(fields(issues), JSON.stringify(issues)).to.include(field);
        for (const i of issues) expect(i.message).to.be.a("string").and.not.be.empty;
      });
    }
  });

  it("the cached compiled validator (node_modules/.cache) judges exactly as a fresh compilation", () => {
    const fresh = loadOpenBadgeValidator({ cache: false }); // compiles, and (re)writes the cache
    const cached = loadOpenBadgeValidator();
    expect(cached).not.to.equal(fresh);
    const broken = (mutate: (vc: Record<string, any>) => void) => {
      const vc = built();
      mutate(vc);
      return vc;
    };
    const cases = [
      built(),
      {},
      broken((vc) => delete vc.issuer),
      broken((vc) => (vc.validFrom = "yesterday")),
      broken((vc) => (vc.credentialSubject.identifier[0].identityType = "studentId")),
      broken((vc) => (vc["@context"] = ["https://example.org"])),
      broken((vc) => (vc.credentialSubject.achievement.criteria = 5)),
    ];
    for (const vc of cases) {
      expect(cached(vc), JSON.stringify(vc).slice(0, 80)).to.equal(fresh(vc));
      expect(cached.errors ?? null).to.deep.equal(fresh.errors ?? null);
    }
    expect(fresh(cases[0])).to.equal(true);
  });

  describe("the cached validator code is trusted only by its pinned SHA-256", () => {
    const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

    it("the pin is the hash of the code ajv generates now for this schema, these options and ajv versions", () => {
      const hint = "the OB 3.0 schema or ajv/ajv-formats changed: review the generated code, then update OB3_VALIDATOR_PIN in src/credential/ob3-schema.ts to";
      expect(validatorCacheKey(), `${hint} key "${validatorCacheKey()}"`).to.equal(OB3_VALIDATOR_PIN.key);
      const code = generateValidatorCode();
      expect(sha256(code), `${hint} sha256 "${sha256(code)}"`).to.equal(OB3_VALIDATOR_PIN.sha256);
      expect(sha256(generateValidatorCode()), "deterministic").to.equal(sha256(code));
    });

    it("a planted cache file with another body is never executed; verdicts stay right and the cache is repaired", () => {
      const file = validatorCacheFile();
      loadOpenBadgeValidator({ cache: false }); // (re)writes the genuine cache file
      expect(sha256(readFileSync(file))).to.equal(OB3_VALIDATOR_PIN.sha256);
      const g = globalThis as { __credstackPlanted?: boolean };
      delete g.__credstackPlanted;
      try {
        writeFileSync(file, "globalThis.__credstackPlanted = true;\nmodule.exports = function validate() { return true; };\n");
        const validate = loadOpenBadgeValidator();
        expect(g.__credstackPlanted, "the planted code ran").to.equal(undefined);
        expect(validate({})).to.equal(false);
        expect(validate(built())).to.equal(true);
        expect(sha256(readFileSync(file)), "the genuine code is back in the cache").to.equal(OB3_VALIDATOR_PIN.sha256);
        // The repaired file judges as a fresh compilation.
        const cached = loadOpenBadgeValidator();
        const fresh = loadOpenBadgeValidator({ cache: false });
        expect(cached({})).to.equal(fresh({}));
        expect(cached.errors).to.deep.equal(fresh.errors);
      } finally {
        delete g.__credstackPlanted;
        loadOpenBadgeValidator({ cache: false });
      }
    });
  });

  it("assertOpenBadgeCredential throws one ValidationError listing every issue, with its source", () => {
    const vc = built();
    delete vc.issuer;
    vc.validFrom = "yesterday";
    try {
      assertOpenBadgeCredential(vc, "credentials/000007.json");
      expect.fail("should throw");
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      const e = error as ValidationError;
      expect(e.source).to.equal("credentials/000007.json");
      expect(fields(e.issues)).to.include.members(["issuer", "validFrom"]);
      expect(e.message).to.match(/^Invalid credentials\/000007\.json: \d+ problems\./).and.match(/issuer: must have required property 'issuer'/);
    }
  });
});
