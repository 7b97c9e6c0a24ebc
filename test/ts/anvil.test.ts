import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { readManifest } from "../../src/batch/files.js";
import { getBatch, getCredentialStatus } from "../../src/chain/actions/index.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { type DeploymentRecord } from "../../src/chain/deployments.js";
import type { VerificationReport } from "../../src/verify/index.js";
import { startAnvil, type AnvilNode } from "./helpers/anvil.js";
import { expectExit, json, runCli, type RunCliOptions } from "./helpers/cli.js";
import { COURSE_FILE, LEARNERS_FILE, course, devKey } from "./helpers/fixtures.js";

/**
 * The same registry and CLI on a second EVM client: Foundry's anvil (the `@foundry-rs/anvil`
 * devDependency) instead of Hardhat's EDR. The registry is deployed through the Ignition module
 * (anvil unlocks the same development accounts as `hardhat node`), then the issuer's whole story
 * runs through the `credstack` CLI as a subprocess, against the deployment recorded in CREDSTACK_HOME
 * (HOME and XDG_CONFIG_HOME point at an empty directory: helpers/cli.ts).
 */

const KEYS = { accreditor: devKey(0), issuer: devKey(1), operator: devKey(2) };
const addressOf = (key: Hex): Address => privateKeyToAccount(key).address;

