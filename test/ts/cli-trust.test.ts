import { expect } from "chai";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { extractCredential } from "../../src/batch/files.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { parseAchievement } from "../../src/credential/schema.js";
import type { VerificationReport } from "../../src/verify/index.js";
import { accredit, addOperatorWithConsent, badChecksum, devWallet, errorLine, expectExit, json, runCli, type Run, type RunCliOptions } from "./helpers/cli.js";
import { LEARNERS_FILE, course, devKey, rawCourse } from "./helpers/fixtures.js";

/**
 * Where `credstack verify` takes its trust from (issue #10): `--trust` (CAIP-10), CREDSTACK_TRUST, a
 * trust file (CREDSTACK_TRUST_FILE or $XDG_CONFIG_HOME/credstack/trust.json), `--rpc` + `--registry`,
 * the development deployment in CREDSTACK_HOME (default ~/.credstack) — and never the working
 * directory. A second registry on the same node plays the forger's: its own accreditor accredits
 * itself under the genuine institution's name, and anchors a batch of forged credentials there.
 */

const KEYS = { accreditor: devKey(0), issuer: devKey(1), operator: devKey(2), forger: devKey(5), forgerOperator: devKey(6), other: devKey(7) };
const addressOf = (key: Hex): Address => privateKeyToAccount(key).address;

