import { expect } from "chai";
import { buildBatch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { deriveCredential, readDerivedProof, type Disclosure } from "../../src/present/index.js";
import { describeDisclosure, identityMatches, valueAt } from "../../src/web/pages/verifier/disclosed-fields.js";
import { ROLE, addr, learner, seedCourse } from "./helpers/two-institutions.js";

/**
 * How the verifier page names what a derived credential discloses (src/web/pages/verifier/disclosed-fields.ts): the
 * revealed fields by their original pointers with the learner's values, the hidden ones named from the credential
 * profile when the hidden count accounts for them, counted otherwise. Pure functions: no browser, no chain.
 */
describe("verifier page: naming disclosed and hidden fields", () => {
  const target = { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const };
  const batch = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [learner("S7", addr(ROLE.holder), "8.5")], target);
  const noGrade = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [learner("S8", addr(ROLE.holder), "")], target);
  const vcOf = (b = batch) => toVerifiableCredential(b.credentials[0] as CredentialRecordV3) as Record<string, unknown>;
  const derived = (disclose: Disclosure, b = batch) => {
    const { credential } = deriveCredential({ credential: vcOf(b), disclose });
    const proof = readDerivedProof(credential);
    return describeDisclosure(credential, { revealed: proof.pointers, hidden: proof.hidden.length });
  };
  const field = (view: ReturnType<typeof describeDisclosure>, name: string) => view.subject.find((f) => f.name === name);

  it("a full credential: every field revealed, the grade with its scale, name and number hashed", () => {
    const view = describeDisclosure(vcOf());
    expect(view.hiddenCount).to.equal(0);
    expect(view.subject.map((f) => [f.name, f.pointer, f.hidden])).to.deep.equal([
      ["name", "/credentialSubject/identifier/0", false],
      ["studentId", "/credentialSubject/identifier/1", false],
      ["grade", "/credentialSubject/result/0", false],
      ["schema", "/credentialSchema/0", false],
    ]);
    expect(field(view, "grade")!.value).to.equal("8.5 (Dutch grading scale (1–10, pass from 5.5))");
    expect(field(view, "name")!.value).to.match(/^hashed \(sha256\$/);
    expect(identityMatches(field(view, "name")!.identity!, " Learner S7 ")).to.equal(true);
    expect(identityMatches(field(view, "name")!.identity!, "Learner S8")).to.equal(false);
    expect(identityMatches(field(view, "studentId")!.identity!, "S7")).to.equal(true);
    expect(view.other.map((f) => f.pointer)).to.include.members(["/name", "/validFrom", "/credentialSubject/achievement"]);
  });

  it("a hidden grade is named at its pointer; the name hidden leaves the student number at its original index", () => {
    const grade = derived({ hide: ["grade"] });
    expect(field(grade, "grade")).to.deep.equal({ pointer: "/credentialSubject/result/0", name: "grade", label: "Grade", hidden: true });
    expect(grade.unnamedHidden).to.equal(0);
    const name = derived({ hide: ["name"] });
    expect(field(name, "name")).to.include({ pointer: "/credentialSubject/identifier/0", hidden: true });
    expect(field(name, "studentId")).to.include({ pointer: "/credentialSubject/identifier/1", hidden: false });
    expect(identityMatches(field(name, "studentId")!.identity!, "S7")).to.equal(true); // the derived array's element 0
    expect(valueAt({ a: [{ v: 2 }] }, "/a/1", ["/a/1"])).to.deep.equal({ v: 2 });
  });

  it("everything hidden that can be: the four friendly fields named hidden, no value shown", () => {
    const view = derived({ reveal: [] });
    expect(view.subject.map((f) => [f.name, f.hidden])).to.deep.equal([["name", true], ["studentId", true], ["grade", true], ["schema", true]]);
    expect(view.hiddenCount).to.equal(4);
    expect(JSON.stringify(view)).to.not.include("8.5");
  });

  it("a credential without a grade, one field hidden: counted, not guessed (name or grade)", () => {
    const view = derived({ hide: ["name"] }, noGrade);
    expect(view.hiddenCount).to.equal(1);
    expect(view.subject.filter((f) => f.hidden)).to.deep.equal([]);
    expect(view.unnamedHidden).to.equal(1);
    expect(view.maybe).to.deep.equal(["name", "grade"]);
  });
});
