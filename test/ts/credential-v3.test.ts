import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { buildCredential } from "../../src/credential/credential.js";
import { ValidationError } from "../../src/credential/errors.js";
import {
  CONTEXT_PINS, CREDSTACK_V3_CONTEXT_URL, OB_V3_CONTEXT_URL, UnknownContextError, canonicalSha256, documentLoader, expandSafe,
} from "../../src/credential/jsonld.js";
import { OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID, validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { parseAchievement, type Achievement } from "../../src/credential/schema.js";
import { buildCredentialV3, type CredentialV3 } from "../../src/credential/v3/build.js";
import { identityHash, newIdentitySalts } from "../../src/credential/v3/identity.js";
import { ASSESSMENT_TYPES, ECTS, PARTICIPATION_MODES, QUALITY_ASSURANCE_TYPES } from "../../src/credential/v3/vocabulary.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { withoutNetwork } from "./helpers/network.js";

const SEEDS = readdirSync("seeds/courses").filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));
const rawSeed = (name: string) => JSON.parse(readFileSync(path.join("seeds/courses", `${name}.json`), "utf8"));
const seed = (name: string) => ({
  course: parseAchievement(rawSeed(name)),
  learners: parseLearnersCsv(readFileSync(path.join("seeds/learners", `${name}.csv`), "utf8")),
});
const TARGET = { chainId: 31337 };
const SALTS = { name: "0123456789abcdef0123456789abcdef", studentId: "fedcba9876543210fedcba9876543210" };
// An ESCO-shaped concept URI (the one the research brief used); not checked against ESCO itself (offline).
const ESCO = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a";

const alignments = (vc: CredentialV3, targetType: string) => vc.credentialSubject.achievement.alignment.filter((a) => a.targetType === targetType);


