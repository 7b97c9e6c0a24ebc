import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getBlock } from "viem/actions";
import { hardhat } from "viem/chains";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { extractCredential } from "../../src/batch/files.js";
import { CREDENTIAL_FORMAT_V3, type CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { accreditIssuer, addOperator, revokeCredentials, signOperatorConsent, type RegistryWalletClient } from "../../src/chain/actions/index.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { freePort, startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import type { VerificationReport } from "../../src/verify/index.js";
import { runCli, type Run } from "./helpers/cli.js";
import { LEARNERS_FILE, course, devKey } from "./helpers/fixtures.js";

/**
 * `credstack verify` as a subprocess against a real `hardhat node`: checklist output, --json,
 * --offline, --at, and the exit codes (0 all valid, 1 any invalid, 2 any error). CREDSTACK_HOME is
 * set per run; HOME and XDG_CONFIG_HOME point at an empty directory and CREDSTACK_TRUST* are unset
 * (helpers/cli.ts), so only what a test passes configures trust.
 */

const verify = (home: string, args: string[]): Promise<Run> => runCli(home, ["verify", ...args]);

const exitOf = (run: Run, code: number) => expect(run.code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).to.equal(code);

describe("credstack verify (subprocess) against a real hardhat node", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let home: string;
  let work: string;
  let registry: Address;
  let valid: string;
  let revoked: string;
  let pending: string;
  let operatorAddress: Address;
  let tampered: string;
  let validText: string;
  /** A v2 credential file (format pinned to 2) of an anchored batch, and a tampered copy. */
  let validV2: string;
  let tamperedV2: string;
  let common: string[];

  before(async () => {
    node = await startLocalNode();
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-verify-cli-"));
    work = path.join(home, "work");
    const deployment = await deployRegistry(node.url, { file: path.join(home, "deployment.json") });
    registry = deployment.registry;
    const chain = { ...hardhat, id: deployment.chainId };
    const wallet = (i: number) => createWalletClient({ account: privateKeyToAccount(devKey(i)), chain, transport: http(node.url) }) as RegistryWalletClient;
    const publicClient = createPublicClient({ chain, transport: http(node.url) });
    const now = Number((await getBlock(publicClient)).timestamp);
    const issuer = wallet(1); // the seed course's awarding body
    const operator = wallet(2);
    await accreditIssuer(wallet(0), { registry, issuer: issuer.account.address, profileDigest: issuerProfileDigest({ name: course().awardingBody.name, country: course().awardingBody.country }), maxEqfLevel: 8, validFrom: now - 60, validUntil: now + 365 * 86_400 });
    operatorAddress = operator.account.address;
    const consent = await signOperatorConsent(operator, { registry, chainId: deployment.chainId, issuer: issuer.account.address, deadline: now + 3600 });
    await addOperator(issuer, { registry, consent });
    const dir = path.join(work, "batch");
    await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out: dir, target: { chainId: deployment.chainId, registry } });
    const { anchor } = await anchorBatchDirectory(operator, publicClient, dir);
    expect(anchor.blockNumber).to.be.greaterThan(0);
    const write = async (name: string, value: unknown) => {
      const file = path.join(work, name);
      await writeFile(file, JSON.stringify(value, null, 2));
      return file;
    };
    // Format v3: what a learner holds is the bare VC (as `credstack batch extract` writes it).
    const vcOf = async (index: number) => {
      const record = await extractCredential(dir, { index });
      expect(record.format).to.equal(CREDENTIAL_FORMAT_V3);
      return { record, vc: toVerifiableCredential(record as CredentialRecordV3) };
    };
    const first = await vcOf(0);
    valid = await write("valid.json", first.vc);
    validText = await readFile(valid, "utf8");
    const second = await vcOf(1);
    revoked = await write("revoked.json", second.vc);
    // Revoked by the issuer's own key: final. Revoked by an operator key: pending for the issuer's delay.
    await revokeCredentials(issuer, { registry, root: second.record.proof.root, indices: [1], reason: 2 });
    pending = await write("pending.json", (await vcOf(2)).vc);
    await revokeCredentials(operator, { registry, root: second.record.proof.root, indices: [2], reason: 4 });
    tampered = await write("tampered.json", { ...structuredClone(first.vc), name: "Smart Contract Security (with honours)" });
    // A batch pinned to format 2: v2 credential files keep verifying.
    const dirV2 = path.join(work, "batch-v2");
    await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out: dirV2, target: { chainId: deployment.chainId, registry }, format: 2 });
    await anchorBatchDirectory(operator, publicClient, dirV2);
    const fileV2 = await extractCredential(dirV2, { index: 0 });
    expect(fileV2.format).to.equal("credstack-credential-v2");
    validV2 = await write("valid-v2.json", fileV2);
    const alteredV2 = structuredClone(fileV2);
    (alteredV2.credential as { name: string }).name = "Smart Contract Security (with honours)";
    tamperedV2 = await write("tampered-v2.json", alteredV2);
    common = ["--rpc", node.url, "--registry", registry];
  });

  after(async () => {
    await node?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("prints a checklist and exits 0 for a valid credential", async () => {
    const run = await verify(home, [valid, ...common]);
    exitOf(run, 0);
    expect(run.stdout).to.match(/✔ Anchored on chain\s+Anchored by Universiteit van Amsterdam/);
    expect(run.stdout.match(/✔/g)).to.have.length(7);
    expect(run.stdout).to.match(/→ VALID/);
    expect(run.stdout).to.contain("1 credential: 1 valid, 0 invalid, 0 could not be checked");
  });

  it("exits 1 when any credential is invalid, naming the reason and code of each", async () => {
    const run = await verify(home, [valid, revoked, tampered, ...common]);
    exitOf(run, 1);
    expect(run.stdout).to.match(/✘ Not revoked or suspended\s+Credential 1 of the batch was revoked by its issuer \(final\)\. \[CS-STATUS-REVOKED\]/);
    // A tampered v3 VC: its document and the proof's salts give another digest, so another leaf
    // than the proof's (a v2 file carries its digest: CS-INTEGRITY-DIGEST-MISMATCH, below).
    expect(run.stdout).to.match(/✘ Integrity .*\[CS-INTEGRITY-LEAF-MISMATCH\]/);
    expect(run.stdout).to.contain("3 credentials: 1 valid, 2 invalid, 0 could not be checked");
  });

  it("a v2 credential file keeps verifying: exit 0; tampered, exit 1 with CS-INTEGRITY-DIGEST-MISMATCH", async () => {
    const run = await verify(home, [validV2, tamperedV2, ...common]);
    exitOf(run, 1);
    expect(run.stdout.match(/✔/g)).to.have.length(7 + 2); // all seven for the genuine file; format and inclusion (its leaf is untouched) for the tampered one
    expect(run.stdout).to.match(/✘ Integrity .*\[CS-INTEGRITY-DIGEST-MISMATCH\]/);
    expect(run.stdout).to.contain("2 credentials: 1 valid, 1 invalid, 0 could not be checked");
    exitOf(await verify(home, [validV2, ...common]), 0);
  });

  it("a revocation by an operator key is pending, not final: INVALID with CS-STATUS-REVOCATION-PENDING, naming the key", async () => {
    const run = await verify(home, [pending, ...common, "--json"]);
    exitOf(run, 1);
    const [report] = (JSON.parse(run.stdout) as { reports: VerificationReport[] }).reports;
    expect(report!.status).to.equal("INVALID");
    const status = report!.checks.find((c) => c.id === "status")!;
    expect(status).to.include({ status: "INVALID", code: "CS-STATUS-REVOCATION-PENDING" });
    expect(status.message).to.include(`revoked by operator key ${operatorAddress}`).and.include("unless the issuer cancels it");
    expect(status.details).to.deep.include({ by: operatorAddress, byIssuerAccount: false, final: false });
  });

  it("defaults to the local deployment's RPC URL and registry (CREDSTACK_HOME), and says whom it trusted", async () => {
    const run = await verify(home, [valid]);
    exitOf(run, 0);
    expect(run.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry}, from the local development deployment (${path.join(home, "deployment.json")}).`);
    const local = await verify(home, [valid, "--json"]);
    expect(JSON.parse(local.stdout).trusted).to.deep.equal([{ chainId: 31337, registry, source: `the local development deployment (${path.join(home, "deployment.json")})` }]);
    const explicit = await verify(home, [valid, ...common, "--json"]);
    expect(JSON.parse(explicit.stdout).trusted).to.deep.equal([{ registry, source: "--registry" }]);
  });

  it("never takes its trust anchor from a deployment record that points away from this machine", async () => {
    const elsewhere = path.join(home, "elsewhere");
    await mkdir(elsewhere, { recursive: true });
    await writeFile(path.join(elsewhere, "deployment.json"), JSON.stringify({ chainId: 1, rpcUrl: "https://rpc.example.org", registry, deployedAtBlock: 1, deployedAt: new Date().toISOString() }));
    const run = await verify(elsewhere, [valid]);
    exitOf(run, 2);
    expect(run.stderr).to.match(/^error: No trusted registry: say which registry you trust\./m);
    expect(run.stderr).to.include("The deployment record there points at https://rpc.example.org, not at this machine, so it is not trusted.");
    // A corrupt record is not read at all when --rpc and --registry are both given.
    await writeFile(path.join(elsewhere, "deployment.json"), "{ corrupt");
    exitOf(await verify(elsewhere, [valid, ...common]), 0);
  });

  it("prints what a tampered file claims as unverified", async () => {
    const run = await verify(home, [tampered, ...common]);
    exitOf(run, 1);
    expect(run.stdout).to.contain(`${tampered}: claims "Smart Contract Security (with honours)" by "`);
    expect(run.stdout).to.contain("(unverified: the file fails its checks)");
  });

  it("--json prints one document with a summary and every check's code", async () => {
    const run = await verify(home, [valid, revoked, ...common, "--json"]);
    exitOf(run, 1);
    const out = JSON.parse(run.stdout) as { summary: Record<string, number>; reports: VerificationReport[] };
    expect(out.summary).to.include({ total: 2, valid: 1, invalid: 1, error: 0 });
    expect(out.reports.map((r) => r.source)).to.deep.equal([valid, revoked]);
    expect(out.reports[1]!.checks.find((c) => c.id === "status")).to.include({ status: "INVALID", code: "CS-STATUS-REVOKED" });
    expect(out.reports[0]!.checks.map((c) => c.code)).to.deep.equal([
      "CS-FORMAT-VALID",
      "CS-INTEGRITY-VALID",
      "CS-INCLUSION-VALID",
      "CS-ANCHOR-VALID",
      "CS-ACCREDITATION-VALID",
      "CS-STATUS-VALID",
      "CS-VALIDITY-VALID",
    ]);
  });

  it("--at checks the validity window at another time (expired, not yet valid)", async () => {
    const expired = await verify(home, [valid, ...common, "--at", "2040-01-01", "--json"]);
    exitOf(expired, 1);
    const [report] = (JSON.parse(expired.stdout) as { reports: VerificationReport[] }).reports;
    expect(report!.checks.find((c) => c.id === "validity")!.code).to.equal("CS-VALIDITY-EXPIRED");
    const early = await verify(home, [valid, ...common, "--at", "2020-01-01T00:00:00Z", "--json"]);
    exitOf(early, 1);
    const codes = (JSON.parse(early.stdout) as { reports: VerificationReport[] }).reports[0]!.checks.map((c) => c.code);
    expect(codes).to.include("CS-VALIDITY-NOT-YET-VALID");
    expect(codes).to.include("CS-ANCHOR-AFTER-VERIFICATION-TIME");
    const bad = await verify(home, [valid, ...common, "--at", "next tuesday"]);
    exitOf(bad, 2);
    expect(bad.stderr).to.match(/^error: --at must be an ISO 8601 date/m);
    exitOf(await verify(home, [valid, ...common, "--at", String(Date.now())]), 2); // milliseconds, not seconds
    exitOf(await verify(home, [valid, ...common, "--at", String(Math.floor(Date.now() / 1000) + 600)]), 0); // seconds (ahead: the node stamps blocks ahead of the clock)
  });

  it("--offline checks format, integrity, inclusion and validity without any node, and says so", async () => {
    const run = await verify(home, [valid, tampered, "--offline", "--rpc", "http://127.0.0.1:1"]);
    exitOf(run, 1);
    expect(run.stdout).to.match(/– Anchored on chain\s+Not checked on chain \(offline verification\)\./);
    expect(run.stdout).to.contain("VALID offline");
    const alone = await verify(home, [valid, "--offline"]);
    exitOf(alone, 0);
  });

  it("exits 2 with ERROR (not INVALID) when the node is unreachable", async () => {
    const port = await freePort();
    const run = await verify(home, [valid, "--rpc", `http://127.0.0.1:${port}`, "--registry", registry, "--json"]);
    exitOf(run, 2);
    const [report] = (JSON.parse(run.stdout) as { reports: VerificationReport[] }).reports;
    expect(report!.status).to.equal("ERROR");
    expect(report!.checks.filter((c) => c.code === "CS-RPC-UNREACHABLE").map((c) => c.id)).to.deep.equal(["anchored", "accredited", "status"]);
    expect(report!.checks.find((c) => c.id === "integrity")!.status).to.equal("VALID");
  });

  it("exits 2 for unreadable files and usage errors; 1 for a file that is not a credential", async () => {
    const missing = await verify(home, [path.join(work, "missing.json"), ...common]);
    exitOf(missing, 2);
    expect(missing.stdout).to.match(/! Format\s+Cannot read .*missing\.json: no such file\. \[CS-INPUT-UNREADABLE\]/);
    const none = await verify(home, [...common]);
    exitOf(none, 2);
    const garbage = path.join(work, "garbage.json");
    await writeFile(garbage, "{ not json");
    const run = await verify(home, [garbage, ...common]);
    exitOf(run, 1);
    expect(run.stdout).to.match(/✘ Format\s+Not valid JSON: .*\[CS-FORMAT-MALFORMED-JSON\]/);
    // No registry given and no local deployment: a usage error, before anything is read.
    const noRegistry = await verify(work, [valid, "--rpc", node.url]);
    exitOf(noRegistry, 2);
    expect(noRegistry.stderr).to.match(/^error: No trusted registry: say which registry you trust\./m);
    expect(noRegistry.stderr).to.include("--trust eip155:<chainId>:<registry>");
    expect(await readFile(valid, "utf8")).to.equal(validText);
  });
});