describe("registry and CLI on Foundry's anvil", function () {
  this.timeout(180_000);
  let anvil: AnvilNode;
  let home: string;
  let work: string;
  let deployment: DeploymentRecord;
  const cli = (args: string[], options?: RunCliOptions) => runCli(home, args, options);

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-anvil-home-"));
    work = await mkdtemp(path.join(os.tmpdir(), "credstack-anvil-work-"));
    anvil = await startAnvil();
    deployment = await deployRegistry(anvil.url, { file: path.join(home, "deployment.json") });
  });

  after(async () => {
    await anvil?.stop();
    if (home) await rm(home, { recursive: true, force: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("runs anvil, not Hardhat, and the Ignition module deployed the registry to it", async () => {
    const publicClient = createPublicClient({ transport: http(anvil.url) });
    const client = await publicClient.request({ method: "web3_clientVersion" });
    expect(client).to.match(/^anvil\//);
    expect(deployment).to.deep.include({ chainId: 31337, rpcUrl: anvil.url });
    expect((await publicClient.getCode({ address: deployment.registry }))?.length ?? 0).to.be.greaterThan(2);
    expect(JSON.parse(await readFile(path.join(home, "deployment.json"), "utf8"))).to.deep.equal(deployment);
  });

  // The issuer's story in one place (accredit → operator consent → operator add → build → anchor → extract →
  // verify → revoke (pending, then final) → verify), written against today's CLI: adapt it here when the commands change.
  it("accredit → operator consent and add → build → anchor → revoke → verify through the CLI", async () => {
    const publicClient = createPublicClient({ transport: http(anvil.url) });
    const registry = deployment.registry;
    const issuer = addressOf(KEYS.issuer);
    const operator = addressOf(KEYS.operator);
    const { name, country } = course().awardingBody;

    const accredit = await cli(["issuer", "accredit", "--issuer", issuer, "--name", name, "--country", country, "--max-eqf", "7", "--json"], { key: KEYS.accreditor });
    expectExit(accredit, 0);
    const accredited = json<{ issuer: Address; txHash: Hex }>(accredit);
    expect(accredited.issuer).to.equal(issuer);
    expect((await publicClient.getTransactionReceipt({ hash: accredited.txHash })).status).to.equal("success");

    // The operator key consents (EIP-712, nothing sent), then the issuer adds it with that consent.
    const consentFile = path.join(work, "consent.json");
    const consent = await cli(["issuer", "operator", "consent", "--issuer", issuer, "--out", consentFile, "--json"], { key: KEYS.operator });
    expectExit(consent, 0);
    expect(json(consent)).to.deep.include({ key: operator, issuer, registry, chainId: 31337 });
    expect(await publicClient.getTransactionCount({ address: operator })).to.equal(0);
    const operatorAdd = await cli(["issuer", "operator", "add", operator, "--consent", consentFile, "--json"], { key: KEYS.issuer });
    expectExit(operatorAdd, 0);
    expect(json(operatorAdd)).to.deep.include({ action: "add", key: operator, issuer });
    const status = await cli(["issuer", "status", issuer, "--json"]);
    expectExit(status, 0);
    expect(json(status)).to.deep.include({ issuer, accredited: true, operators: [operator] });

    const dir = path.join(work, "scs");
    const build = await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", dir, "--json"]);
    expectExit(build, 0);
    expect(json(build)).to.deep.include({ issuer, chainId: 31337, registry });

    const anchor = await cli(["batch", "anchor", dir, "--json"], { key: KEYS.operator });
    expectExit(anchor, 0);
    const anchored = json<{ outcome: string; root: Hex; anchor: { txHash: Hex; blockNumber: number } }>(anchor);
    expect(anchored.outcome).to.equal("anchored");
    const manifest = await readManifest(dir);
    expect(manifest.anchor?.txHash).to.equal(anchored.anchor.txHash);
    expect(await getBatch(publicClient, { registry, issuer, root: manifest.root })).to.deep.include({ issuer, anchoringKey: operator, leafCount: manifest.leafCount, status: "Active" });
    const again = await cli(["batch", "anchor", dir], { key: KEYS.operator });
    expectExit(again, 0);
    expect(again.stdout).to.include("nothing to do");

    const file = path.join(work, "S1003.json");
    expectExit(await cli(["batch", "extract", dir, "--learner", "S1003", "--out", file]), 0);
    const statusCodes = async (expected: number) => {
      const run = await cli(["verify", file, "--json"]);
      expect(run.code, `verify exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).to.equal(expected); // 1 = INVALID, not an error
      const [report] = json<{ reports: VerificationReport[] }>(run).reports;
      return { status: report!.status, codes: report!.checks.map((c) => c.code) };
    };
    const valid = await statusCodes(0);
    expect(valid.status).to.equal("VALID");
    expect(valid.codes).to.include.members(["CS-ANCHOR-VALID", "CS-ACCREDITATION-VALID", "CS-STATUS-VALID"]);

    // Revoked by the operator key: pending (the issuer can still cancel it), and already INVALID.
    const revoke = await cli(["revoke", file, "--reason", "2", "--json"], { key: KEYS.operator });
    expectExit(revoke, 0);
    const [revocation] = json<{ revocations: { root: Hex; indices: number[]; final: boolean }[] }>(revoke).revocations;
    expect(revocation).to.deep.include({ root: manifest.root, indices: [2], final: false });
    const [afterOperator] = await getCredentialStatus(publicClient, { registry, issuer, root: manifest.root, indices: [2] });
    expect(afterOperator).to.deep.include({ revoked: false, revocationPending: true });
    const pending = await statusCodes(1);
    expect(pending.status).to.equal("INVALID");
    expect(pending.codes).to.include("CS-STATUS-REVOCATION-PENDING");

    // Revoked by the issuer's own key: final.
    const final = await cli(["revoke", file, "--reason", "2", "--json"], { key: KEYS.issuer });
    expectExit(final, 0);
    expect(json<{ revocations: { final: boolean }[] }>(final).revocations[0]).to.deep.include({ final: true });
    const [status2] = await getCredentialStatus(publicClient, { registry, issuer, root: manifest.root, indices: [2] });
    expect(status2).to.deep.include({ revoked: true, revocationPending: false });

    const revoked = await statusCodes(1);
    expect(revoked.status).to.equal("INVALID");
    expect(revoked.codes).to.include("CS-STATUS-REVOKED");
  });
});