describe("credential format v3 (bare VC 2.0 / OB 3.0, JSON-LD safe)", () => {
  for (const name of SEEDS) {
    describe(`seed course ${name}`, () => {
      const { course, learners } = seed(name);
      const credentials = learners.map((learner) => buildCredentialV3({ achievement: course, learner, target: TARGET, salts: newIdentitySalts() }));

      it(`every learner's credential (${learners.length}) passes the formal OB 3.0 JSON Schema`, () => {
        for (const vc of credentials) expect(validateOpenBadgeCredential(vc), vc.credentialSubject.id).to.deep.equal([]);
      });

      it("every credential expands in JSON-LD safe mode with the shipped contexts only, never fetching", async () => {
        const { result, fetches } = await withoutNetwork(() => Promise.all(credentials.map((vc) => expandSafe(vc))));
        for (const r of result) expect(r.ok ? [] : r.problems).to.deep.equal([]);
        expect(fetches).to.deep.equal([]);
      });

      it("EQF level: an alignment to http://data.europa.eu/snb/eqf/<n>", () => {
        const [eqf, ...more] = alignments(credentials[0]!, "ext:EQFLevel");
        expect(more).to.be.empty;
        expect(eqf).to.include({ targetUrl: `http://data.europa.eu/snb/eqf/${course.eqfLevel}`, targetCode: String(course.eqfLevel) });
      });

      it("ECTS: creditsAvailable / creditsEarned and the ECTS credit-system alignment stating the unit", () => {
        const vc = credentials[0]!;
        expect(vc.credentialSubject.achievement.creditsAvailable).to.equal(course.workloadEcts);
        expect(vc.credentialSubject.creditsEarned).to.equal(course.workloadEcts);
        expect(alignments(vc, "ext:CreditSystem").map((a) => a.targetUrl)).to.deep.equal([ECTS.uri]);
        expect(ECTS.uri).to.equal("http://data.europa.eu/snb/education-credit/6fcec5c5af");
      });

      it("learning outcomes: one alignment each, in course order, with the text", () => {
        const outcomes = alignments(credentials[0]!, "ext:LearningOutcome");
        expect(outcomes.map((a) => a.targetDescription)).to.deep.equal(course.learningOutcomes);
        expect(outcomes.map((a) => a.targetUrl)).to.deep.equal(course.learningOutcomes.map((_, i) => `${course.id}#learning-outcome-${i + 1}`));
      });

      it("assessment type, participation form and quality assurance: ELM concept URIs", () => {
        const vc = credentials[0]!;
        const codes = course.assessmentTypeCodes!;
        expect(alignments(vc, "ext:AssessmentType").map((a) => a.targetUrl)).to.deep.equal(codes.map((c) => ASSESSMENT_TYPES[c].uri));
        expect(alignments(vc, "ext:AssessmentType")[0]!.targetDescription).to.equal(course.assessmentType);
        expect(alignments(vc, "ext:LearningMode").map((a) => a.targetUrl)).to.deep.equal([PARTICIPATION_MODES[course.participationForm].uri]);
        const qa = alignments(vc, "ext:QualityAssurance");
        expect(qa.map((a) => a.targetUrl)).to.deep.equal([QUALITY_ASSURANCE_TYPES[course.qualityAssuranceCode!].uri]);
        expect(qa[0]!.targetDescription).to.equal(course.qualityAssurance);
      });

      it("the grade is a Result linked to the achievement's ResultDescription (the course's scale)", () => {
        const graded = credentials.filter((vc) => "result" in vc.credentialSubject);
        expect(graded.length).to.be.greaterThan(0);
        for (const vc of graded) {
          const [description] = vc.credentialSubject.achievement.resultDescription;
          expect(description).to.include({ name: course.gradingScale!.name, resultType: course.gradingScale!.resultType });
          const [result] = (vc.credentialSubject as { result: { resultDescription: string; value: string }[] }).result;
          expect(result!.resultDescription).to.equal(description!.id);
        }
        const ids = new Set(credentials.map((vc) => vc.credentialSubject.achievement.resultDescription[0]!.id));
        expect(ids.size, "one ResultDescription id per achievement").to.equal(1);
      });

      it("identity objects are hashed: identityHash = sha256$hex(sha256(identifier + salt)), with the salt", () => {
        const learner = learners[0]!;
        const vc = buildCredentialV3({ achievement: course, learner, target: TARGET, salts: SALTS });
        const sha = (s: string) => `sha256$${createHash("sha256").update(s, "utf8").digest("hex")}`;
        expect(vc.credentialSubject.identifier).to.deep.equal([
          { type: "IdentityObject", identityType: "name", hashed: true, identityHash: sha(learner.name + SALTS.name), salt: SALTS.name },
          { type: "IdentityObject", identityType: "ext:studentId", hashed: true, identityHash: sha(learner.id + SALTS.studentId), salt: SALTS.studentId },
        ]);
        expect(JSON.stringify(vc)).to.not.include(`"${learner.name}"`).and.not.include(`"${learner.id}"`);
      });

      it("carries no salt seed, no proof, and names the formal OB 3.0 schema in credentialSchema", () => {
        for (const vc of credentials) {
          const text = JSON.stringify(vc);
          expect(text).to.not.match(/saltSeed|"seed"|"proof"/);
          expect(vc.credentialSchema).to.deep.equal([{ id: OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID, type: "1EdTechJsonSchemaValidator2019" }]);
        }
      });
    });
  }

  describe("EU elements without a standard term: credstack v3 context terms", () => {
    it("QF-EHEA cycle, prerequisites, identity verification and stackability sit on the achievement and expand", async () => {
      const { course, learners } = seed("smart-contract-security");
      const vc = buildCredentialV3({ achievement: course, learner: learners[0]!, target: TARGET, salts: SALTS });
      expect(vc.credentialSubject.achievement).to.deep.include({
        qfEheaCycle: course.qfEheaCycle, prerequisites: course.prerequisites, identityVerification: course.identityVerification,
        standalone: course.stackability!.standalone, integratesInto: course.stackability!.integratesInto, url: course.furtherInformation,
      });
      const r = await expandSafe(vc);
      expect(r.ok).to.equal(true);
      const text = JSON.stringify(r.ok && r.expanded);
      for (const term of ["qfEheaCycle", "prerequisites", "identityVerification", "standalone", "integratesInto"]) expect(text).to.include(`https://credstack.org/vocab#${term}`);
    });
  });

  describe("ESCO outcomes and course validation", () => {
    const base = () => rawSeed("smart-contract-security");

    it("an outcome given with an ESCO URI aligns to it (ceasn:Competency, ESCO); the text stays", async () => {
      const raw = base();
      raw.learningOutcomes[1] = { text: raw.learningOutcomes[1], esco: ESCO };
      const course = parseAchievement(raw);
      const vc = buildCredentialV3({ achievement: course, learner: seed("smart-contract-security").learners[0]!, target: TARGET, salts: SALTS });
      const [esco, ...more] = alignments(vc, "ceasn:Competency");
      expect(more).to.be.empty;
      expect(esco).to.include({ targetUrl: ESCO, targetFramework: "ESCO", targetCode: ESCO.split("/").pop(), targetDescription: raw.learningOutcomes[1].text });
      expect(alignments(vc, "ext:LearningOutcome")).to.have.length(2);
      expect(validateOpenBadgeCredential(vc)).to.deep.equal([]);
      expect((await expandSafe(vc)).ok).to.equal(true);
    });

    it("a malformed ESCO URI is refused naming the field", () => {
      const raw = base();
      raw.learningOutcomes[0] = { text: raw.learningOutcomes[0], esco: "https://esco.example/skill/1" };
      expect(() => parseAchievement(raw)).to.throw(ValidationError).with.property("issues").that.deep.includes({
        field: "learningOutcomes.0.esco", message: "expected an ESCO concept URI http://data.europa.eu/esco/skill/<UUID>",
      });
    });

    it("a course without the ELM codes is refused for v3, naming both fields", () => {
      const raw = base();
      delete raw.assessmentTypeCodes;
      delete raw.qualityAssuranceCode;
      const build = () => buildCredentialV3({ achievement: parseAchievement(raw), learner: seed("smart-contract-security").learners[0]!, target: TARGET, salts: SALTS });
      expect(build).to.throw(ValidationError).with.property("issues").that.satisfies((issues: { field: string }[]) =>
        ["assessmentTypeCodes", "qualityAssuranceCode"].every((f) => issues.some((i) => i.field === f)));
    });

    it("a grade off the course's scale, short or equal salts are refused", () => {
      const { course, learners } = seed("data-protection-by-design");
      const learner = { ...learners[0]!, grade: "Magnífic" };
      expect(() => buildCredentialV3({ achievement: course, learner, target: TARGET, salts: SALTS })).to.throw(ValidationError, /grade/);
      const scs = seed("smart-contract-security");
      const high = { ...scs.learners[0]!, grade: "11" };
      expect(() => buildCredentialV3({ achievement: scs.course, learner: high, target: TARGET, salts: SALTS })).to.throw(ValidationError, /outside/);
      const ok = scs.learners[0]!;
      expect(() => buildCredentialV3({ achievement: scs.course, learner: ok, target: TARGET, salts: { name: "short", studentId: SALTS.studentId } })).to.throw(ValidationError, /salts\.name/);
      expect(() => buildCredentialV3({ achievement: scs.course, learner: ok, target: TARGET, salts: { name: SALTS.name, studentId: SALTS.name } })).to.throw(ValidationError, /differ/);
    });
  });

  describe("v2 credentials are unchanged", () => {
    // SHA-256 of JSON.stringify(every learner's v2 credential, ids urn:uuid:00000000-0000-4000-8000-<index>), computed
    // with the code and seeds of the commit before format v3 (731d8cb): the new optional course fields and
    // the outcome object form leave v2 output byte for byte as it was.
    const BEFORE: Record<string, string> = {
      "data-protection-by-design": "ea4a1c1f3010823aca41864a1bf3d02067a8d57cb004264a79e2e557e1eb3b66",
      "smart-contract-security": "883e8d851813ca47ccc26528d29d28a99c2132da3449b314113f7bad9c21b9d8",
    };
    const v2Hash = (course: Achievement, learners: ReturnType<typeof seed>["learners"]) =>
      createHash("sha256")
        .update(JSON.stringify(learners.map((l, i) => buildCredential(course, l, 31337, `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, "0")}`))))
        .digest("hex");

    // Seed rows changed since (session 6: UB-2424 became Ada Jansen, the exchange student of the stacking demo): the
    // hash is taken over the rows as they were then, so that it still compares the code, not the seed data.
    const ROWS_THEN: Record<string, string> = {
      "UB-2424": "UB-2424,Zoe Camps,0xaad544211Fac1D8Af8967F8534A3f2E44D5e095a,,2026-07-13",
    };
    const learnersThen = (name: string) => {
      const csv = readFileSync(path.join("seeds/learners", `${name}.csv`), "utf8");
      const then = csv.split("\n").map((line) => ROWS_THEN[line.split(",")[0]!] ?? line).join("\n");
      return parseLearnersCsv(then);
    };

    for (const name of SEEDS) {
      it(`${name}: the v2 credentials of every learner are identical to those before v3`, () => {
        expect(v2Hash(seed(name).course, learnersThen(name))).to.equal(BEFORE[name]);
      });
    }

    it("outcomes written as {text} objects give the same v2 credentials as plain strings", () => {
      const raw = rawSeed("smart-contract-security");
      raw.learningOutcomes = raw.learningOutcomes.map((text: string) => ({ text, esco: ESCO }));
      expect(v2Hash(parseAchievement(raw), seed("smart-contract-security").learners)).to.equal(BEFORE["smart-contract-security"]);
    });
  });

  describe("JSON-LD: safe mode and the offline loader", () => {
    const { course, learners } = seed("smart-contract-security");
    const vc = () => buildCredentialV3({ achievement: course, learner: learners[0]!, target: TARGET, salts: SALTS }) as Record<string, any>;

    it("an undefined term fails safe-mode expansion, naming every offending term", async () => {
      const doc = vc();
      doc.favouriteColour = "blue";
      doc.credentialSubject.achievement.euMicroCredential = { workloadEcts: 5 };
      const { result, fetches } = await withoutNetwork(() => expandSafe(doc));
      expect(result.ok).to.equal(false);
      const terms = result.ok ? [] : result.problems.map((p) => `${p.code}: ${p.term}`);
      expect(terms).to.include.members(["invalid property: favouriteColour", "invalid property: euMicroCredential"]);
      expect(fetches).to.deep.equal([]);
    });

    it("an undefined type (a relative @type) fails too", async () => {
      const doc = vc();
      doc.credentialSchema[0].type = "SomeValidator";
      const result = await expandSafe(doc);
      expect(result.ok ? [] : result.problems.map((p) => p.code)).to.include("relative @type reference");
    });

    it("an unknown context URL makes the loader throw UnknownContextError without network", async () => {
      const { result, fetches } = await withoutNetwork(async () => {
        const thrown = await documentLoader("https://example.org/contexts/evil.jsonld").catch((e: unknown) => e);
        const expanded = await expandSafe({ ...vc(), "@context": [...vc()["@context"], "https://example.org/contexts/evil.jsonld"] });
        return { thrown, expanded };
      });
      expect(result.thrown).to.be.instanceOf(UnknownContextError).with.property("url", "https://example.org/contexts/evil.jsonld");
      expect(result.expanded).to.deep.equal({
        ok: false,
        problems: [{ code: "unknown context", term: "https://example.org/contexts/evil.jsonld", message: (result.thrown as UnknownContextError).shortMessage }],
      });
      expect(fetches).to.deep.equal([]);
    });

    it("serves the shipped contexts, each matching its pin; OB 3.0.3 equals 1EdTech's published file", async () => {
      for (const [url, pin] of Object.entries(CONTEXT_PINS)) expect(canonicalSha256((await documentLoader(url)).document), url).to.equal(pin);
      const credstack = JSON.parse(readFileSync("src/credential/contexts/credstack-v3.jsonld", "utf8"));
      expect((await documentLoader(CREDSTACK_V3_CONTEXT_URL)).document).to.deep.equal(credstack);
      // 1EdTech/openbadges-specification ob_v3p0/context-3.0.3.json at 74da24d (see contexts/SOURCE.md): canonical hash.
      expect(CONTEXT_PINS[OB_V3_CONTEXT_URL]).to.equal("c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99");
    });

    it("the credstack context defines only protected credstack terms", () => {
      const ctx = JSON.parse(readFileSync("src/credential/contexts/credstack-v3.jsonld", "utf8"))["@context"];
      expect(ctx["@protected"]).to.equal(true);
      for (const [term, def] of Object.entries(ctx).filter(([k]) => !k.startsWith("@"))) {
        const iri = typeof def === "string" ? def : (def as { "@id": string })["@id"];
        expect(iri, term).to.equal(`https://credstack.org/vocab#${term}`);
      }
    });

    it("the example in docs/formats.md is what the builder writes", () => {
      const text = readFileSync("docs/formats.md", "utf8");
      const block = text.slice(text.indexOf("## The credential (format v3)")).match(/```json\n([\s\S]*?)\n```/)![1]!;
      const salts = { name: "5d1e0c3b9a7f4e2d8c6b0a1f3e5d7c9b", studentId: "a2c4e6f80b1d3f5e7a9c0e2b4d6f8a1c" };
      const id = "urn:uuid:6f1c2d4e-0b7a-4c8e-9d3f-2a5b7c9e1f00";
      expect(JSON.parse(block)).to.deep.equal(buildCredentialV3({ achievement: course, learner: learners[0]!, target: TARGET, salts, id }));
    });

    it("identityHash helper follows OB 3.0 (sha256$ + lowercase hex)", () => {
      expect(identityHash("S1001", "x".repeat(16))).to.match(/^sha256\$[0-9a-f]{64}$/);
    });
  });
});
