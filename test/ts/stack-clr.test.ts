import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import { extractCredential } from "../../src/batch/files.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import {
  accreditIssuer, addOperator, anchorBatch, revokeCredentials, signOperatorConsent, type RegistryReadClient, type RegistryWalletClient,
} from "../../src/chain/actions/index.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { validateClrCredential } from "../../src/credential/clr-schema.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { expandSafe } from "../../src/credential/jsonld.js";
import { parseAchievement, type Achievement, type Learner } from "../../src/credential/schema.js";
import { ECTS } from "../../src/credential/v3/vocabulary.js";
import { buildClrBatch, clrBatchOfDocuments, writeClrBatchDirectory } from "../../src/stack/clr/batch.js";
import { buildStackedCredential, StackedCredentialError } from "../../src/stack/clr/build.js";
import { clrFacts, parseClrDocument } from "../../src/stack/clr/facts.js";
import { evaluatePathway } from "../../src/stack/evaluate.js";
import { parsePathway } from "../../src/stack/pathway.js";
import { verifyCredentials } from "../../src/verify/verify-credentials.js";
import type { VerificationReport } from "../../src/verify/report.js";
import { devAccount, devKey } from "./helpers/fixtures.js";
import { expectExit, json, runCli } from "./helpers/cli.js";

/**
 * The stacked credential (#12): two institutions' micro-credentials meet a pathway; the awarding
 * institution issues a CLR 2.0 ClrCredential embedding them, batches and anchors it like any other
 * credential, and a verifier checks it and every component on a real `hardhat node`.
 */

const ROLE = { admin: 0, uva: 1, uvaOp: 2, ub: 3, ubOp: 4, holder: 5, other: 6 } as const;
const addr = (role: number): Address => devAccount(role).address;
const SCS_ID = "https://credentials.univ-amsterdam.example/achievements/smart-contract-security";
const DPBD_ID = "https://credentials.ub-barcelona.example/achievements/data-protection-by-design";
const UVA = { name: "Universiteit van Amsterdam (synthetic)", country: "NL" };
const UB = { name: "Universitat de Barcelona (synthetic)", country: "ES-CT" };

function seedCourse(name: string, issuer: Address): Achievement {
  const raw = JSON.parse(readFileSync(`seeds/courses/${name}.json`, "utf8"));
  return parseAchievement({ ...raw, awardingBody: { ...raw.awardingBody, address: issuer } });
}
const learner = (id: string, wallet: Address, grade: string, date: string): Learner => ({ id, name: `Learner ${id}`, wallet, grade, date });

const PATHWAY = {
  format: "credstack-pathway/1",
  type: "Pathway",
  id: "https://uva.example/pathways/responsible-blockchain-engineering",
  version: "1.0.0",
  name: "Certificate in Responsible Blockchain Engineering",
  awardingBody: { id: "did:web:uva.example", name: UVA.name, url: "https://univ-amsterdam.example" },
  destination: { achievementId: "https://uva.example/achievements/rbe-certificate", name: "Responsible Blockchain Engineering", eqfLevel: 6 },
  creditUnit: ECTS.uri,
  components: [
    { id: "sec", type: "CredentialComponent", name: "Smart Contract Security", proxyFor: SCS_ID, awardedBy: [addr(ROLE.uva)] },
    { id: "gdpr", type: "CredentialComponent", name: "Data Protection by Design", proxyFor: DPBD_ID, awardedBy: [addr(ROLE.ub)] },
  ],
  condition: { requiredNumber: 2, targetComponent: ["sec", "gdpr"] },
  rules: { totalCredits: { min: 9 }, issuers: { minDistinct: 2 } },
};