describe("credstack verify: trust from flags, environment and the user's home, never the working directory (#10)", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let tmp: string;
  /** An empty CREDSTACK_HOME: no development deployment to fall back on. */
  let emptyHome: string;
  let registry: Address;
  let forgedRegistry: Address;
  /** The forger's working directory: its own .credstack/deployment.json and the forged credential. */
  let forgeDir: string;
  let genuine: string;
  let forged: string;
  const trust = (r: Address) => `eip155:31337:${r}`;
  const verify = (args: string[], options: RunCliOptions & { home?: string | null } = {}) => runCli(options.home === undefined ? emptyHome : options.home, ["verify", ...args], options);
  const reportOf = (run: Run) => json<{ reports: VerificationReport[] }>(run).reports[0]!;
  const codeOf = (run: Run, id: string) => reportOf(run).checks.find((c) => c.id === id)?.code;
  const exitOf = (run: Run, code: number) => expect(run.code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).to.equal(code);

  before(async () => {
    node = await startLocalNode();
    tmp = await mkdtemp(path.join(os.tmpdir(), "credstack-cli-trust-"));
    emptyHome = path.join(tmp, "empty-home");
    await mkdir(emptyHome);
    const publicClient = createPublicClient({ transport: http(node.url) });
    const { name, country } = course().awardingBody;

    // The genuine registry: the seed course's issuer, accredited by the deployer; a batch anchored by its operator key.
    ({ registry } = await deployRegistry(node.url, { file: path.join(tmp, "genuine-home", "deployment.json") }));
    await accredit(devWallet(node.url, KEYS.accreditor), registry, addressOf(KEYS.issuer), { name, country });
    await addOperatorWithConsent(devWallet(node.url, KEYS.issuer), registry, KEYS.operator);
    const dir = path.join(tmp, "genuine-batch");
    await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out: dir, target: { chainId: 31337, registry } });
    await anchorBatchDirectory(devWallet(node.url, KEYS.operator), publicClient, dir);
    genuine = path.join(tmp, "genuine.json");
    await writeFile(genuine, JSON.stringify(await extractCredential(dir, { index: 0 }), null, 2));

    // The forger's registry on the same node, recorded in the forger's directory as ./.credstack/deployment.json
    // (where the old CLI looked by default): its accreditor accredits itself under the genuine institution's
    // name and country, adds an operator key, and anchors a batch of the same course in its own name.
    forgeDir = path.join(tmp, "forger");
    ({ registry: forgedRegistry } = await deployRegistry(node.url, { file: path.join(forgeDir, ".credstack", "deployment.json"), accreditor: addressOf(KEYS.forger) }));
    const forger = devWallet(node.url, KEYS.forger);
    await accredit(forger, forgedRegistry, forger.account.address, { name, country });
    await addOperatorWithConsent(forger, forgedRegistry, KEYS.forgerOperator);
    const raw = rawCourse();
    (raw.awardingBody as { address: string }).address = forger.account.address;
    const forgedDir = path.join(forgeDir, "batch");
    await buildBatchDirectory({ achievement: parseAchievement(raw), learnersCsv: LEARNERS_FILE, out: forgedDir, target: { chainId: 31337, registry: forgedRegistry } });
    await anchorBatchDirectory(devWallet(node.url, KEYS.forgerOperator), publicClient, forgedDir);
    forged = path.join(forgeDir, "forged.json");
    await writeFile(forged, JSON.stringify(await extractCredential(forgedDir, { index: 0 }), null, 2));
  });

  after(async () => {
    await node?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("the forged credential is internally sound: VALID for a verifier that chooses to trust the forger's registry", async () => {
    // What makes the next test matter: trusting the wrong registry is all it takes.
    const run = await verify([forged, "--trust", trust(forgedRegistry), "--rpc", node.url, "--json"]);
    exitOf(run, 0);
    expect(reportOf(run).status).to.equal("VALID");
  });

  it("trust never comes from the working directory: a folder's own .credstack/deployment.json is ignored", async () => {
    // CREDSTACK_HOME unset (the default, ~/.credstack, is under the empty HOME), cwd = the forger's directory.
    const run = await verify([forged], { home: null, cwd: forgeDir });
    expectExit(run, 2);
    expect(errorLine(run)).to.equal("No trusted registry: say which registry you trust.");
    expect(run.stdout).not.to.match(/VALID/);
    // The same with --json: a usage error, no report.
    const asJson = await verify([forged, "--json"], { home: null, cwd: forgeDir });
    exitOf(asJson, 2);
    expect(json<{ error: Record<string, unknown> }>(asJson).error).to.deep.include({ name: "UsageError", exitCode: 2 });

    // With the genuine registry trusted, the forged credential is INVALID: it names another registry.
    const trusted = await verify([forged, "--trust", trust(registry), "--rpc", node.url, "--json"], { home: null, cwd: forgeDir });
    exitOf(trusted, 1);
    expect(reportOf(trusted).status).to.equal("INVALID");
    expect(codeOf(trusted, "anchored")).to.equal("CS-ANCHOR-WRONG-REGISTRY");
    expect(json<{ trusted: unknown[] }>(trusted).trusted).to.deep.equal([{ chainId: 31337, registry, source: "--trust" }]);
  });

  it("the development deployment is read from CREDSTACK_HOME, else ~/.credstack (the user's home), when it is on this machine", async () => {
    const home = path.join(tmp, "user-home");
    await mkdir(path.join(home, ".credstack"), { recursive: true });
    await writeFile(path.join(home, ".credstack", "deployment.json"), JSON.stringify({ chainId: 31337, rpcUrl: node.url, registry, deployedAtBlock: 1, deployedAt: new Date().toISOString() }));
    const run = await verify([genuine], { home: null, cwd: forgeDir, env: { HOME: home } });
    exitOf(run, 0);
    expect(run.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry}, from the local development deployment (${path.join(home, ".credstack", "deployment.json")}).`);
    const forgedThere = await verify([forged, "--json"], { home: null, cwd: forgeDir, env: { HOME: home } });
    exitOf(forgedThere, 1);
    expect(codeOf(forgedThere, "anchored")).to.equal("CS-ANCHOR-WRONG-REGISTRY");
  });

  it("--trust eip155:<chain>:<registry> with --rpc: VALID for a genuine credential; the header names the CAIP-10 id and its source", async () => {
    const run = await verify([genuine, "--trust", trust(registry), "--rpc", node.url]);
    exitOf(run, 0);
    expect(run.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry}, from --trust.`);
    expect(run.stdout).to.match(/→ VALID/);
    const asJson = await verify([genuine, "--trust", trust(registry), "--rpc", node.url, "--json"]);
    exitOf(asJson, 0);
    expect(json<{ trusted: unknown[] }>(asJson).trusted).to.deep.equal([{ chainId: 31337, registry, source: "--trust" }]);
    // Lower-case hex is accepted as well (no checksum to check).
    exitOf(await verify([genuine, "--trust", `eip155:31337:${registry.toLowerCase()}`, "--rpc", node.url]), 0);
    // Two trusted registries: each credential is checked against the one it names.
    const both = await verify([genuine, forged, "--trust", trust(registry), "--trust", trust(forgedRegistry), "--rpc", node.url, "--json"]);
    exitOf(both, 0);
    expect(json<{ trusted: { registry: Address }[] }>(both).trusted.map((t) => t.registry)).to.deep.equal([registry, forgedRegistry]);
    // A registry trusted on another chain than the --rpc node's: not checked against the wrong chain (ERROR, exit 2).
    const otherChain = await verify([genuine, "--trust", `eip155:5:${registry}`, "--rpc", node.url, "--json"]);
    exitOf(otherChain, 2);
    expect(codeOf(otherChain, "anchored")).to.equal("CS-RPC-WRONG-CHAIN");
  });

  it("CREDSTACK_TRUST (with --rpc) configures trust as --trust does", async () => {
    const run = await verify([genuine, "--rpc", node.url], { env: { CREDSTACK_TRUST: trust(registry) } });
    exitOf(run, 0);
    expect(run.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry}, from CREDSTACK_TRUST.`);
    const forgedRun = await verify([forged, "--rpc", node.url, "--json"], { env: { CREDSTACK_TRUST: trust(registry) } });
    exitOf(forgedRun, 1);
    expect(codeOf(forgedRun, "anchored")).to.equal("CS-ANCHOR-WRONG-REGISTRY");
    // --trust wins over the environment.
    const flag = await verify([genuine, "--rpc", node.url, "--trust", trust(registry), "--json"], { env: { CREDSTACK_TRUST: trust(forgedRegistry) } });
    exitOf(flag, 0);
    expect(json<{ trusted: { source: string }[] }>(flag).trusted[0]!.source).to.equal("--trust");
  });

  it("a trust file (CREDSTACK_TRUST_FILE, or $XDG_CONFIG_HOME/credstack/trust.json) with its RPC URL and accreditors", async () => {
    const accreditor = addressOf(KEYS.accreditor);
    const file = path.join(tmp, "trust.json");
    await writeFile(file, JSON.stringify({ registries: [{ id: trust(registry), rpc: node.url, accreditors: [accreditor] }] }));
    const run = await verify([genuine], { env: { CREDSTACK_TRUST_FILE: file } }); // no --rpc: the file's
    exitOf(run, 0);
    expect(run.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry} (accreditors ${accreditor}), from the trust file ${file}.`);
    const asJson = await verify([genuine, "--json"], { env: { CREDSTACK_TRUST_FILE: file } });
    expect(json<{ trusted: unknown[] }>(asJson).trusted).to.deep.equal([{ chainId: 31337, registry, accreditors: [accreditor], source: `the trust file ${file}` }]);

    // The default place, under XDG_CONFIG_HOME.
    const config = path.join(tmp, "xdg");
    await mkdir(path.join(config, "credstack"), { recursive: true });
    await writeFile(path.join(config, "credstack", "trust.json"), JSON.stringify({ registries: [{ id: trust(registry), rpc: node.url }] }));
    const xdg = await verify([genuine], { env: { XDG_CONFIG_HOME: config } });
    exitOf(xdg, 0);
    expect(xdg.stdout.split("\n")[0]).to.equal(`Trusting registry eip155:31337:${registry}, from the trust file ${path.join(config, "credstack", "trust.json")}.`);

    // Only the listed accreditors count: another one's issuers are INVALID.
    await writeFile(file, JSON.stringify({ registries: [{ id: trust(registry), rpc: node.url, accreditors: [addressOf(KEYS.other)] }] }));
    const untrusted = await verify([genuine, "--json"], { env: { CREDSTACK_TRUST_FILE: file } });
    exitOf(untrusted, 1);
    expect(codeOf(untrusted, "accredited")).to.equal("CS-ACCREDITATION-UNTRUSTED-ACCREDITOR");

    // A broken trust file is a usage error naming the file.
    await writeFile(file, JSON.stringify({ registries: [{ id: "eip155:31337:nope" }] }));
    const broken = await verify([genuine], { env: { CREDSTACK_TRUST_FILE: file } });
    expectExit(broken, 2);
    expect(errorLine(broken)).to.include(`${file}: registries[0].id must be a CAIP-10 id`);
  });

  it("--accreditor <other>: the issuer's accreditor is not trusted → INVALID CS-ACCREDITATION-UNTRUSTED-ACCREDITOR", async () => {
    const other = addressOf(KEYS.other);
    const run = await verify([genuine, "--trust", trust(registry), "--rpc", node.url, "--accreditor", other, "--json"]);
    exitOf(run, 1);
    const report = reportOf(run);
    expect(report.status).to.equal("INVALID");
    const check = report.checks.find((c) => c.id === "accredited")!;
    expect(check).to.include({ status: "INVALID", code: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR" });
    expect(check.message).to.include(addressOf(KEYS.accreditor));
    expect(json<{ trusted: unknown[] }>(run).trusted).to.deep.equal([{ chainId: 31337, registry, accreditors: [other], source: "--trust" }]);
    // The right accreditor (among others): VALID.
    exitOf(await verify([genuine, "--trust", trust(registry), "--rpc", node.url, "--accreditor", other, "--accreditor", addressOf(KEYS.accreditor)]), 0);
  });

  it("a malformed CAIP-10 id or an address with a bad checksum: exit 2, naming the option", async () => {
    const cases: [string[], Record<string, string> | undefined, RegExp][] = [
      [["--trust", "eip155:31337"], undefined, /^--trust must be a CAIP-10 id eip155:<chainId>:<registry address>, got "eip155:31337"\.$/],
      [["--trust", registry], undefined, /^--trust must be a CAIP-10 id/],
      [["--trust", `eip155:0:${registry}`], undefined, /^--trust must be a CAIP-10 id/],
      [["--trust", `cosmos:31337:${registry}`], undefined, /^--trust must be a CAIP-10 id/],
      [["--trust", `eip155:31337:${badChecksum(registry)}`], undefined, new RegExp(`^--trust: ${badChecksum(registry)} has a wrong EIP-55 checksum`)],
      [["--trust", trust(registry), "--accreditor", badChecksum(addressOf(KEYS.accreditor))], undefined, /^--accreditor 0x[0-9a-fA-F]{40} has a wrong EIP-55 checksum/],
      [["--trust", trust(registry), "--accreditor", "0x1234"], undefined, /^--accreditor is not an address: "0x1234"\.$/],
      [[], { CREDSTACK_TRUST: "eip155:31337:0x12" }, /^CREDSTACK_TRUST must be a CAIP-10 id/],
      [[], { CREDSTACK_TRUST: `eip155:31337:${badChecksum(registry)}` }, /^CREDSTACK_TRUST: 0x[0-9a-fA-F]{40} has a wrong EIP-55 checksum/],
    ];
    for (const [args, env, message] of cases) {
      const run = await verify([genuine, "--rpc", node.url, ...args], env ? { env } : {});
      expectExit(run, 2);
      expect(errorLine(run), `${args.join(" ")} ${JSON.stringify(env ?? {})}`).to.match(message);
    }
  });
});
