import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http, keccak256, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { writeContract } from "viem/actions";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { readManifest } from "../../src/batch/files.js";
import { suspendIssuer } from "../../src/chain/actions/index.js";
import { credentialRegistryAbi } from "../../src/chain/abi.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { ContractRevertError } from "../../src/chain/errors.js";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { isoTime } from "../../src/chain/records.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { parseAchievement } from "../../src/credential/schema.js";
import type { VerificationReport } from "../../src/verify/index.js";
import { accredit, addOperatorWithConsent, devWallet, errorLine, expectExit, json, runCli, transcripts, type Run, type RunCliOptions } from "./helpers/cli.js";
import { LEARNERS_FILE, course, devKey, rawCourse } from "./helpers/fixtures.js";

/**
 * The issuer's side of the CLI on registry v2 (issue #10): operator keys join only with their own
 * consent, checked before anything is sent; a batch the issuer's accreditation does not cover is
 * refused before sending, naming the field; contract reverts reach the user as sentences, never as
 * a bare error name; the issuer's own key revokes for good; a compromised operator key voids what it
 * anchored since; `issuer status` shows accreditor, profile and operator keys.
 */

const KEYS = {
  accreditor: devKey(0),
  issuer: devKey(1),
  operator: devKey(2),
  stranger: devKey(3),
  leaked: devKey(4),
  issuerB: devKey(8),
  accreditor2: devKey(9),
  issuerC: devKey(10),
  accreditor3: devKey(12),
};
const addressOf = (key: Hex): Address => privateKeyToAccount(key).address;
const ISSUER = addressOf(KEYS.issuer);
const OPERATOR = addressOf(KEYS.operator);
const ACCREDITOR_ROLE = keccak256(toHex("ACCREDITOR_ROLE"));