describe("stacking: the stacked credential, a CLR 2.0 ClrCredential anchored and verified with its components (#12)", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let tmp: string;
  let client: RegistryReadClient;
  let registry: Address;
  let chainId: number;
  let wallet: (role: number) => RegistryWalletClient;
  let scs: Batch;
  let dpbd: Batch;
  const AT = new Date("2026-12-01T00:00:00Z");
  const pathway = parsePathway(PATHWAY);
  const vc = (b: Batch, i: number) => JSON.stringify(toVerifiableCredential(b.credentials[i] as CredentialRecordV3));
  const issuer = { account: addr(ROLE.uva), ...UVA };
  const verify = (input: unknown, options: { client?: RegistryReadClient; offline?: boolean } = {}) =>
    verifyCredentials([input], { client: options.client ?? client, registry, at: AT, offline: options.offline }).then((r) => r[0]!);
  const trust = () => ["--rpc", node.url, "--trust", `eip155:${chainId}:${registry}`];

  /** Evaluates, builds, batches, writes and anchors (UvA's operator key) the stacked credential of two files; returns the holder's VC. */
  async function issueStacked(files: string[], name: string): Promise<Record<string, unknown>> {
    const evaluation = await evaluatePathway(pathway, files, { client, registry, at: AT, holder: addr(ROLE.holder) });
    expect(evaluation.met, JSON.stringify(evaluation.rules)).to.equal(true);
    const clr = buildStackedCredential({ pathway, evaluation, credentials: files, issuer, validFrom: new Date("2026-11-01T00:00:00Z") });
    const dir = path.join(tmp, name);
    await writeClrBatchDirectory(buildClrBatch({ credentials: [clr], issuer: issuer.account, target: { chainId, registry } }), dir);
    await anchorBatchDirectory(wallet(ROLE.uvaOp), client, dir);
    return toVerifiableCredential((await extractCredential(dir, { holder: addr(ROLE.holder) })) as CredentialRecordV3) as Record<string, unknown>;
  }

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "credstack-clr-"));
    node = await startLocalNode();
    const deployment = await deployRegistry(node.url, { file: path.join(tmp, "deployment.json") });
    registry = deployment.registry;
    chainId = deployment.chainId;
    const chain = { ...hardhat, id: chainId, rpcUrls: { default: { http: [node.url] } } };
    client = createPublicClient({ chain, transport: http(node.url, { batch: true }) }) as RegistryReadClient;
    wallet = (role) => createWalletClient({ account: devAccount(role), chain, transport: http(node.url) }) as RegistryWalletClient;
    const now = Math.floor(Date.now() / 1000);
    for (const [who, op, profile] of [[ROLE.uva, ROLE.uvaOp, UVA], [ROLE.ub, ROLE.ubOp, UB]] as const) {
      await accreditIssuer(wallet(ROLE.admin), { registry, issuer: addr(who), profileDigest: issuerProfileDigest(profile), maxEqfLevel: 7, validFrom: now - 365 * 86_400, validUntil: now + 5 * 365 * 86_400 });
      const consent = await signOperatorConsent(devAccount(op), { registry, chainId, issuer: addr(who), deadline: now + 86_400 });
      await addOperator(wallet(who), { registry, consent });
    }
    const target = { chainId, registry };
    scs = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [
      learner("S1", addr(ROLE.holder), "8.5", "2026-06-30"),
      learner("S2", addr(ROLE.other), "7", "2026-06-30"),
      learner("S3", addr(ROLE.holder), "6", "2026-07-01"),
    ], target);
    dpbd = buildBatch(seedCourse("data-protection-by-design", addr(ROLE.ub)), [
      learner("B1", addr(ROLE.holder), "Notable", "2026-07-10"),
      learner("B2", addr(ROLE.holder), "Aprovat", "2026-07-11"),
    ], target);
    for (const [batch, op] of [[scs, ROLE.uvaOp], [dpbd, ROLE.ubOp]] as const) {
      await anchorBatch(wallet(op), { registry, root: batch.manifest.root, leafCount: batch.manifest.leafCount, manifestDigest: manifestDigest(batch.manifest) });
    }
  });

  after(async () => {
    await node?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("two institutions' components meet the pathway: the CLR passes the CLR 2.0 schema, expands in JSON-LD safe mode, and verifies VALID with each component", async () => {
    const files = [vc(scs, 0), vc(dpbd, 0)];
    const evaluation = await evaluatePathway(pathway, files, { client, registry, at: AT, holder: addr(ROLE.holder) });
    const clr = buildStackedCredential({ pathway, evaluation, credentials: files, issuer });
    expect(validateClrCredential(clr)).to.deep.equal([]);
    const expanded = await expandSafe(clr);
    expect(expanded.ok, JSON.stringify(!expanded.ok && expanded.problems)).to.equal(true);
    // The schema and safe mode do refuse what they should (the tests can fail).
    expect(validateClrCredential({ ...clr, type: ["VerifiableCredential"] })).to.not.deep.equal([]);
    const subject = clr.credentialSubject as { association: Record<string, unknown>[]; achievement: { id: string; creditsAvailable: number }[] };
    expect(validateClrCredential({ ...clr, credentialSubject: { ...subject, association: [{ ...subject.association[0], sequenceNumber: 1 }] } })).to.not.deep.equal([]);
    expect((await expandSafe({ ...clr, favouriteColour: "blue" })).ok).to.equal(false);
    expect(subject.achievement.map((a) => a.id)).to.deep.equal([PATHWAY.destination.achievementId, SCS_ID, DPBD_ID]);
    expect(subject.achievement[0]!.creditsAvailable).to.equal(evaluation.components.reduce((s, c) => s + (c.credits ?? 0), 0));
    expect(subject.association.map((a) => `${a.sourceId} ${a.associationType} ${a.targetId}`)).to.deep.equal([
      `${SCS_ID} isChildOf ${PATHWAY.destination.achievementId}`, `${DPBD_ID} isChildOf ${PATHWAY.destination.achievementId}`,
    ]);

    const issued = await issueStacked(files, "clr-valid");
    expect((issued.proof as { cryptosuite: string }[])[0]!.cryptosuite).to.equal("credstack-merkle-2026");
    expect(validateClrCredential(issued)).to.deep.equal([]);
    const report = await verify(JSON.stringify(issued));
    expect(report.status, JSON.stringify(report.checks.concat(report.components as never))).to.equal("VALID");
    expect(report.checks.map((c) => c.code)).to.deep.equal([
      "CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-VALID", "CS-ANCHOR-VALID", "CS-ACCREDITATION-VALID", "CS-STATUS-VALID", "CS-VALIDITY-VALID",
    ]);
    expect(report.components!.code).to.equal("CS-STACK-CLR-VALID");
    expect(report.components!.results.map((r) => [r.achievement, r.report!.status, r.report!.credential!.issuer.address])).to.deep.equal([
      [SCS_ID, "VALID", addr(ROLE.uva)], [DPBD_ID, "VALID", addr(ROLE.ub)],
    ]);
    expect(report.credential!.issuer.address).to.equal(addr(ROLE.uva));
    // The SDK takes the parsed object too, and offline checks the components offline.
    expect((await verify(issued)).status).to.equal("VALID");
    const offline = await verify(issued, { offline: true });
    expect([offline.status, offline.offline, offline.components!.results.every((r) => r.report!.offline)]).to.deep.equal(["VALID", true, true]);
  });

  it("credstack stack issue builds the batch, batch anchor anchors it, batch extract gives the holder's file, credstack verify says VALID", async () => {
    const files = [path.join(tmp, "scs-0.json"), path.join(tmp, "dpbd-0.json"), path.join(tmp, "pathway.json")];
    await writeFile(files[0]!, vc(scs, 0));
    await writeFile(files[1]!, vc(dpbd, 0));
    await writeFile(files[2]!, JSON.stringify(PATHWAY));
    const dir = path.join(tmp, "cli-clr");
    const issued = await runCli(tmp, ["stack", "issue", "--pathway", files[2]!, "--out", dir, "--issuer", addr(ROLE.uva), "--at", AT.toISOString(), files[0]!, files[1]!, ...trust()]);
    expectExit(issued, 0);
    expectExit(await runCli(tmp, ["batch", "anchor", dir, "--rpc", node.url], { key: devKey(ROLE.uvaOp) }), 0);
    const out = path.join(tmp, "cli-clr-S1.json");
    expectExit(await runCli(tmp, ["batch", "extract", dir, "--learner", "S1", "--out", out]), 0);
    const clr = JSON.parse(await readFile(out, "utf8"));
    expect(clr.type).to.deep.equal(["VerifiableCredential", "ClrCredential"]);
    expect(clr.issuer.address.addressCountryCode).to.equal("NL");
    const checked = await runCli(tmp, ["verify", out, "--at", AT.toISOString(), ...trust()]);
    expectExit(checked, 0);
    expect(checked.stdout).to.match(/Components\s+All 2 components are valid/);
    const asJson = json<{ reports: VerificationReport[] }>(await runCli(tmp, ["verify", "--json", out, "--at", AT.toISOString(), ...trust()]));
    expect(asJson.reports[0]!.components!.results.map((r) => r.code)).to.deep.equal(["CS-STACK-CLR-VALID", "CS-STACK-CLR-VALID"]);
  });

  it("an unmet evaluation: stack issue exits 1 and writes nothing; buildStackedCredential refuses it", async () => {
    const files = [path.join(tmp, "only-scs.json"), path.join(tmp, "pathway-unmet.json")];
    await writeFile(files[0]!, vc(scs, 0));
    await writeFile(files[1]!, JSON.stringify(PATHWAY));
    const dir = path.join(tmp, "unmet");
    const run = await runCli(tmp, ["stack", "issue", "--pathway", files[1]!, "--out", dir, "--issuer", addr(ROLE.uva), "--at", AT.toISOString(), files[0]!, ...trust()]);
    expect(run.code, run.stderr).to.equal(1); // a verdict, not an error
    expect(run.stdout).to.match(/✘ condition .*\[CS-STACK-REQUIRED-MISSING\]/).and.to.match(/→ NOT MET: no stacked credential issued/);
    expect(existsSync(dir)).to.equal(false);
    const evaluation = await evaluatePathway(pathway, [vc(scs, 0)], { client, registry, at: AT });
    expect(() => buildStackedCredential({ pathway, evaluation, credentials: [vc(scs, 0)], issuer })).to.throw(StackedCredentialError, /not met/);
  });

  it("a component tampered with inside the CLR: INVALID, the component named with its code", async () => {
    const issued = await issueStacked([vc(scs, 0), vc(dpbd, 0)], "clr-tamper");
    const tampered = structuredClone(issued) as { credentialSubject: { verifiableCredential: { credentialSubject: { creditsEarned: number } }[] } };
    tampered.credentialSubject.verifiableCredential[1]!.credentialSubject.creditsEarned = 60;
    const report = await verify(JSON.stringify(tampered));
    expect(report.status).to.equal("INVALID");
    expect(report.components!.code).to.equal("CS-STACK-CLR-COMPONENT-INVALID");
    expect(report.components!.message).to.include(`Component 2`).and.include(DPBD_ID).and.include("CS-INTEGRITY-");
    expect(report.components!.results[0]!.code).to.equal("CS-STACK-CLR-VALID");
    // The CLR's own digest covers the embedded credential (one atomic field): its leaf no longer matches either.
    expect(report.checks.find((c) => c.id === "integrity")!.code).to.equal("CS-INTEGRITY-LEAF-MISMATCH");
  });

  it("a component revoked after issuance: the CLR's own checks pass, the component makes it INVALID", async () => {
    const issued = await issueStacked([vc(scs, 2), vc(dpbd, 1)], "clr-revoked");
    expect((await verify(issued)).status).to.equal("VALID");
    await revokeCredentials(wallet(ROLE.uva), { registry, root: scs.manifest.root, indices: [2], reason: 1 });
    const report = await verify(issued);
    expect(report.status).to.equal("INVALID");
    expect(report.checks.every((c) => c.status === "VALID")).to.equal(true);
    expect(report.components!.code).to.equal("CS-STACK-CLR-COMPONENT-INVALID");
    expect(report.components!.message).to.include("Component 1").and.include(SCS_ID).and.include("CS-STATUS-REVOKED");
    const cli = await runCli(tmp, ["verify", await writeJson("revoked.json", issued), "--at", AT.toISOString(), ...trust()]);
    expect(cli.code, cli.stderr).to.equal(1);
    expect(cli.stdout).to.include("CS-STACK-CLR-COMPONENT-INVALID").and.include("CS-STATUS-REVOKED");
  });

  it("a component of another holder: refused at build, at batching, and INVALID when an issuer anchors it anyway", async () => {
    const files = [vc(scs, 0), vc(dpbd, 0)];
    const evaluation = await evaluatePathway(pathway, files, { client, registry, at: AT, holder: addr(ROLE.holder) });
    const swapped = [vc(scs, 1), files[1]!]; // S2 belongs to another learner
    expect(() => buildStackedCredential({ pathway, evaluation, credentials: swapped, issuer })).to.throw(StackedCredentialError, /bound to/);
    try {
      buildStackedCredential({ pathway, evaluation, credentials: swapped, issuer });
    } catch (error) {
      expect((error as StackedCredentialError).code).to.equal("CS-STACK-WRONG-HOLDER");
    }
    const clr = buildStackedCredential({ pathway, evaluation, credentials: files, issuer });
    const subject = clr.credentialSubject as { verifiableCredential: unknown[] };
    subject.verifiableCredential[0] = JSON.parse(vc(scs, 1));
    expect(() => buildClrBatch({ credentials: [clr], issuer: issuer.account, target: { chainId, registry } })).to.throw(/not the holder/);
    // A careless issuer hashes and anchors it without the checks: the verifier refuses it.
    const parsed = parseClrDocument(clr);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.issues));
    const batch = clrBatchOfDocuments([clr], issuer.account, { chainId, registry }, [clrFacts(parsed.data)]);
    await anchorBatch(wallet(ROLE.uvaOp), { registry, root: batch.manifest.root, leafCount: 1, manifestDigest: manifestDigest(batch.manifest) });
    const report = await verify(toVerifiableCredential(batch.credentials[0] as CredentialRecordV3));
    expect(report.checks.every((c) => c.status === "VALID")).to.equal(true);
    expect(report.status).to.equal("INVALID");
    expect(report.components!.code).to.equal("CS-STACK-CLR-COMPONENT-WRONG-HOLDER");
    expect(report.components!.message).to.include("Component 1").and.include(addr(ROLE.other));
  });

  it("associations must reference achievements the CLR lists; an unreachable node is ERROR, never INVALID", async () => {
    const issued = await issueStacked([vc(scs, 0), vc(dpbd, 0)], "clr-outage");
    const dangling = structuredClone(issued) as { credentialSubject: { association: { targetId: string }[] } };
    dangling.credentialSubject.association[0]!.targetId = "https://uva.example/achievements/unknown";
    const bad = await verify(dangling);
    expect([bad.status, bad.checks[0]!.code]).to.deep.equal(["INVALID", "CS-FORMAT-CLR-PROFILE"]);
    expect(bad.checks[0]!.message).to.include("association.0.targetId");
    const down = createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0, timeout: 2_000 }) }) as RegistryReadClient;
    const report = await verify(issued, { client: down });
    expect(report.status).to.equal("ERROR");
    expect(report.components!.code).to.equal("CS-STACK-CLR-COMPONENT-UNCHECKED");
  });

  async function writeJson(name: string, value: unknown): Promise<string> {
    const file = path.join(tmp, name);
    await writeFile(file, JSON.stringify(value, null, 2));
    return file;
  }
});
