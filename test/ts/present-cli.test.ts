import { expect } from "chai";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";
import { buildBatch, manifestDigest } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { anchorBatch } from "../../src/chain/actions/index.js";
import {
  createChallenge, createVerificationRequest, parseVerificationRequest, requestLink, VerificationRequestError,
} from "../../src/present/index.js";
import { errorLine, expectExit, json, runCli } from "./helpers/cli.js";
import { ROLE, addr, learner, seedCourse, twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/**
 * The student's CLI (#13, first part): `holder key create`, `present` with a hidden grade, and
 * `credstack verify` of the presentation against the verifier's challenge and domain, against a
 * real `hardhat node` and the local deployment record.
 */
describe("present CLI: holder key create, present, verify --challenge --domain (#13)", function () {
  this.timeout(300_000);
  let f: TwoInstitutions;
  const PASSWORD = "correct horse battery staple";
  const file = (name: string) => path.join(f.tmp, name);
  const cli = (args: string[]) => runCli(f.tmp, args, { env: { CREDSTACK_KEYSTORE_PASSWORD: PASSWORD } });

  before(async () => {
    f = await twoInstitutions();
  });
  after(async () => f?.stop());

  it("a student presents a credential with the grade hidden; the verifier checks it with its own challenge and domain", async () => {
    const created = await cli(["--json", "holder", "key", "create", "--out", file("holder.json")]);
    expectExit(created, 0);
    const holder = json<{ address: Address }>(created).address;
    const scs = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [learner("S9", holder, "9.5")], f.target);
    await anchorBatch(f.wallet(ROLE.uvaOp), { registry: f.registry, root: scs.manifest.root, leafCount: 1, manifestDigest: manifestDigest(scs.manifest) });
    await writeFile(file("s9.json"), JSON.stringify(toVerifiableCredential(scs.credentials[0] as CredentialRecordV3)));

    const challenge = createChallenge();
    const presented = await cli(["present", "--key", file("holder.json"), "--credential", file("s9.json"), "--disclose", "name",
      "--challenge", challenge, "--domain", "admissions.example", "--out", file("vp.json")]);
    expectExit(presented, 0);
    const vp = readFileSync(file("vp.json"), "utf8");
    expect(vp).to.not.include("9.5"); // the grade is not in the presentation in any form
    const verified = await cli(["verify", file("vp.json"), "--challenge", challenge, "--domain", "admissions.example"]);
    expectExit(verified, 0);
    expect(verified.stdout).to.match(/✔ Presentation/).and.to.match(/✔ Holder signature/).and.to.match(/→ VALID/);
    // The name (an identity object) revealed; the student number, the grade and the schema entry hidden.
    expect(verified.stdout).to.match(/revealed: .*\/credentialSubject\/identifier\/0.*; hidden: 3 field\(s\)/);
    expect(verified.stdout).to.not.match(/revealed: .*\/credentialSubject\/result/);

    const otherChallenge = await cli(["--json", "verify", file("vp.json"), "--challenge", createChallenge(), "--domain", "admissions.example"]);
    expect(otherChallenge.code, otherChallenge.stderr).to.equal(1);
    expect(JSON.stringify(json(otherChallenge))).to.include("CS-PRESENTATION-CHALLENGE-MISMATCH");
    const otherDomain = await cli(["--json", "verify", file("vp.json"), "--challenge", challenge, "--domain", "other.example"]);
    expect(otherDomain.code, otherDomain.stderr).to.equal(1);
    expect(JSON.stringify(json(otherDomain))).to.include("CS-PRESENTATION-DOMAIN-MISMATCH");

    const noChallenge = await cli(["verify", file("vp.json")]);
    expectExit(noChallenge, 2);
    expect(errorLine(noChallenge)).to.match(/--challenge <c> --domain <d>/);
  });

  it("the verifier's request (file or link) carries challenge, domain and the fields asked; verify --request checks the answer", async () => {
    const created = await cli(["--json", "request", "create", "--domain", "admissions.example", "--ask", "name", "--out", file("req.json")]);
    expectExit(created, 0);
    const { link, request } = json<{ link: string; request: { challenge: string } }>(created);
    expect(link).to.match(/^credstack-request:\?request=[A-Za-z0-9_-]+$/);
    expect(parseVerificationRequest(link)).to.deep.equal(request);
    // The holder answers the link; what it reveals defaults to what the request asks.
    expectExit(await cli(["present", "--key", file("holder.json"), "--credential", file("s9.json"), "--request", link, "--out", file("vp-req.json")]), 0);
    const verified = await cli(["verify", file("vp-req.json"), "--request", file("req.json")]);
    expectExit(verified, 0);
    expect(verified.stdout).to.match(/revealed: .*\/credentialSubject\/identifier\/0/).and.to.match(/→ VALID/);
    // Another verifier's request: its challenge is not the one answered.
    expectExit(await cli(["request", "create", "--domain", "admissions.example", "--out", file("req2.json")]), 0);
    const other = await cli(["--json", "verify", file("vp-req.json"), "--request", file("req2.json")]);
    expect(other.code, other.stderr).to.equal(1);
    expect(JSON.stringify(json(other))).to.include("CS-PRESENTATION-CHALLENGE-MISMATCH");
  });

  it("a malformed request is refused naming its member", () => {
    const good = createVerificationRequest({ domain: "v.example" });
    expect(() => parseVerificationRequest({ ...good, challenge: "short" })).to.throw(VerificationRequestError, /128 bits/);
    expect(() => parseVerificationRequest({ ...good, extra: 1 })).to.throw(VerificationRequestError, /Unknown member extra/);
    expect(() => parseVerificationRequest({ ...good, responseUri: "http://v.example/answer" })).to.throw(VerificationRequestError, /https/);
    expect(() => parseVerificationRequest("credstack-request:?request=%%%")).to.throw(VerificationRequestError, /does not hold a request/);
    expect(requestLink(good).length).to.be.below(400); // small enough for a QR code
  });

  it("refuses a wrong keystore password and a field the credential does not have, exit 2", async () => {
    const wrong = await runCli(f.tmp, ["present", "--key", file("holder.json"), "--credential", file("s9.json"), "--challenge", createChallenge(),
      "--domain", "d.example", "--out", file("vp2.json")], { env: { CREDSTACK_KEYSTORE_PASSWORD: "wrong" } });
    expectExit(wrong, 2);
    const mustStay = await cli(["present", "--key", file("holder.json"), "--credential", file("s9.json"), "--disclose", "/nope",
      "--challenge", createChallenge(), "--domain", "d.example", "--out", file("vp3.json")]);
    expectExit(mustStay, 2);
  });
});
