import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, encryptKeystoreJson } from "ethers";
import { createPublicClient, createWalletClient, http, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { manifestDigest } from "../../src/batch/build.js";
import { readManifest } from "../../src/batch/files.js";
import { readMerkleProof } from "../../src/batch/v3/merkle-proof.js";
import { anchorBatchDirectory, anchorBatchDirectoryWithEthers } from "../../src/chain/anchor-directory.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  findAnchor,
  getBatch,
  getCredentialStatus,
  reinstateIssuer,
  signOperatorConsent,
  suspendIssuer,
  type RegistryWalletClient,
} from "../../src/chain/actions/index.js";
import { AnchorMismatchError } from "../../src/chain/errors.js";
import { freePort, hardhatNodeBinary } from "../../src/chain/local-node.js";
import { CLI, cliEnv, errorLine, expectExit, json, runCli, transcripts, type Run } from "./helpers/cli.js";
import { COURSE_FILE, LEARNERS_FILE, course, devKey } from "./helpers/fixtures.js";

/**
 * The `credstack` CLI as a subprocess (`node src/cli/credstack.mjs …`), against a real `hardhat
 * node` started by the CLI itself (`credstack chain start` on a free 127.0.0.1 port), with
 * CREDSTACK_HOME in a temporary directory (and HOME, XDG_CONFIG_HOME in another: no user
 * configuration leaks in). One node for the whole suite; the last test stops it.
 * The registry v2 flow: accredit → the operator key signs its consent → the issuer adds it →
 * build → anchor → extract → revoke (pending from an operator key, final from the issuer's key).
 */

const KEYS = { accreditor: devKey(0), issuer: devKey(1), operator: devKey(2), stranger: devKey(3), issuerB: devKey(8), operatorB: devKey(11) };
const addressOf = (key: Hex): Address => privateKeyToAccount(key).address;
const ISSUER = addressOf(KEYS.issuer);
const OPERATOR = addressOf(KEYS.operator);

/** A Node.js older than 22 on this machine (the launcher's re-exec path), if there is one. */
function olderNode(): string | undefined {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d && !d.includes("node_modules"));
  for (const candidate of [...dirs.map((d) => path.join(d, "node")), "/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "";
    const major = Number(/^v(\d+)/.exec(version)?.[1]);
    if (major && major < 22) return candidate;
  }
  return undefined;
}