describe("credstack issuer commands on registry v2: consent, pre-flight, sentences, final revocation, compromise (#10)", function () {
  this.timeout(300_000);
  let node: LocalNode;
  let home: string;
  let work: string;
  let registry: Address;
  let publicClient: ReturnType<typeof createPublicClient>;
  const cli = (args: string[], options?: RunCliOptions) => runCli(home, args, options);
  const nonceOf = (address: Address) => publicClient.getTransactionCount({ address });
  const trustArgs = () => ["--trust", `eip155:31337:${registry}`, "--rpc", node.url];
  let batches = 0;
  /** Builds a batch of the seed course (or `raw`, a changed copy) in-process: no pre-flight check. */
  const build = async (raw: Record<string, unknown> = rawCourse()) => {
    const dir = path.join(work, `batch-${++batches}`);
    await buildBatchDirectory({ achievement: parseAchievement(raw), learnersCsv: LEARNERS_FILE, out: dir, target: { chainId: 31337, registry } });
    return dir;
  };
  /** `batch anchor <dir>` signed by `key`, expected to succeed. */
  const anchor = async (dir: string, key: Hex = KEYS.operator) => {
    const run = await cli(["batch", "anchor", dir, "--json"], { key });
    expectExit(run, 0);
    return json<{ root: Hex; anchor: { anchoredAt: number; txHash: Hex } }>(run);
  };
  /** Extracts credential `index` of `dir` into a file and verifies it against the trusted registry. */
  const verifyOne = async (dir: string, index = 0) => {
    const file = path.join(work, `${path.basename(dir)}-${index}.json`);
    if (!existsSync(file)) expectExit(await cli(["batch", "extract", dir, "--index", String(index), "--out", file]), 0);
    const run = await cli(["verify", file, ...trustArgs(), "--json"]);
    expect(run.code, `verify: ${run.stdout}\n${run.stderr}`).to.be.oneOf([0, 1]);
    const report = json<{ reports: VerificationReport[] }>(run).reports[0]!;
    return { status: report.status, codes: Object.fromEntries(report.checks.map((c) => [c.id, c.code])) as Record<string, string>, report };
  };
  /** `issuer operator consent` signed by `key` for `issuer`, into a fresh file. */
  let consents = 0;
  const consent = async (key: Hex, issuer: Address = ISSUER) => {
    const file = path.join(work, `consent-${++consents}.json`);
    expectExit(await cli(["issuer", "operator", "consent", "--issuer", issuer, "--out", file], { key }), 0);
    return file;
  };
  /** Expects `run` to have failed with `code`, its message a sentence (no bare revert name at its start). */
  const refused = (run: Run, code: number, message: string | RegExp) => {
    expectExit(run, code);
    const line = errorLine(run);
    expect(line, "a sentence, not a raw revert").not.to.match(/^[A-Z][A-Za-z]+\(/);
    if (typeof message === "string") expect(line).to.equal(message);
    else expect(line).to.match(message);
  };

  before(async () => {
    node = await startLocalNode();
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-cli-issuer-home-"));
    work = await mkdtemp(path.join(os.tmpdir(), "credstack-cli-issuer-work-"));
    ({ registry } = await deployRegistry(node.url, { file: path.join(home, "deployment.json") }));
    publicClient = createPublicClient({ transport: http(node.url) });
    const { name, country } = course().awardingBody;
    await accredit(devWallet(node.url, KEYS.accreditor), registry, ISSUER, { name, country }, 7);
  });

  after(async () => {
    await node?.stop();
    if (home) await rm(home, { recursive: true, force: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe("issuer operator add needs the key's own consent, checked before anything is sent", () => {
    it("without --consent: a usage error naming the option", async () => {
      const run = await cli(["issuer", "operator", "add", OPERATOR], { key: KEYS.issuer });
      expectExit(run, 2);
      expect(run.stderr).to.include("--consent");
    });

    it("a consent signed by another key, or for another issuer: refused with a message, nothing sent", async () => {
      const nonce = await nonceOf(ISSUER);
      // The stranger's own consent, offered for the operator key.
      const strangers = await consent(KEYS.stranger);
      refused(await cli(["issuer", "operator", "add", OPERATOR, "--consent", strangers], { key: KEYS.issuer }), 2, `--consent is the consent of key ${addressOf(KEYS.stranger)}, not of ${OPERATOR}.`);

      // A forged document: the operator's address over the stranger's signature. The registry would
      // revert (InvalidOperatorConsent): the user reads a sentence, and nothing is sent (the simulation fails).
      const forged = path.join(work, "forged-consent.json");
      await writeFile(forged, JSON.stringify({ ...JSON.parse(await readFile(strangers, "utf8")), key: OPERATOR }));
      const run = await cli(["issuer", "operator", "add", OPERATOR, "--consent", forged], { key: KEYS.issuer });
      refused(run, 1, `The consent signature does not come from key ${OPERATOR} for this issuer, registry and deadline.`);
      expect(run.stderr).to.include("credstack issuer operator consent --issuer");

      // The operator's consent to operate for another issuer.
      const forB = await consent(KEYS.operator, addressOf(KEYS.issuerB));
      refused(
        await cli(["issuer", "operator", "add", OPERATOR, "--consent", forB], { key: KEYS.issuer }),
        2,
        `--consent lets key ${OPERATOR} operate for issuer ${addressOf(KEYS.issuerB)}, not for ${ISSUER}, the signing key.`,
      );
      // Not JSON, or not a consent document.
      const garbage = path.join(work, "garbage-consent.json");
      await writeFile(garbage, "{ nope");
      refused(await cli(["issuer", "operator", "add", OPERATOR, "--consent", garbage], { key: KEYS.issuer }), 2, /^--consent is not a consent document/);
      expect(await nonceOf(ISSUER), "nothing sent").to.equal(nonce);
      const status = await cli(["issuer", "status", ISSUER, "--json"]);
      expect(json(status).operators).to.deep.equal([]);

      // The operator's own consent for this issuer: added.
      const run2 = await cli(["issuer", "operator", "add", OPERATOR, "--consent", await consent(KEYS.operator), "--json"], { key: KEYS.issuer });
      expectExit(run2, 0);
      expect(json(run2)).to.deep.include({ action: "add", key: OPERATOR, issuer: ISSUER });
      expect(await nonceOf(ISSUER)).to.equal(nonce + 1);
      // Keys are single-use: a sentence, not OperatorKeyAlreadyUsed(…).
      refused(
        await cli(["issuer", "operator", "add", OPERATOR, "--consent", await consent(KEYS.operator)], { key: KEYS.issuer }),
        1,
        `Key ${OPERATOR} was already an operator key; keys are single-use.`,
      );
    });
  });

  describe("batch anchor refuses, before sending, a batch the issuer's accreditation does not cover, naming the field", () => {
    /** Expects `batch anchor` of `dir` to fail with exit 1 and `message`, with no transaction and the manifest unchanged. */
    const anchorRefused = async (dir: string, message: RegExp) => {
      const manifest = await readFile(path.join(dir, "manifest.json"));
      const nonce = await nonceOf(OPERATOR);
      refused(await cli(["batch", "anchor", dir], { key: KEYS.operator }), 1, message);
      expect(await nonceOf(OPERATOR), "the nonce did not move").to.equal(nonce);
      expect((await readFile(path.join(dir, "manifest.json"))).equals(manifest)).to.equal(true);
      expect(await publicClient.getTransactionCount({ address: OPERATOR, blockTag: "pending" })).to.equal(nonce);
    };

    it("a course EQF level above the accredited maximum (8 > 7)", async () => {
      const raw = rawCourse();
      raw.eqfLevel = 8;
      await anchorRefused(await build(raw), new RegExp(`^The course's EQF level 8 is above issuer ${ISSUER}'s accreditation \\(EQF ≤ 7\\)\\.$`));
      // `batch build` refuses it as well when the chain can be read, writing nothing.
      const file = path.join(work, "course-eqf8.json");
      await writeFile(file, JSON.stringify(raw));
      const out = path.join(work, "eqf8-cli");
      refused(await cli(["batch", "build", "--achievement", file, "--learners", LEARNERS_FILE, "--out", out]), 1, /EQF level 8 is above/);
      expect(existsSync(out)).to.equal(false);
    });

    it("an awarding body name or country other than the accredited profile", async () => {
      const renamed = rawCourse();
      (renamed.awardingBody as { name: string }).name = "Universiteit van Amsterdam";
      await anchorRefused(await build(renamed), new RegExp(`^The awarding body "Universiteit van Amsterdam" \\(NL\\) is not the profile issuer ${ISSUER} is accredited under\\.$`));
      const moved = rawCourse();
      (moved.awardingBody as { country: string }).country = "BE";
      await anchorRefused(await build(moved), /^The awarding body "Universiteit van Amsterdam \(synthetic\)" \(BE\) is not the profile/);
    });

    it("the seed course as accredited: anchored (the check passes for a covered batch)", async () => {
      const dir = await build();
      await anchor(dir);
      expect((await verifyOne(dir)).status).to.equal("VALID");
    });
  });

  describe("revoke pins the registry", () => {
    it("with --rpc other than the deployment's and no --registry: refused (pass --registry), nothing sent; a file naming another registry: refused", async () => {
      const dir = await build();
      await anchor(dir);
      const file = path.join(work, "pinned-0.json");
      expectExit(await cli(["batch", "extract", dir, "--index", "0", "--out", file]), 0);
      const nonce = await nonceOf(ISSUER);
      const otherUrl = node.url.replace("127.0.0.1", "localhost"); // the same node, spelled otherwise
      const unpinned = await cli(["revoke", file, "--rpc", otherUrl], { key: KEYS.issuer });
      expectExit(unpinned, 2);
      expect(errorLine(unpinned)).to.match(/No registry: pass --registry/);
      const elsewhere = await cli(["revoke", file, "--rpc", otherUrl, "--registry", OPERATOR], { key: KEYS.issuer });
      expectExit(elsewhere, 2);
      expect(errorLine(elsewhere)).to.match(/was built for registry .* not for registry/);
      const cancel = await cli(["revoke", file, "--cancel", "--rpc", otherUrl, "--registry", OPERATOR], { key: KEYS.issuer });
      expectExit(cancel, 2);
      expect(await nonceOf(ISSUER)).to.equal(nonce);
      const pinned = await cli(["revoke", file, "--rpc", otherUrl, "--registry", registry], { key: KEYS.issuer });
      expectExit(pinned, 0);
      expect(pinned.stdout).to.include(`registry ${registry}`);
    });
  });

  describe("revoking from the issuer's own key", () => {
    it("revoke --batch twice from the issuer's key: final the first time; the second says it is already revoked and sends nothing", async () => {
      const dir = await build();
      await anchor(dir);
      const nonce = await nonceOf(ISSUER);
      const first = await cli(["revoke", "--batch", dir, "--reason", "9", "--json"], { key: KEYS.issuer });
      expectExit(first, 0);
      expect(json(first)).to.deep.include({ issuer: ISSUER, final: true, alreadyRevoked: false, reason: 9 });
      expect(await nonceOf(ISSUER)).to.equal(nonce + 1);
      const second = await cli(["revoke", "--batch", dir], { key: KEYS.issuer });
      expectExit(second, 0);
      expect(second.stdout).to.match(/already revoked/).and.include("nothing sent");
      const asJson = await cli(["revoke", "--batch", dir, "--json"], { key: KEYS.issuer });
      expectExit(asJson, 0);
      expect(json(asJson)).to.deep.include({ alreadyRevoked: true, tx: null, reason: 9 });
      // An operator key after a final revocation: nothing to do either.
      const operator = await cli(["revoke", "--batch", dir, "--json"], { key: KEYS.operator });
      expectExit(operator, 0);
      expect(json(operator)).to.deep.include({ alreadyRevoked: true, tx: null });
      expect(await nonceOf(ISSUER)).to.equal(nonce + 1);
      const { status, codes } = await verifyOne(dir);
      expect(status).to.equal("INVALID");
      expect(codes.status).to.equal("CS-STATUS-BATCH-REVOKED");
    });
  });

  describe("accreditor actions", () => {
    it("an accreditor whose role was revoked, or another accreditor: told it is not the issuer's accreditor, in a sentence", async () => {
      const admin = devWallet(node.url, KEYS.accreditor);
      const [accreditor2, accreditor3, issuerC] = [addressOf(KEYS.accreditor2), addressOf(KEYS.accreditor3), addressOf(KEYS.issuerC)];
      const roles = async (fn: "grantRole" | "revokeRole", account: Address) =>
        publicClient.waitForTransactionReceipt({ hash: await writeContract(admin, { address: registry, abi: credentialRegistryAbi, functionName: fn, args: [ACCREDITOR_ROLE, account] }) });
      await roles("grantRole", accreditor2);
      await roles("grantRole", accreditor3);
      const accreditC = (key: Hex) => cli(["issuer", "accredit", "--issuer", issuerC, "--name", "Hogeschool Utrecht (synthetic)", "--country", "NL", "--max-eqf", "6"], { key });
      expectExit(await accreditC(KEYS.accreditor2), 0);

      // Another accreditor cannot renew (or take over) an issuer it does not accredit.
      refused(await accreditC(KEYS.accreditor3), 1, `Account ${accreditor3} is not issuer ${issuerC}'s accreditor (holding ACCREDITOR_ROLE), nor the governance admin.`);

      // The issuer's own accreditor, once its role is revoked, can no longer act on it.
      await roles("revokeRole", accreditor2);
      refused(await accreditC(KEYS.accreditor2), 1, `Account ${accreditor2} does not hold ACCREDITOR_ROLE.`);
      // Suspending (SDK: no CLI command) is refused by the issuer-accreditor check itself; the error is a sentence too.
      const now = Number((await publicClient.getBlock()).timestamp);
      const error = await suspendIssuer(devWallet(node.url, KEYS.accreditor2), { registry, issuer: issuerC, effectiveFrom: now }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ContractRevertError);
      expect((error as ContractRevertError).errorName).to.equal("NotIssuerAccreditor");
      expect((error as ContractRevertError).shortMessage).to.equal(`Account ${accreditor2} is not issuer ${issuerC}'s accreditor (holding ACCREDITOR_ROLE), nor the governance admin.`);

      const status = await cli(["issuer", "status", issuerC]);
      expectExit(status, 0);
      expect(status.stdout).to.include(`accreditor ${accreditor2}`);
    });
  });

  describe("a compromised operator key", () => {
    it("issuer operator compromised <key> --since <date>: the batches that key anchored since are INVALID (CS-ANCHOR-KEY-COMPROMISED), earlier ones stay valid", async () => {
      const leaked = addressOf(KEYS.leaked);
      expectExit(await cli(["issuer", "operator", "add", leaked, "--consent", await consent(KEYS.leaked)], { key: KEYS.issuer }), 0);
      const before = await build();
      await anchor(before, KEYS.leaked);
      await publicClient.request({ method: "evm_increaseTime" as never, params: [10] as never });
      const after = await build();
      const { anchor: anchored } = await anchor(after, KEYS.leaked);
      expect((await verifyOne(after)).status).to.equal("VALID");

      const since = isoTime(anchored.anchoredAt);
      const run = await cli(["issuer", "operator", "compromised", leaked, "--since", since, "--json"], { key: KEYS.issuer });
      expectExit(run, 0);
      expect(json(run)).to.deep.include({ key: leaked, since: anchored.anchoredAt, issuer: ISSUER });

      const compromised = await verifyOne(after);
      expect(compromised.status).to.equal("INVALID");
      expect(compromised.codes.anchored).to.equal("CS-ANCHOR-KEY-COMPROMISED");
      expect(compromised.report.checks.find((c) => c.id === "anchored")!.message).to.include(leaked);
      const earlier = await verifyOne(before);
      expect(earlier.status).to.equal("VALID");
      expect(json(await cli(["batch", "status", after, "--json"])).onChain).to.deep.include({ anchoringKey: leaked, anchoringKeyCompromised: true });

      // The key is gone: it can no longer anchor; declaring it again is refused in a sentence.
      expect(json<{ operators: Address[] }>(await cli(["issuer", "status", ISSUER, "--json"])).operators).not.to.include(leaked);
      refused(await cli(["batch", "anchor", await build()], { key: KEYS.leaked }), 1, `${leaked} is not a current operator key of any issuer.`);
      refused(await cli(["issuer", "operator", "compromised", leaked, "--since", since], { key: KEYS.issuer }), 1, new RegExp(`^Key ${leaked} was already declared compromised since ${since}\\.$`));
      // A key that never operated for this issuer.
      refused(
        await cli(["issuer", "operator", "compromised", addressOf(KEYS.stranger), "--since", since], { key: KEYS.issuer }),
        1,
        `Key ${addressOf(KEYS.stranger)} was never an operator key of issuer ${ISSUER}.`,
      );
      refused(await cli(["issuer", "operator", "compromised", leaked, "--since", "yesterday"], { key: KEYS.issuer }), 2, /^--since must be an ISO 8601 date/);
    });
  });

  describe("issuer status", () => {
    it("issuer status <address>: accreditation, accreditor, profile digest, operator keys, revocation delay", async () => {
      const { name, country } = course().awardingBody;
      const accreditor = addressOf(KEYS.accreditor);
      const digest = issuerProfileDigest({ name, country });
      const run = await cli(["issuer", "status", ISSUER]);
      expectExit(run, 0);
      expect(run.stdout).to.include(`Issuer ${ISSUER} on registry ${registry} (chain 31337): accredited now`);
      expect(run.stdout).to.include(`accreditor ${accreditor}, profile digest ${digest}`);
      expect(run.stdout).to.include(`operator keys: ${OPERATOR}`);
      expect(run.stdout).to.include("up to EQF 7");
      expect(run.stdout).to.include("revocations become final after 168 h");
      const asJson = json<{ accredited: boolean; accreditation: Record<string, unknown>; operators: Address[]; revocationDelay: number }>(await cli(["issuer", "status", ISSUER, "--json"]));
      expect(asJson).to.deep.include({ accredited: true, operators: [OPERATOR], revocationDelay: 7 * 86_400 });
      expect(asJson.accreditation).to.deep.include({ status: "Active", accreditor, profileDigest: digest, maxEqfLevel: 7 });

      // The issuer shortens its delay: status shows it.
      expectExit(await cli(["issuer", "revocation-delay", "24"], { key: KEYS.issuer }), 0);
      expect((await cli(["issuer", "status", ISSUER])).stdout).to.include("revocations become final after 24 h");

      // Never accredited: exit 1, said plainly.
      const stranger = await cli(["issuer", "status", addressOf(KEYS.stranger)]);
      expect(stranger.code).to.equal(1);
      expect(stranger.stdout).to.include(`Issuer ${addressOf(KEYS.stranger)} on registry ${registry} (chain 31337): never accredited`);
      expectExit(await cli(["issuer", "status", "0x1234"]), 2);
    });
  });

  describe("error messages", () => {
    it("no error printed by any run of this process starts with a bare contract error name", () => {
      const lines = transcripts.flatMap((t) => t.split("\n")).filter((l) => l.startsWith("error: "));
      expect(lines.length).to.be.greaterThan(5);
      for (const line of lines) expect(line).not.to.match(/^error: [A-Z][A-Za-z]+\(/);
    });
  });
});
