import { expect } from "chai";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { anchorBatch, getAward } from "../../src/chain/actions/index.js";
import { ECTS } from "../../src/credential/v3/vocabulary.js";
import { parsePathway, pathwayIdOf } from "../../src/stack/index.js";
import { errorLine, expectExit, json, runCli } from "./helpers/cli.js";
import { devKey } from "./helpers/fixtures.js";
import { ROLE, addr, learner, seedCourse, twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/**
 * The CLI of on-chain stacking (#12): `pathway publish`, `stack claim` from the holder's key, and
 * `stack claim --sign` by the holder then `--relay` by anyone, against a real `hardhat node` and
 * the local deployment record; exit 0 awarded, 1 refused, 2 usage or registration errors.
 */

const pathwayJson = (version: string, rules: Record<string, unknown> = {}) => ({
  format: "credstack-pathway/1",
  type: "Pathway",
  id: "https://uva.example/pathways/rbe-cli",
  version,
  name: "Certificate in Responsible Blockchain Engineering",
  awardingBody: { id: "did:web:uva.example", name: "Universiteit van Amsterdam (synthetic)" },
  destination: { achievementId: "https://uva.example/achievements/rbe-certificate", name: "Responsible Blockchain Engineering", eqfLevel: 6 },
  creditUnit: ECTS.uri,
  components: [
    { id: "sec", type: "CredentialComponent", name: "Smart Contract Security", proxyFor: "https://credentials.univ-amsterdam.example/achievements/smart-contract-security", awardedBy: [addr(ROLE.uva)] },
    { id: "gdpr", type: "CredentialComponent", name: "Data Protection by Design", proxyFor: "https://credentials.ub-barcelona.example/achievements/data-protection-by-design", awardedBy: [addr(ROLE.ub)] },
  ],
  condition: { requiredNumber: 2, targetComponent: ["sec", "gdpr"] },
  rules: { totalCredits: { min: 9 }, issuers: { minDistinct: 2 }, ...rules },
});

describe("stacking CLI: pathway publish, stack claim, --sign and --relay (#12)", function () {
  this.timeout(300_000);
  let f: TwoInstitutions;
  let home: string;
  const file = (name: string) => path.join(f.tmp, name);
  const cli = (args: string[], role: number) => runCli(home, ["--json", ...args], { key: devKey(role) });

  before(async () => {
    f = await twoInstitutions();
    home = f.tmp; // deployRegistry wrote deployment.json (registry and stacking registry) here
    const scs: Batch = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [learner("S1", addr(ROLE.holder), "8"), learner("S2", addr(ROLE.other), "7")], f.target);
    const dpbd: Batch = buildBatch(seedCourse("data-protection-by-design", addr(ROLE.ub)), [learner("B1", addr(ROLE.holder), "Notable", "2026-07-10")], f.target);
    for (const [batch, op] of [[scs, ROLE.uvaOp], [dpbd, ROLE.ubOp]] as const) {
      await anchorBatch(f.wallet(op), { registry: f.registry, root: batch.manifest.root, leafCount: batch.manifest.leafCount, manifestDigest: manifestDigest(batch.manifest) });
    }
    const vc = (b: Batch, i: number) => JSON.stringify(toVerifiableCredential(b.credentials[i] as CredentialRecordV3));
    await writeFile(file("s1.json"), vc(scs, 0));
    await writeFile(file("s2.json"), vc(scs, 1));
    await writeFile(file("b1.json"), vc(dpbd, 0));
    for (const [name, json] of [["p1.json", pathwayJson("1.0.0")], ["p2.json", pathwayJson("2.0.0")], ["p3.json", pathwayJson("3.0.0", { totalCredits: { min: 20 } })], ["unpublished.json", pathwayJson("9.0.0")]] as const) {
      await writeFile(file(name), JSON.stringify(json));
    }
  });

  after(async () => f?.stop());

  it("pathway publish registers from the awarding issuer's key, idempotently; another key is refused", async () => {
    const first = await cli(["pathway", "publish", file("p1.json")], ROLE.uva);
    expectExit(first, 0);
    expect(json(first)).to.include({ pathwayId: pathwayIdOf(parsePathway(pathwayJson("1.0.0"))), sent: true });
    const again = await cli(["pathway", "publish", file("p1.json")], ROLE.uva);
    expectExit(again, 0);
    expect(json(again)).to.include({ sent: false, registered: true });
    const holder = await cli(["pathway", "publish", file("p2.json")], ROLE.holder);
    expectExit(holder, 1);
    expect(errorLine(holder)).to.match(/is not an issuer accredited now/);
  });

  it("stack claim evaluates, checks the digest and claims from the holder's key; a second claim is refused", async () => {
    const run = await cli(["stack", "claim", "--pathway", file("p1.json"), file("s1.json"), file("b1.json")], ROLE.holder);
    expectExit(run, 0);
    expect(json(run)).to.include({ claimed: true, code: "CS-STACK-AWARDED" });
    const pathwayId = pathwayIdOf(parsePathway(pathwayJson("1.0.0")));
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId, holder: addr(ROLE.holder) })).to.not.equal(null);
    const again = await cli(["stack", "claim", "--pathway", file("p1.json"), file("s1.json"), file("b1.json")], ROLE.holder);
    expect(again.code, again.stderr).to.equal(1); // a verdict on stdout, not an error
    expect(json(again)).to.include({ claimed: false, code: "CS-STACK-ALREADY-AWARDED" });
  });

  it("the holder signs a claim by id (--sign), anyone relays it (--relay); a tampered one is refused", async () => {
    expectExit(await cli(["pathway", "publish", file("p2.json")], ROLE.uva), 0);
    const id = pathwayIdOf(parsePathway(pathwayJson("2.0.0")));
    const signed = await cli(["stack", "claim", "--pathway", id, "--sign", "--out", file("claim.json"), file("s1.json"), file("b1.json")], ROLE.holder);
    expectExit(signed, 0);
    const claim = JSON.parse(readFileSync(file("claim.json"), "utf8"));
    expect(claim).to.include({ format: "credstack-stack-claim/1" });
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: id, holder: addr(ROLE.holder) })).to.equal(null);

    await writeFile(file("tampered.json"), JSON.stringify({ ...claim, claim: { ...claim.claim, deadline: claim.claim.deadline + 1 } }));
    const tampered = await cli(["stack", "claim", "--relay", file("tampered.json")], ROLE.admin);
    expectExit(tampered, 1);
    expect(errorLine(tampered)).to.match(/not signed by holder/);

    const relayed = await cli(["stack", "claim", "--relay", file("claim.json")], ROLE.admin);
    expectExit(relayed, 0);
    expect(json(relayed)).to.include({ claimed: true, relayer: addr(ROLE.admin) });
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: id, holder: addr(ROLE.holder) })).to.not.equal(null);
    expectExit(await cli(["stack", "claim", "--relay", file("claim.json")], ROLE.admin), 1);
  });

  it("refusals: not met (exit 1), another holder's credential (exit 1), an unpublished pathway (exit 2), a bad signed file (exit 2)", async () => {
    expectExit(await cli(["pathway", "publish", file("p3.json")], ROLE.uva), 0);
    const notMet = await cli(["stack", "claim", "--pathway", file("p3.json"), file("s1.json"), file("b1.json")], ROLE.holder);
    expect(notMet.code, notMet.stderr).to.equal(1);
    expect(json(notMet)).to.include({ claimed: false });

    const id = pathwayIdOf(parsePathway(pathwayJson("3.0.0")));
    const wrongHolder = await cli(["stack", "claim", "--pathway", id, file("s2.json"), file("b1.json")], ROLE.holder);
    expect(wrongHolder.code, wrongHolder.stderr).to.equal(1);
    expect(json(wrongHolder)).to.include({ code: "CS-STACK-WRONG-HOLDER" });

    const unpublished = await cli(["stack", "claim", "--pathway", file("unpublished.json"), file("s1.json"), file("b1.json")], ROLE.holder);
    expectExit(unpublished, 2);
    expect(errorLine(unpublished)).to.match(/not registered.*CS-STACK-PATHWAY-NOT-REGISTERED/);

    await writeFile(file("junk.json"), JSON.stringify({ format: "credstack-stack-claim/1", chainId: "x" }));
    const junk = await cli(["stack", "claim", "--relay", file("junk.json")], ROLE.admin);
    expectExit(junk, 2);
    expect(errorLine(junk)).to.match(/is not a signed claim/);
  });
});