describe("credstack CLI (subprocess) against a real hardhat node", function () {
  this.timeout(300_000);
  let home: string;
  let work: string;
  let chain: ChildProcess | undefined;
  let chainOut = "";
  let url: string;
  let registry: Address;
  let publicClient: ReturnType<typeof createPublicClient>;
  const cli = (args: string[], options?: Parameters<typeof runCli>[2]) => runCli(home, args, options);
  const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), chain: { ...hardhat, rpcUrls: { default: { http: [url] } } }, transport: http(url) }) as RegistryWalletClient;
  const nonceOf = (address: Address) => publicClient.getTransactionCount({ address });
  const manifestBytes = (dir: string) => readFile(path.join(dir, "manifest.json"));
  /** Builds a batch of the seed course in-process (fast), for the given target. */
  const build = (name: string, target = { chainId: 31337, registry }) =>
    buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out: path.join(work, name), target });
  const now = async () => Number((await publicClient.getBlock()).timestamp);
  /** Adds `operatorKey` as an operator of the issuer `issuerKey`, with its EIP-712 consent (through the SDK). */
  const addOperatorSdk = async (issuerKey: Hex, operatorKey: Hex) => {
    const consent = await signOperatorConsent(privateKeyToAccount(operatorKey), { registry, chainId: 31337, issuer: addressOf(issuerKey), deadline: (await now()) + 3600 });
    return addOperator(wallet(issuerKey), { registry, consent });
  };
  /** `issuer operator consent` signed by `operatorKey` for `issuer`, written to a fresh file in `work`. */
  let consents = 0;
  const consentFile = async (operatorKey: Hex, issuer: Address = ISSUER): Promise<string> => {
    const file = path.join(work, `consent-${++consents}.json`);
    const run = await cli(["issuer", "operator", "consent", "--issuer", issuer, "--out", file], { key: operatorKey });
    expectExit(run, 0);
    return file;
  };

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-cli-home-"));
    work = await mkdtemp(path.join(os.tmpdir(), "credstack-cli-work-"));
    const port = await freePort();
    chain = spawn(process.execPath, [CLI, "chain", "start", "--port", String(port), "--json"], { env: cliEnv(home), stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    chain.stdout!.on("data", (d: Buffer) => (chainOut += d.toString()));
    chain.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const record = JSON.parse(chainOut) as { rpcUrl: string; registry: Address };
        url = record.rpcUrl;
        registry = record.registry;
        break;
      } catch {
        if (chain.exitCode !== null || Date.now() > deadline) throw new Error(`chain start failed (exit ${chain.exitCode}): ${chainOut}\n${err}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    publicClient = createPublicClient({ transport: http(url) });
  });

  after(async () => {
    if (chain && chain.exitCode === null && chain.signalCode === null) {
      const exited = new Promise((r) => chain!.once("exit", r));
      chain.kill("SIGTERM");
      await exited;
    }
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it("chain start deployed the registry and recorded it in CREDSTACK_HOME", async () => {
    const record = JSON.parse(await readFile(path.join(home, "deployment.json"), "utf8"));
    expect(record).to.deep.include({ chainId: 31337, rpcUrl: url, registry });
    expect(JSON.parse(chainOut)).to.deep.include({ rpcUrl: url, registry, chainId: 31337, accreditor: addressOf(KEYS.accreditor) });
    expect((await publicClient.getCode({ address: registry }))?.length).to.be.greaterThan(2);

    // A second `chain start` on the same port refuses, and leaves the record alone.
    const before = await readFile(path.join(home, "deployment.json"));
    const busy = await cli(["chain", "start", "--port", new URL(url).port]);
    expectExit(busy, 2);
    expect(busy.stderr).to.include(`Port ${new URL(url).port} on 127.0.0.1 is already in use`);
    expect((await readFile(path.join(home, "deployment.json"))).equals(before)).to.equal(true);
  });

  it("--help on every command; usage errors exit 2", async () => {
    for (const args of [[], ["chain", "start"], ["issuer", "accredit"], ["issuer", "status"], ["issuer", "operator", "consent"], ["issuer", "operator", "add"], ["issuer", "operator", "compromised"], ["batch", "build"], ["batch", "anchor"], ["batch", "status"], ["batch", "extract"], ["verify"], ["revoke"]]) {
      const run = await cli([...args, "--help"]);
      expectExit(run, 0);
      expect(run.stdout).to.match(/^Usage: credstack/);
    }
    const bare = await cli([]);
    expect(bare.code).to.equal(2);
    expect(bare.stderr).to.match(/^Usage: credstack/); // no command: the usage, on stderr
    expectExit(await cli(["bogus"]), 2);
    expectExit(await cli(["batch", "anchor"]), 2); // missing <dir>
    expectExit(await cli(["batch", "build", "--out", path.join(work, "x"), "--layout", "tree"]), 2);
    const both = await cli(["revoke", "a.json", "--batch", work]);
    expectExit(both, 2);
    expect(both.stderr).to.include("not both");
    const json = await cli(["batch", "anchor", path.join(work, "nope"), "--json"], { key: KEYS.operator });
    expectExit(json, 2);
    expect(JSON.parse(json.stdout).error).to.deep.include({ name: "UsageError", exitCode: 2 });
  });

  it("issuer accredit, signed by the accreditor key (through the launcher under Node < 22 when the machine has one)", async function () {
    const node = olderNode();
    const run = await cli(
      ["issuer", "accredit", "--issuer", ISSUER, "--name", "Universiteit van Amsterdam (synthetic)", "--country", "NL", "--max-eqf", "7", "--until", "2031-06-30", "--json"],
      { key: KEYS.accreditor, ...(node ? { node } : {}) },
    );
    expectExit(run, 0);
    const out = json<{ issuer: Address; maxEqfLevel: number; validUntil: number; txHash: Hex; profileDigest: Hex }>(run);
    expect(out).to.deep.include({ issuer: ISSUER, maxEqfLevel: 7, validUntil: Date.parse("2031-06-30") / 1000 });
    expect((await publicClient.getTransactionReceipt({ hash: out.txHash })).status).to.equal("success");
    if (!node) this.test!.title += " [no Node < 22 found: ran under Node 22 only]";

    // Missing key, bad key, non-accreditor key.
    const noKey = await cli(["issuer", "accredit", "--issuer", ISSUER, "--name", "X Y", "--country", "NL"]);
    expectExit(noKey, 2);
    expect(noKey.stderr).to.include("CREDSTACK_PRIVATE_KEY");
    expectExit(await cli(["issuer", "accredit", "--issuer", ISSUER, "--name", "X Y", "--country", "NL"], { env: { CREDSTACK_PRIVATE_KEY: "0x1234" } }), 2);
    expectExit(await cli(["issuer", "accredit", "--issuer", "0x12", "--name", "X Y", "--country", "NL"], { key: KEYS.accreditor }), 2);
    expectExit(await cli(["issuer", "accredit", "--issuer", ISSUER, "--name", "X Y", "--country", "Netherlands"], { key: KEYS.accreditor }), 2);
    const notAccreditor = await cli(["issuer", "accredit", "--issuer", ISSUER, "--name", "X Y", "--country", "NL"], { key: KEYS.stranger });
    expectExit(notAccreditor, 1);
    // A sentence, not the raw revert (which stays in the details).
    expect(errorLine(notAccreditor)).to.equal(`Account ${addressOf(KEYS.stranger)} does not hold ACCREDITOR_ROLE.`);
    expect(notAccreditor.stderr).to.include("AccessControlUnauthorizedAccount(");
  });

  it("issuer operator consent (signed by the operator key) then issuer operator add --consent, signed with an encrypted JSON keystore", async () => {
    const consent = path.join(work, "operator-consent.json");
    const signed = await cli(["issuer", "operator", "consent", "--issuer", ISSUER, "--out", consent, "--json"], { key: KEYS.operator });
    expectExit(signed, 0);
    const document = JSON.parse(await readFile(consent, "utf8"));
    expect(document).to.deep.include({ format: "credstack-operator-consent-v1", chainId: 31337, registry, issuer: ISSUER, key: OPERATOR });
    expect(json(signed)).to.deep.equal(document);
    expect(document.deadline).to.be.greaterThan(await now());
    expect(document.signature).to.match(/^0x[0-9a-f]{130}$/);
    expectExit(await cli(["issuer", "operator", "consent", "--issuer", ISSUER, "--out", consent], { key: KEYS.operator }), 2); // exists

    const keystore = path.join(work, "issuer.keystore.json");
    await writeFile(keystore, await encryptKeystoreJson({ address: ISSUER, privateKey: KEYS.issuer }, "correct horse", { scrypt: { N: 1 << 10 } }));
    const wrong = await cli(["issuer", "operator", "add", OPERATOR, "--consent", consent, "--keystore", keystore], { env: { CREDSTACK_KEYSTORE_PASSWORD: "wrong" } });
    expectExit(wrong, 2);
    expect(wrong.stderr).to.include("Cannot decrypt the keystore");
    expectExit(await cli(["issuer", "operator", "add", OPERATOR, "--consent", consent, "--keystore", keystore]), 2); // no password
    const nonce = await nonceOf(ISSUER);
    const run = await cli(["--keystore", keystore, "issuer", "operator", "add", OPERATOR, "--consent", consent, "--json"], { env: { CREDSTACK_KEYSTORE_PASSWORD: "correct horse" } });
    expectExit(run, 0);
    expect(json(run)).to.deep.include({ action: "add", key: OPERATOR, issuer: ISSUER });
    expect(await nonceOf(ISSUER)).to.equal(nonce + 1);
  });

  it("batch build from the seed course and learners (files and shards layouts); a bad CSV fails listing every bad row, writing nothing", async () => {
    const dir = path.join(work, "scs");
    const run = await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", dir, "--json"]);
    expectExit(run, 0);
    const out = json<{ root: Hex; leafCount: number; layout: string; issuer: Address; chainId: number; registry: Address }>(run);
    const manifest = await readManifest(dir);
    expect(out).to.deep.include({ root: manifest.root, leafCount: manifest.leafCount, layout: "files", issuer: ISSUER, chainId: 31337, registry });
    expectExit(await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", dir]), 2); // exists

    const shards = path.join(work, "scs-shards");
    expectExit(await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", shards, "--layout", "shards"]), 0);
    expect((await readManifest(shards)).shards).to.have.length(1);

    const bad = path.join(work, "bad.csv");
    await writeFile(bad, "id,name,wallet,date\nS1,Ann,0x12,2026-06-30\nS2,Bob,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,not-a-date\n");
    const invalid = await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", bad, "--out", path.join(work, "bad")]);
    expectExit(invalid, 1);
    expect(invalid.stderr).to.match(/row 1, wallet/).and.match(/row 2, date/);
    expect(existsSync(path.join(work, "bad"))).to.equal(false);
  });

  it("batch anchor: anchors and records the anchor; re-running sends nothing; a copy of the batch is recovered from the chain", async () => {
    const dir = path.join(work, "scs");
    const copy = path.join(work, "scs-copy");
    await cp(dir, copy, { recursive: true });
    const nonce = await nonceOf(OPERATOR);
    const run = await cli(["batch", "anchor", dir, "--json"], { key: KEYS.operator });
    expectExit(run, 0);
    const result = json<{ outcome: string; anchor: { txHash: Hex; blockNumber: number; anchoredAt: number }; root: Hex }>(run);
    expect(result.outcome).to.equal("anchored");
    const manifest = await readManifest(dir);
    expect(manifest.anchor).to.deep.equal(result.anchor);
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
    const record = await getBatch(publicClient, { registry, issuer: ISSUER, root: manifest.root });
    expect(record).to.deep.include({ issuer: ISSUER, anchoringKey: OPERATOR, leafCount: manifest.leafCount, anchoredAt: result.anchor.anchoredAt, status: "Active", anchoringKeyCompromised: false });
    const event = await findAnchor(publicClient, { registry, issuer: ISSUER, root: manifest.root });
    expect(event?.manifestDigest).to.equal(manifestDigest(manifest));
    expect(event?.operator).to.equal(OPERATOR);

    // Idempotent: the second run verifies the recorded anchor and sends nothing.
    const bytes = await manifestBytes(dir);
    const again = await cli(["batch", "anchor", dir], { key: KEYS.operator });
    expectExit(again, 0);
    expect(again.stdout).to.include("nothing to do");
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
    expect((await manifestBytes(dir)).equals(bytes)).to.equal(true);

    // Another directory with the same root: the anchor is found on chain and recorded, no transaction.
    const recovered = await cli(["batch", "anchor", copy, "--json"], { key: KEYS.operator });
    expectExit(recovered, 0);
    expect(json(recovered)).to.deep.include({ outcome: "recovered", anchor: result.anchor });
    expect((await readManifest(copy)).anchor).to.deep.equal(result.anchor);
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
  });

  it("batch status: manifest, record on chain, revocation counts, accreditation", async () => {
    const dir = path.join(work, "scs");
    const manifest = await readManifest(dir);
    const run = await cli(["batch", "status", dir, "--json"]);
    expectExit(run, 0);
    const status = json<{ manifest: Record<string, unknown>; onChain: Record<string, unknown>; accreditation: { now: Record<string, unknown>; atAnchor: Record<string, unknown> }; problems: string[] }>(run);
    expect(status.manifest).to.deep.include({ root: manifest.root, leafCount: manifest.leafCount, layout: "files", anchor: manifest.anchor });
    expect(status.onChain).to.deep.include({ issuer: ISSUER, status: "Active", revokedCount: 0, suspendedCount: 0, txHash: manifest.anchor!.txHash, blockNumber: manifest.anchor!.blockNumber });
    expect(status.accreditation.now).to.deep.include({ status: "Active", accredited: true, maxEqfLevel: 7 });
    expect(status.accreditation.atAnchor).to.deep.include({ status: "Active", accredited: true, at: manifest.anchor!.anchoredAt });
    expect(status.problems).to.deep.equal([]);
    const human = await cli(["batch", "status", dir]);
    expectExit(human, 0);
    expect(human.stdout).to.match(new RegExp(`on chain\\s+Active; anchored for ${ISSUER} by key ${OPERATOR}`)).and.include("0 revoked, 0 pending revocation, 0 suspended");

    // Not anchored yet: status says so (exit 0).
    const fresh = await cli(["batch", "status", path.join(work, "scs-shards"), "--json"]);
    expectExit(fresh, 0);
    expect(json(fresh).onChain).to.equal(null);
  });

  it("batch extract and revoke: credential files (one transaction per batch; pending from the operator key, final from the issuer's), then a whole batch", async () => {
    const dir = path.join(work, "scs");
    const root = (await readManifest(dir)).root;
    const files = [path.join(work, "S1003.json"), path.join(work, "S1001.json")];
    expectExit(await cli(["batch", "extract", dir, "--learner", "S1003", "--out", files[0]!]), 0);
    expectExit(await cli(["batch", "extract", dir, "--index", "0", "--out", files[1]!]), 0);
    const stdout = await cli(["batch", "extract", dir, "--holder", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"]);
    expectExit(stdout, 0);
    expect(JSON.parse(stdout.stdout)).to.deep.equal(JSON.parse(await readFile(files[0]!, "utf8")));
    expectExit(await cli(["batch", "extract", dir, "--learner", "S1003", "--index", "1"]), 2);
    expectExit(await cli(["batch", "extract", dir, "--learner", "nobody"]), 1);
    const statusOf = async (indices: number[]) => getCredentialStatus(publicClient, { registry, issuer: ISSUER, root, indices });

    // The operator key: pending revocations (the issuer can cancel them until the delay runs out).
    const nonce = await nonceOf(OPERATOR);
    const run = await cli(["revoke", ...files, "--reason", "2", "--json"], { key: KEYS.operator });
    expectExit(run, 0);
    const [revocation] = json<{ revocations: { root: Hex; indices: number[]; final: boolean; issuer: Address; tx: { txHash: Hex } | null }[] }>(run).revocations;
    expect(revocation).to.deep.include({ root, indices: [0, 2], final: false, issuer: ISSUER });
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
    expect((await statusOf([0, 1, 2])).map((s) => [s.revoked, s.revocationPending])).to.deep.equal([[false, true], [false, false], [false, true]]);
    const again = await cli(["revoke", files[0]!], { key: KEYS.operator });
    expectExit(again, 0);
    expect(again.stdout).to.include("nothing sent");
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
    expect(json(await cli(["batch", "status", dir, "--json"])).onChain).to.deep.include({ revokedCount: 0, revocationPendingCount: 2, status: "Active" });

    // The issuer's own key: final at once (a pending one included).
    const issuerNonce = await nonceOf(ISSUER);
    const final = await cli(["revoke", files[0]!, "--reason", "2", "--json"], { key: KEYS.issuer });
    expectExit(final, 0);
    expect(json<{ revocations: Record<string, unknown>[] }>(final).revocations[0]).to.deep.include({ root, indices: [2], alreadyRevoked: [], final: true });
    expect(await nonceOf(ISSUER)).to.equal(issuerNonce + 1);
    expect((await statusOf([2]))[0]).to.deep.include({ revoked: true, revocationPending: false });
    const finalAgain = await cli(["revoke", files[0]!], { key: KEYS.issuer });
    expectExit(finalAgain, 0);
    expect(finalAgain.stdout).to.include("nothing sent");
    expect(await nonceOf(ISSUER)).to.equal(issuerNonce + 1);
    expect(json(await cli(["batch", "status", dir, "--json"])).onChain).to.deep.include({ revokedCount: 1, revocationPendingCount: 1, status: "Active" });

    // A whole batch (the shards layout): anchor, extract from a shard, revoke by directory.
    const shards = path.join(work, "scs-shards");
    expectExit(await cli(["batch", "anchor", shards], { key: KEYS.operator }), 0);
    const fromShard = await cli(["batch", "extract", shards, "--index", "4"]);
    expectExit(fromShard, 0);
    // Format v3: extract writes the bare VC; its Merkle proof (first in `proof`) leads to the batch root.
    const extracted = JSON.parse(fromShard.stdout);
    expect(extracted.proof[0]).to.include({ type: "DataIntegrityProof", cryptosuite: "credstack-merkle-2026" });
    expect(readMerkleProof(extracted.proof[0])).to.deep.include({ root: (await readManifest(shards)).root, index: 4 });
    const whole = await cli(["revoke", "--batch", shards, "--reason", "3", "--json"], { key: KEYS.operator });
    expectExit(whole, 0);
    expect(json(whole)).to.deep.include({ alreadyRevoked: false, reason: 3, final: false, issuer: ISSUER });
    const pending = json<{ onChain: { status: string; revocationReason: number; revocation: Record<string, unknown> } }>(await cli(["batch", "status", shards, "--json"]));
    expect(pending.onChain).to.deep.include({ status: "RevocationPending", revocationReason: 3 });
    expect(pending.onChain.revocation).to.deep.include({ by: OPERATOR, final: false });
    expect((await cli(["batch", "status", shards])).stdout).to.include(`REVOCATION PENDING for the whole batch by operator key ${OPERATOR}`);
    const operatorNonce = await nonceOf(OPERATOR);
    const pendingAgain = await cli(["revoke", "--batch", shards, "--json"], { key: KEYS.operator }); // already pending: nothing sent
    expectExit(pendingAgain, 0);
    expect(json(pendingAgain)).to.deep.include({ alreadyRevoked: true, tx: null });
    expect(await nonceOf(OPERATOR)).to.equal(operatorNonce);
    const wholeFinal = await cli(["revoke", "--batch", shards, "--reason", "3", "--json"], { key: KEYS.issuer });
    expectExit(wholeFinal, 0);
    expect(json(wholeFinal)).to.deep.include({ alreadyRevoked: false, final: true });
    const status = json<{ onChain: { status: string; revocation: Record<string, unknown> } }>(await cli(["batch", "status", shards, "--json"]));
    expect(status.onChain).to.deep.include({ status: "Revoked", revocationReason: 3 });
    expect(status.onChain.revocation).to.deep.include({ by: ISSUER, final: true });
  });

  describe("error cases: exit code, a clear message, the manifest byte-identical", () => {
    /** Runs `batch anchor <dir>` expecting `code` and a message matching `message`; checks the manifest is unchanged and nothing was sent by `sender`. */
    async function anchorFails(dir: string, key: Hex, code: number, message: RegExp, args: string[] = []): Promise<Run> {
      const bytes = await manifestBytes(dir);
      const sender = addressOf(key);
      const nonce = await nonceOf(sender);
      const run = await cli(["batch", "anchor", dir, ...args], { key });
      expectExit(run, code);
      expect(run.stderr).to.match(message);
      expect((await manifestBytes(dir)).equals(bytes), "manifest unchanged").to.equal(true);
      expect(await nonceOf(sender), "nothing sent").to.equal(nonce);
      return run;
    }

    it("not an operator: exit 1, naming the key", async () => {
      await build("e-not-operator");
      await anchorFails(path.join(work, "e-not-operator"), KEYS.stranger, 1, new RegExp(`${addressOf(KEYS.stranger)} is not a current operator key`));
    });

    it("issuer not accredited (suspended): exit 1, naming the issuer; anchoring works again once reinstated", async () => {
      const dir = path.join(work, "e-suspended");
      await build("e-suspended");
      const accreditor = wallet(KEYS.accreditor);
      await suspendIssuer(accreditor, { registry, issuer: ISSUER, effectiveFrom: await now() });
      try {
        await anchorFails(dir, KEYS.operator, 1, new RegExp(`Issuer ${ISSUER} is not accredited now`));
      } finally {
        await reinstateIssuer(accreditor, { registry, issuer: ISSUER, effectiveFrom: await now() });
      }
      expectExit(await cli(["batch", "anchor", dir], { key: KEYS.operator }), 0);
    });

    it("an operator of another issuer: exit 1, naming both issuers; the same root anchored by another issuer does not block the batch's own issuer", async () => {
      const issuerB = addressOf(KEYS.issuerB);
      const t = await now();
      await accreditIssuer(wallet(KEYS.accreditor), { registry, issuer: issuerB, profileDigest: toHex(1, { size: 32 }), maxEqfLevel: 7, validFrom: t, validUntil: t + 86_400 * 365 });
      await addOperatorSdk(KEYS.issuerB, KEYS.operatorB);
      await build("e-other-issuer");
      const dir = path.join(work, "e-other-issuer");
      await anchorFails(dir, KEYS.operatorB, 1, new RegExp(`operates for issuer ${issuerB}, but batch 0x[0-9a-f]{64} is issued by ${ISSUER}`));

      // Issuer B anchors the same root first (through the SDK): batches are keyed by (issuer, root),
      // so issuer A's batch is still anchored for A, independently of B's.
      const manifest = await readManifest(dir);
      await anchorBatch(wallet(KEYS.operatorB), { registry, root: manifest.root, leafCount: manifest.leafCount, manifestDigest: manifestDigest(manifest) });
      const run = await cli(["batch", "anchor", dir, "--json"], { key: KEYS.operator });
      expectExit(run, 0);
      expect(json(run).outcome).to.equal("anchored");
      expect(await getBatch(publicClient, { registry, issuer: ISSUER, root: manifest.root })).to.deep.include({ issuer: ISSUER, anchoringKey: OPERATOR });
      expect(await getBatch(publicClient, { registry, issuer: issuerB, root: manifest.root })).to.deep.include({ issuer: issuerB, anchoringKey: addressOf(KEYS.operatorB) });
    });

    it("wrong chain: a batch built for chain 5 (--chain-id), anchored on 31337: exit 2", async () => {
      const dir = path.join(work, "e-chain-5");
      expectExit(await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", dir, "--chain-id", "5"]), 0);
      await anchorFails(dir, KEYS.operator, 2, /Connected to chain 31337, expected chain 5/);
      expectExit(await cli(["batch", "status", dir]), 2);
    });

    it("registry not deployed at the batch's address, or --registry other than the batch's: exit 2 naming the addresses", async () => {
      const nowhere = privateKeyToAccount(generatePrivateKey()).address;
      const dir = path.join(work, "e-no-registry");
      // `batch build` reads the issuer's accreditation there first, so refuses too; built in-process.
      const refused = await cli(["batch", "build", "--achievement", COURSE_FILE, "--learners", LEARNERS_FILE, "--out", dir, "--registry", nowhere]);
      expectExit(refused, 2);
      expect(refused.stderr).to.include(`No credstack registry at ${nowhere}`);
      expect(existsSync(dir)).to.equal(false);
      await build("e-no-registry", { chainId: 31337, registry: nowhere });
      await anchorFails(dir, KEYS.operator, 2, new RegExp(`No credstack registry at ${nowhere} on chain 31337`));
      await build("e-mismatch");
      const run = await anchorFails(path.join(work, "e-mismatch"), KEYS.operator, 2, new RegExp(`built for registry ${registry}, not for registry ${nowhere}`), ["--registry", nowhere]);
      expect(run.stderr).to.include(nowhere);
      // Issuer commands: nothing at --registry.
      const add = await cli(["issuer", "operator", "add", nowhere, "--consent", path.join(work, "none.json"), "--registry", nowhere], { key: KEYS.issuer });
      expectExit(add, 2);
      expect(add.stderr).to.include(`No credstack registry at ${nowhere} on chain 31337`);
    });

    it("insufficient funds (a fresh operator key with no ether): exit 1, naming the account", async () => {
      const poor = generatePrivateKey();
      expectExit(await cli(["issuer", "operator", "add", addressOf(poor), "--consent", await consentFile(poor)], { key: KEYS.issuer }), 0); // signing a consent costs nothing
      await build("e-poor");
      await anchorFails(path.join(work, "e-poor"), poor, 1, new RegExp(`Account ${addressOf(poor)} has insufficient funds`));
    });

    it("an invalid batch (a tampered credential): exit 1 before anything is sent", async () => {
      await build("e-tampered");
      const dir = path.join(work, "e-tampered");
      const file = path.join(dir, "credentials/000001.json");
      // Format v3: a batch's credential files are bare VCs.
      const credential = JSON.parse(await readFile(file, "utf8"));
      expect(credential.credentialSubject.result[0].value).to.not.equal("10");
      credential.credentialSubject.result[0].value = "10";
      await writeFile(file, JSON.stringify(credential, null, 2));
      // v3: the record is recomputed from the bare VC, so the altered field gives another leaf, which
      // the proof does not lead to the root: two problems (a v2 file, one: its digest).
      await anchorFails(dir, KEYS.operator, 1, /Invalid batch .*: 2 problems\.\s+row 1, credentials\/000001\.json: the credential does not hash to its proof's leaf \(altered\)\s+row 1, credentials\/000001\.json: proof does not lead to the root/);
    });

    it("a manifest whose recorded anchor the chain does not know: exit 1 (AnchorMismatchError), manifest unchanged", async () => {
      await build("e-forged-anchor");
      const dir = path.join(work, "e-forged-anchor");
      const file = path.join(dir, "manifest.json");
      const manifest = JSON.parse(await readFile(file, "utf8"));
      manifest.anchor = { txHash: toHex(7, { size: 32 }), blockNumber: 1, anchoredAt: 1 };
      await writeFile(file, JSON.stringify(manifest, null, 2) + "\n");
      await anchorFails(dir, KEYS.operator, 1, /records an anchor .* but the root is not anchored/);
      const status = await cli(["batch", "status", dir]);
      expect(status.code).to.equal(1); // status prints its report, problems included, and exits 1
      expect(status.stdout).to.include("problems:").and.include("but the root is not anchored");
      // The same through the SDK: a typed error.
      const err = await anchorBatchDirectory(wallet(KEYS.operator), publicClient as never, dir).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(AnchorMismatchError);
    });
  });

  it("crash safety: killed right after sending, the next run finds the anchor on chain and records it without a second transaction", async () => {
    await build("crash");
    const dir = path.join(work, "crash");
    const bytes = await manifestBytes(dir);
    const { root } = await readManifest(dir);
    const nonce = await nonceOf(OPERATOR);
    const killed = await cli(["batch", "anchor", dir], { key: KEYS.operator, env: { CREDSTACK_TEST_CRASH_AFTER_SEND: "1" } });
    expect(killed.signal, `${killed.stdout}\n${killed.stderr}`).to.equal("SIGKILL");
    expect((await manifestBytes(dir)).equals(bytes), "the manifest was not written").to.equal(true);
    expect(await nonceOf(OPERATOR)).to.equal(nonce + 1);
    const onChain = await findAnchor(publicClient, { registry, issuer: ISSUER, root });
    expect(onChain, "the transaction was sent before the kill").not.to.equal(null);

    const rerun = await cli(["batch", "anchor", dir, "--json"], { key: KEYS.operator });
    expectExit(rerun, 0);
    const result = json<{ outcome: string; anchor: { txHash: Hex; blockNumber: number } }>(rerun);
    expect(result.outcome).to.equal("recovered");
    expect(result.anchor).to.deep.include({ txHash: onChain!.txHash, blockNumber: Number(onChain!.blockNumber) });
    expect((await readManifest(dir)).anchor?.txHash).to.equal(onChain!.txHash);
    expect(await nonceOf(OPERATOR), "no second transaction").to.equal(nonce + 1);
  });

  it("the ethers adapter: a batch directory anchored with an ethers Wallet, idempotently", async () => {
    await build("ethers");
    const dir = path.join(work, "ethers");
    const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true });
    try {
      const signer = new Wallet(KEYS.operator, provider);
      const first = await anchorBatchDirectoryWithEthers(signer, dir);
      expect(first.outcome).to.equal("anchored");
      expect((await readManifest(dir)).anchor).to.deep.equal(first.anchor);
      expect((await findAnchor(publicClient, { registry, issuer: ISSUER, root: first.root }))?.txHash).to.equal(first.anchor.txHash);
      const nonce = await nonceOf(OPERATOR);
      expect((await anchorBatchDirectoryWithEthers(signer, dir)).outcome).to.equal("already-anchored");
      expect(await nonceOf(OPERATOR)).to.equal(nonce);
    } finally {
      provider.destroy();
    }
  });

  it("scripts/issue-batch.ts: builds and anchors with `hardhat run --network localhost`, and resumes", async () => {
    const dir = path.join(work, "script");
    const hardhatCli = path.resolve("node_modules/hardhat/dist/src/cli.js");
    const env = cliEnv(home, {
      CREDSTACK_RPC_URL: url,
      CREDSTACK_ACHIEVEMENT: COURSE_FILE,
      CREDSTACK_LEARNERS: LEARNERS_FILE,
      CREDSTACK_OUT: dir,
      CREDSTACK_PRIVATE_KEY: KEYS.operator,
    });
    const run = (): Run => {
      const r = spawnSync(hardhatNodeBinary(), [hardhatCli, "run", "scripts/issue-batch.ts", "--network", "localhost"], { env, encoding: "utf8", timeout: 120_000 });
      transcripts.push(r.stdout, r.stderr);
      return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
    };
    const first = run();
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.match(/Anchored .* on chain 31337/);
    const manifest = await readManifest(dir);
    expect((await getBatch(publicClient, { registry, issuer: ISSUER, root: manifest.root }))?.issuer).to.equal(ISSUER);
    const second = run();
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(second.stdout).to.include("Already anchored");
  });

  // Last (mocha runs a suite's own tests before its nested suites): stops the node.
  describe("with the node stopped", () => {
    it("node stopped: `chain start` exits 0 on Ctrl-C; then anchor and status exit 2 with a clear message, the manifest byte-identical", async () => {
      const exited = new Promise<number | null>((r) => chain!.once("exit", (code) => r(code)));
      chain!.kill("SIGINT");
      expect(await exited).to.equal(0);
      await build("offline");
      const dir = path.join(work, "offline");
      const bytes = await manifestBytes(dir);
      const run = await cli(["batch", "anchor", dir], { key: KEYS.operator });
      expectExit(run, 2);
      expect(run.stderr).to.include(`error: Cannot reach the JSON-RPC endpoint ${url}.`);
      expect((await manifestBytes(dir)).equals(bytes)).to.equal(true);
      const status = await cli(["batch", "status", dir, "--json"]);
      expectExit(status, 2);
      expect(JSON.parse(status.stdout).error).to.deep.include({ name: "RpcUnreachableError", exitCode: 2 });
      expectExit(await cli(["issuer", "operator", "add", OPERATOR, "--consent", path.join(work, "operator-consent.json")], { key: KEYS.issuer }), 2);
    });

    it("no private key ever appears in the output (of any run, the key signing consents included)", () => {
      const all = transcripts.join("\n").toLowerCase();
      for (const key of Object.values(KEYS)) expect(all).not.to.include(key.slice(2).toLowerCase());
    });
  });
});
