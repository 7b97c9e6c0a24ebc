import { expect } from "chai";
import fc from "fast-check";
import { ValidationError } from "../../src/credential/errors.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { credentialDigest, fieldDigests, newSaltSeed, saltFor, toFields } from "../../src/credential/disclosure.js";
import { buildCredential } from "../../src/credential/credential.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { course, learners, rawCourse } from "./helpers/fixtures.js";

const MANDATORY = [
  "title",
  "awardingBody",
  "learningOutcomes",
  "workloadEcts",
  "eqfLevel",
  "assessmentType",
  "participationForm",
  "qualityAssurance",
] as const;

function setPointer(doc: any, pointer: string, value: unknown) {
  const keys = pointer.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = doc;
  for (const k of keys.slice(0, -1)) node = node[k];
  node[keys[keys.length - 1]!] = value;
}

describe("credential model (EU 2022 elements, OB 3.0)", () => {
  for (const field of MANDATORY) {
    it(`a course without ${field} is rejected with an error naming ${field}`, () => {
      const input = rawCourse();
      delete input[field];
      expect(() => parseAchievement(input)).to.throw(ValidationError).with.property("issues").that.deep.includes({ field, message: "Required" });
    });
  }

  for (const [field, sub] of [["awardingBody", "country"], ["awardingBody", "name"]] as const) {
    it(`a course without ${field}.${sub} (issuer country / awarding body) is rejected naming it`, () => {
      const input = rawCourse() as any;
      delete input[field][sub];
      expect(() => parseAchievement(input)).to.throw(ValidationError).with.property("issues").that.deep.includes({ field: `${field}.${sub}`, message: "Required" });
    });
  }

  it("reports every bad field at once, never a bare 'invalid'", () => {
    const input = { ...rawCourse(), eqfLevel: 9, workloadEcts: -1, participationForm: "by-post" };
    try {
      parseAchievement(input);
      expect.fail("should throw");
    } catch (error) {
      const fields = (error as ValidationError).issues.map((i) => i.field).sort();
      expect(fields).to.deep.equal(["eqfLevel", "participationForm", "workloadEcts"]);
      expect((error as Error).message).to.match(/eqfLevel/);
    }
  });

  it("a learner row without identification, wallet or date is rejected naming the row and field", () => {
    const csv = "id,name,wallet,grade,date\nS1,Ann,0x90F79bf6EB2c4f870365E785982E1f101E93b906,8,2026-01-01\n,Bob,0xnope,7,2026-13-45\nS3,Cy,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,,\n";
    try {
      parseLearnersCsv(csv);
      expect.fail("should throw");
    } catch (error) {
      const issues = (error as ValidationError).issues.map((i) => `${i.row}:${i.field}`);
      expect(issues).to.include.members(["2:id", "2:wallet", "2:date", "3:date"]);
      expect(issues.some((i) => i.startsWith("1:"))).to.equal(false);
    }
  });

  it("builds an OpenBadgeCredential carrying all mandatory EU elements", () => {
    const vc = buildCredential(course(), learners()[0]!, 31337);
    expect(vc.type).to.deep.equal(["VerifiableCredential", "OpenBadgeCredential"]);
    const eu = vc.credentialSubject.achievement.euMicroCredential;
    expect(eu).to.include.keys("learningOutcomes", "workloadEcts", "eqfLevel", "assessmentType", "participationForm", "qualityAssurance");
    expect(vc.issuer.address.addressCountryCode).to.equal("NL");
    expect(vc.issuer.name).to.match(/Amsterdam/);
    expect(vc.validFrom).to.equal("2026-06-30T00:00:00Z");
    expect(vc.validUntil).to.equal("2031-06-30T00:00:00Z");
    expect(vc.credentialSubject.id).to.equal("did:pkh:eip155:31337:0x90F79bf6EB2c4f870365E785982E1f101E93b906");
  });
});

describe("salted digests", () => {
  const vc = buildCredential(course(), learners()[0]!, 31337);
  const seed = newSaltSeed();
  const digest = credentialDigest(vc, seed);

  it("changes when any single field is tampered with", () => {
    for (const { pointer, value } of toFields(vc)) {
      const copy = structuredClone(vc);
      setPointer(copy, pointer, typeof value === "string" ? value + "x" : typeof value === "number" ? value + 1 : "tampered");
      expect(credentialDigest(copy, seed), pointer).to.not.equal(digest);
    }
  });

  it("changes when the salt seed changes, and salts are 128-bit and distinct per field", () => {
    expect(credentialDigest(vc, newSaltSeed())).to.not.equal(digest);
    const salts = toFields(vc).map((f) => saltFor(seed, f.pointer));
    expect(new Set(salts).size).to.equal(salts.length);
    for (const s of salts) expect(s).to.match(/^0x[0-9a-f]{32}$/);
  });

  it("does not depend on key order (RFC 8785 canonical JSON)", () => {
    const shuffled = { ...Object.fromEntries(Object.entries(vc).reverse()) };
    expect(credentialDigest(shuffled, seed)).to.equal(digest);
  });

  it("is deterministic for a seed and yields one salted digest per leaf value", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, grade) => {
        const doc = { name, grade, nested: { list: [name, grade] } };
        const s = newSaltSeed();
        const all = fieldDigests(doc, s);
        return credentialDigest(doc, s) === credentialDigest({ ...doc }, s) && all.length === 4;
      }),
      { numRuns: 50 },
    );
  });
});
