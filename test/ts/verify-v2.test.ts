import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bytesToHex, createPublicClient, createWalletClient, getAddress, http, keccak256, toHex, type Address, type Hex, type Transport } from "viem";
import { waitForTransactionReceipt, writeContract } from "viem/actions";
import { hardhat } from "viem/chains";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import { draftLearner, draftLearnerV3 } from "../../src/batch/draft.js";
import { CREDENTIAL_FORMAT_V2, CREDENTIAL_FORMAT_V3, type CredentialFile, type CredentialRecordV3 } from "../../src/batch/format.js";
import { recordSalts, toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { MerkleBatchTree } from "../../src/batch/tree.js";
import { credentialRegistryAbi } from "../../src/chain/abi.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  cancelBatchRevocation,
  cancelRevocations,
  declareOperatorCompromised,
  getRevocationDelay,
  revokeBatch,
  revokeCredentials,
  signOperatorConsent,
  transferIssuer,
  type RegistryReadClient,
  type RegistryWalletClient,
} from "../../src/chain/actions/index.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { isoTime } from "../../src/chain/records.js";
import { credentialTemplate, didPkh } from "../../src/credential/credential.js";
import { credentialTemplateV3 } from "../../src/credential/v3/template.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { parseAchievement, type Achievement } from "../../src/credential/schema.js";
import {
  CHECK_IDS,
  verifyCredential,
  verifyCredentials,
  type Check,
  type CheckId,
  type VerificationCode,
  type VerificationReport,
  type VerifyOptions,
} from "../../src/verify/index.js";
import { devAccount, learners, rawCourse } from "./helpers/fixtures.js";

/**
 * The verifier against registry v2 (a real `hardhat node`): what v2 adds. Batches keyed by issuer
 * and root, operator keys added with their consent and declared compromised, revocations by an
 * operator key pending for the issuer's delay (final from the issuer's account), an accreditor
 * trust list, accreditors and profiles as they stood when a batch was anchored.
 */

/** Who plays which role (dev account indices; account 0 deploys, is the governance admin and the first accreditor). */
const ROLE = {
  admin: 0,
  issuerA: 1,
  operatorA: 2,
  hotKeyA: 3, // anchors two batches, then is declared compromised since the second
  issuerB: 4, // another accredited institution, anchors a copy of A's root
  operatorB: 5,
  issuerR: 6, // re-accredited under a new name
  operatorR: 7,
  issuerT: 8, // handed over to the second accreditor
  operatorT: 9,
  accreditor2: 10,
  issuerM: 11, // shares a (hand-made) root with A, accredited under another name
  operatorM: 12,
  issuerD: 13, // revocations: pending, cancelled, final
  operatorD: 14,
  stranger: 15, // an address no one appointed
} as const;

const WEEK = 7 * 86_400;
const NAME = "Universiteit van Amsterdam (synthetic)"; // the seed course's awarding body
const NEW_NAME = "Universiteit van Amsterdam, Faculteit Informatica (synthetic)";

const ALL_VALID: VerificationCode[] = [
  "CS-FORMAT-VALID",
  "CS-INTEGRITY-VALID",
  "CS-INCLUSION-VALID",
  "CS-ANCHOR-VALID",
  "CS-ACCREDITATION-VALID",
  "CS-STATUS-VALID",
  "CS-VALIDITY-VALID",
];

const addr = (role: number): Address => devAccount(role).address;
const codes = (r: VerificationReport) => r.checks.map((c) => c.code);
const checkOf = (r: VerificationReport, id: CheckId): Check => r.checks.find((c) => c.id === id)!;
const show = (r: VerificationReport) => JSON.stringify(r.checks.map((c) => `${c.id}:${c.code}`));

/** INVALID, with exactly `expected` for the named checks. */
function expectRejected(r: VerificationReport, expected: Partial<Record<CheckId, VerificationCode>>, what = "") {
  expect(r.checks.map((c) => c.id), show(r)).to.deep.equal([...CHECK_IDS]);
  expect(r.status, `${what} ${show(r)}`).to.equal("INVALID");
  for (const [id, code] of Object.entries(expected)) expect(checkOf(r, id as CheckId).code, `${what} ${id} ${show(r)}`).to.equal(code);
}

const expectValid = (r: VerificationReport, what = "") => expect(codes(r), `${what} ${show(r)}`).to.deep.equal(ALL_VALID);

/** The seed course awarded by `issuer`, optionally under another name. */
function courseOf(issuer: Address, name = NAME): Achievement {
  const raw = rawCourse();
  return parseAchievement({ ...raw, awardingBody: { ...(raw.awardingBody as object), name, address: issuer } });
}

/** A viem client whose transport counts the JSON-RPC methods it sends. */
function countingClient(url: string) {
  const calls: string[] = [];
  const base = http(url, { batch: true });
  const transport = ((options: Parameters<typeof base>[0]) => {
    const inner = base(options);
    return {
      ...inner,
      request: (async (args: { method: string }, opts?: unknown) => {
        calls.push(args.method);
        return inner.request(args as never, opts as never);
      }) as typeof inner.request,
    };
  }) as unknown as Transport;
  return { client: createPublicClient({ transport }), count: (method: string) => calls.filter((m) => m === method).length };
}

describe("verifier on registry v2: keys, pending revocations, trust list, history", function () {
  this.timeout(300_000);

  let node: LocalNode;
  let tmp: string;
  let chainId: number;
  let registry: Address;
  let client: RegistryReadClient;
  let wallet: (role: number) => RegistryWalletClient;
  let online: VerifyOptions;
  const batches: Record<string, Batch> = {};
  const anchoredAt: Record<string, number> = {};

  const latest = async () =>
    Number(((await client.request({ method: "eth_getBlockByNumber", params: ["latest", false] } as never)) as { timestamp: Hex }).timestamp);

  /** Moves the node's clock forward and mines a block. */
  const advance = async (seconds: number) => {
    await client.request({ method: "evm_increaseTime", params: [seconds] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
  };

  const build = (achievement: Achievement) => buildBatch(achievement, learners(), { chainId, registry });

  /** Anchors `batch` with an operator key (the SDK action: no pre-flight profile check); records it under `name`. */
  const anchor = async (name: string, batch: Batch, operator: number) => {
    batches[name] = batch;
    const result = await anchorBatch(wallet(operator), {
      registry,
      root: batch.manifest.root,
      leafCount: batch.manifest.leafCount,
      manifestDigest: manifestDigest(batch.manifest),
    });
    anchoredAt[name] = result.anchoredAt;
    return result;
  };

  const credentialOf = (name: string, index = 0): CredentialFile => structuredClone(batches[name]!.credentials[index]!);

  /** Accredits `issuer` (by `accreditor`) under `name` and adds its operator keys, each with its EIP-712 consent. */
  const accredit = async (issuer: number, operators: number[], name = NAME, accreditor: number = ROLE.admin) => {
    const now = await latest();
    await accreditIssuer(wallet(accreditor), {
      registry,
      issuer: addr(issuer),
      profileDigest: issuerProfileDigest({ name, country: "NL" }),
      maxEqfLevel: 8,
      validFrom: now - 3600,
      validUntil: now + 365 * 86_400,
    });
    for (const op of operators) {
      const consent = await signOperatorConsent(devAccount(op), { registry, chainId, issuer: addr(issuer), deadline: now + 86_400 });
      await addOperator(wallet(issuer), { registry, consent });
    }
  };

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "credstack-verify-v2-"));
    node = await startLocalNode();
    const deployment = await deployRegistry(node.url, { file: path.join(tmp, "deployment.json") });
    chainId = deployment.chainId;
    registry = deployment.registry;
    const chain = { ...hardhat, id: chainId, rpcUrls: { default: { http: [node.url] } } };
    client = createPublicClient({ chain, transport: http(node.url, { batch: true }) }) as RegistryReadClient;
    const wallets = new Map<number, RegistryWalletClient>();
    wallet = (role) => {
      if (!wallets.has(role)) wallets.set(role, createWalletClient({ account: devAccount(role), chain, transport: http(node.url) }) as RegistryWalletClient);
      return wallets.get(role)!;
    };
    online = { client, registry };

    // A second accreditor, appointed by the governance admin.
    const role = keccak256(toHex("ACCREDITOR_ROLE"));
    const hash = await writeContract(wallet(ROLE.admin), { address: registry, abi: credentialRegistryAbi, functionName: "grantRole", args: [role, addr(ROLE.accreditor2)] } as never);
    await waitForTransactionReceipt(client, { hash });

    await accredit(ROLE.issuerA, [ROLE.operatorA, ROLE.hotKeyA]);
    await accredit(ROLE.issuerB, [ROLE.operatorB], "Hogeschool Klein (synthetic)");
    await accredit(ROLE.issuerR, [ROLE.operatorR]);
    await accredit(ROLE.issuerT, [ROLE.operatorT]);
    await accredit(ROLE.issuerM, [ROLE.operatorM], "Hogeschool Middelgroot (synthetic)", ROLE.accreditor2);
    await accredit(ROLE.issuerD, [ROLE.operatorD]);

    await anchor("mainA", build(courseOf(addr(ROLE.issuerA))), ROLE.operatorA);
  });

  after(async () => {
    await node?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  describe("an operator key declared compromised", () => {
    it("a batch it anchored at or after `since` → CS-ANCHOR-KEY-COMPROMISED; one anchored before → VALID; its pending revocation from `since` on is void", async () => {
      const course = courseOf(addr(ROLE.issuerA));
      await anchor("beforeSince", build(course), ROLE.hotKeyA);
      await advance(100);
      await anchor("fromSince", build(course), ROLE.hotKeyA);
      // The thief also revokes a genuine credential of the earlier batch: pending, as from any operator key.
      await revokeCredentials(wallet(ROLE.hotKeyA), { registry, root: batches.beforeSince!.manifest.root, indices: [0], reason: 4 });
      expectRejected(await verifyCredential(credentialOf("beforeSince", 0), online), { status: "CS-STATUS-REVOCATION-PENDING" });
      expectValid(await verifyCredential(credentialOf("fromSince"), online), "before the declaration");

      const since = anchoredAt.fromSince!;
      expect(since - anchoredAt.beforeSince!).to.be.greaterThanOrEqual(100);
      await declareOperatorCompromised(wallet(ROLE.issuerA), { registry, key: addr(ROLE.hotKeyA), since });

      const compromised = await verifyCredentials(batches.fromSince!.credentials, online);
      for (const report of compromised) {
        expectRejected(report, { integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-KEY-COMPROMISED", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-VALID" });
        expect(checkOf(report, "anchored")).to.deep.include({ status: "INVALID", details: { anchoringKey: addr(ROLE.hotKeyA), anchoredAt: isoTime(since) } });
      }
      // Anchored before `since`: still the issuer's; the thief's revocation (made after `since`) is void.
      for (const report of await verifyCredentials(batches.beforeSince!.credentials, online)) expectValid(report, "anchored before since");
      expect(checkOf(await verifyCredential(credentialOf("beforeSince"), online), "anchored").details).to.include({ anchoringKey: addr(ROLE.hotKeyA) });
      // The issuer's other keys are untouched.
      expectValid(await verifyCredential(credentialOf("mainA"), online));
    });
  });

  describe("the accreditor trust list (accreditors)", () => {
    it("an accreditor the verifier does not list → INVALID CS-ACCREDITATION-UNTRUSTED-ACCREDITOR; the one that accredited the issuer → VALID", async () => {
      const credential = credentialOf("mainA");
      const untrusted = await verifyCredential(credential, { ...online, accreditors: [addr(ROLE.stranger)] });
      expectRejected(untrusted, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR", status: "CS-STATUS-VALID", validity: "CS-VALIDITY-VALID" });
      expect(checkOf(untrusted, "accredited").details).to.deep.include({ accreditor: addr(ROLE.admin), trustedAccreditors: [addr(ROLE.stranger)], status: "Active" });
      expect(untrusted.trusted).to.deep.equal({ registry: getAddress(registry), chainId, accreditors: [addr(ROLE.stranger)] });

      const trusted = await verifyCredential(credential, { ...online, accreditors: [addr(ROLE.admin)] });
      expectValid(trusted);
      expect(checkOf(trusted, "accredited").details).to.include({ accreditor: addr(ROLE.admin) });
      expect(trusted.trusted?.accreditors).to.deep.equal([addr(ROLE.admin)]);
      // Addresses compare case-insensitively; a list of several trusts each; no list trusts every accreditor.
      expectValid(await verifyCredential(credential, { ...online, accreditors: [addr(ROLE.admin).toLowerCase() as Address] }));
      expectValid(await verifyCredential(credential, { ...online, accreditors: [addr(ROLE.stranger), addr(ROLE.admin)] }));
      expectValid(await verifyCredential(credential, online));
      // An empty list trusts no one.
      expectRejected(await verifyCredential(credential, { ...online, accreditors: [] }), { accredited: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR" });
    });

    it("after the admin hands the issuer to a second accreditor: batches anchored before name the first, batches anchored after the second", async () => {
      const course = courseOf(addr(ROLE.issuerT));
      await anchor("beforeTransfer", build(course), ROLE.operatorT);
      await transferIssuer(wallet(ROLE.admin), { registry, issuer: addr(ROLE.issuerT), to: addr(ROLE.accreditor2) });
      await anchor("afterTransfer", build(course), ROLE.operatorT);

      const first = [addr(ROLE.admin)];
      const second = [addr(ROLE.accreditor2)];
      const before = await verifyCredential(credentialOf("beforeTransfer"), { ...online, accreditors: first });
      expectValid(before, "before, first trusted");
      expect(checkOf(before, "accredited").details).to.include({ accreditor: addr(ROLE.admin) });
      expectRejected(await verifyCredential(credentialOf("beforeTransfer"), { ...online, accreditors: second }), { accredited: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR" });

      const after = await verifyCredential(credentialOf("afterTransfer"), { ...online, accreditors: first });
      expectRejected(after, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR", status: "CS-STATUS-VALID" });
      expect(checkOf(after, "accredited").details).to.include({ accreditor: addr(ROLE.accreditor2) });
      const afterTrusted = await verifyCredential(credentialOf("afterTransfer"), { ...online, accreditors: second });
      expectValid(afterTrusted, "after, second trusted");
      expect(checkOf(afterTrusted, "accredited").details).to.include({ accreditor: addr(ROLE.accreditor2) });
      for (const name of ["beforeTransfer", "afterTransfer"]) {
        expectValid(await verifyCredential(credentialOf(name), { ...online, accreditors: [...first, ...second] }), name);
        expectValid(await verifyCredential(credentialOf(name), online), name);
      }
    });
  });

  describe("issuer profiles are historical", () => {
    it("re-accredited under a new name: older credentials (old name) stay VALID; a new batch under the old name → CS-ACCREDITATION-PROFILE-MISMATCH", async () => {
      await anchor("oldName", build(courseOf(addr(ROLE.issuerR))), ROLE.operatorR);
      expectValid(await verifyCredential(credentialOf("oldName"), online), "before the renaming");
      const now = await latest();
      const newDigest = issuerProfileDigest({ name: NEW_NAME, country: "NL" });
      await accreditIssuer(wallet(ROLE.admin), { registry, issuer: addr(ROLE.issuerR), profileDigest: newDigest, maxEqfLevel: 8, validFrom: now - 3600, validUntil: now + 365 * 86_400 });

      for (const report of await verifyCredentials(batches.oldName!.credentials, online)) expectValid(report, "old name, anchored before the renaming");

      // The SDK's anchorBatch does no pre-flight check (anchorBatchDirectory would refuse this batch).
      await anchor("oldNameAfterRenaming", build(courseOf(addr(ROLE.issuerR))), ROLE.operatorR);
      const mismatch = await verifyCredential(credentialOf("oldNameAfterRenaming"), online);
      expectRejected(mismatch, { integrity: "CS-INTEGRITY-VALID", anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-PROFILE-MISMATCH", status: "CS-STATUS-VALID" });
      expect(checkOf(mismatch, "accredited").details).to.deep.include({
        claimed: { name: NAME, country: "NL" },
        claimedDigest: issuerProfileDigest({ name: NAME, country: "NL" }),
        recordedDigest: newDigest,
      });

      await anchor("newName", build(courseOf(addr(ROLE.issuerR), NEW_NAME)), ROLE.operatorR);
      expectValid(await verifyCredential(credentialOf("newName"), online), "new name, after the renaming");
    });
  });

  describe("two issuers, one root (batches are keyed by issuer and root)", () => {
    it("another accredited issuer anchoring a copy of A's root (and revoking it) does not affect A's credentials", async () => {
      const root = batches.mainA!.manifest.root;
      await anchorBatch(wallet(ROLE.operatorB), { registry, root, leafCount: batches.mainA!.manifest.leafCount, manifestDigest: manifestDigest(batches.mainA!.manifest) });
      const counter = countingClient(node.url);
      for (const report of await verifyCredentials(batches.mainA!.credentials, { client: counter.client, registry })) {
        expectValid(report);
        expect(checkOf(report, "anchored").details).to.include({ issuer: addr(ROLE.issuerA), anchoringKey: addr(ROLE.operatorA) });
      }
      expect(counter.count("eth_call")).to.equal(1); // (A, root) only
      await revokeBatch(wallet(ROLE.issuerB), { registry, root, reason: 1 });
      for (const report of await verifyCredentials(batches.mainA!.credentials, online)) expectValid(report, "after B revoked its copy");
    });

    it("a credential claiming issuer B with A's root is INVALID at integrity (a record: CS-INTEGRITY-DIGEST-MISMATCH; a bare VC: FACTS- or LEAF-MISMATCH), never looked up as (B, root)", async () => {
      const genuine = credentialOf("mainA", 1);
      expect(genuine.format).to.equal(CREDENTIAL_FORMAT_V3);
      // Only the issuer's id changed; and the whole credential as B would have issued it, in A's envelope.
      const retagged = structuredClone(genuine) as CredentialFile & { credential: { issuer: { id: string } } };
      retagged.credential.issuer.id = didPkh(chainId, addr(ROLE.issuerB));
      const asB = buildBatch(courseOf(addr(ROLE.issuerB), "Hogeschool Klein (synthetic)"), learners(), { chainId, registry }).credentials[1]!;
      const rewritten = { ...genuine, credential: asB.credential };
      // The bare VCs (what a learner holds): the proof names A's account (verificationMethod), or is re-pointed at B's.
      const vc = toVerifiableCredential(genuine as CredentialRecordV3) as Record<string, any>;
      const naming = (v: Record<string, any>, issuer: Address) => {
        const copy = structuredClone(v);
        copy.proof[0].verificationMethod = copy.proof[0].verificationMethod.replace(/0x[0-9a-fA-F]{40}/, issuer);
        return copy;
      };
      const vcRetagged = { ...structuredClone(vc), issuer: { ...vc.issuer, id: didPkh(chainId, addr(ROLE.issuerB)) } };
      const vcRewritten = { ...structuredClone(asB.credential), proof: vc.proof };
      const cases: [what: string, forged: unknown, integrity: VerificationCode, inclusion: VerificationCode][] = [
        // A record is held to its own leaf (A's), whose digest the altered credential no longer gives (as a v2 file).
        ["issuer id (record)", retagged, "CS-INTEGRITY-DIGEST-MISMATCH", "CS-INCLUSION-VALID"],
        ["whole credential (record)", rewritten, "CS-INTEGRITY-DIGEST-MISMATCH", "CS-INCLUSION-VALID"],
        // A bare VC's leaf is recomputed, bound to the proof's issuer account: A's account against a
        // did:pkh naming B → FACTS-MISMATCH (leaf.issuer); B's account → a leaf A's tree does not hold
        // (LEAF-MISMATCH). Either way the path leads elsewhere (ROOT-MISMATCH).
        ["issuer id (VC)", vcRetagged, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
        ["whole credential (VC)", vcRewritten, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
        ["issuer id and proof account (VC)", naming(vcRetagged, addr(ROLE.issuerB)), "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
        ["whole credential and proof account (VC)", naming(vcRewritten, addr(ROLE.issuerB)), "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
        ["proof account only (VC)", naming(vc, addr(ROLE.issuerB)), "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ];
      for (const [what, forged, integrity, inclusion] of cases) {
        const report = await verifyCredential(forged as never, online);
        expectRejected(report, { format: "CS-FORMAT-VALID", integrity, inclusion }, what);
        for (const id of ["anchored", "accredited", "status", "validity"] as const) expect(checkOf(report, id).code, `${what} ${id}`).to.equal("CS-SKIPPED-PRECONDITION");
      }
      expectValid(await verifyCredential(vc, online), "the genuine VC");
    });

    it("one root holding credentials of two issuers, anchored by both: each credential is checked against its own issuer's batch (one read per issuer and root)", async () => {
      // A hand-made root: credential 0 names A, credential 1 names M under A's name (M is accredited
      // as another institution, by the second accreditor). Both anchor it.
      // Format v3 (each leaf binds its own issuer) and, pinned, format 2 (v2 files keep verifying).
      for (const format of [3, 2] as const) {
        const target = { chainId, registry };
        const people = learners();
        const drafts =
          format === 3
            ? [
                draftLearnerV3(credentialTemplateV3(courseOf(addr(ROLE.issuerA)), chainId), people[0]!, 0, { ...target, issuer: addr(ROLE.issuerA) }),
                draftLearnerV3(credentialTemplateV3(courseOf(addr(ROLE.issuerM)), chainId), people[1]!, 1, { ...target, issuer: addr(ROLE.issuerM) }),
              ]
            : [
                draftLearner(credentialTemplate(courseOf(addr(ROLE.issuerA)), chainId), people[0]!, 0, target),
                draftLearner(credentialTemplate(courseOf(addr(ROLE.issuerM)), chainId), people[1]!, 1, target),
              ];
        const tree = MerkleBatchTree.of(drafts.map((d) => bytesToHex(d.hash)));
        const files: CredentialFile[] = drafts.map((d, index) => {
          const credential = structuredClone(d.credential);
          const proof = { leaf: bytesToHex(d.hash), index, path: tree.proof(index), root: tree.root };
          return format === 3
            ? { format: CREDENTIAL_FORMAT_V3, credential, salts: recordSalts(credential, d.saltSeed), leaf: { ...d.leaf, issuer: d.leaf.issuer! }, proof }
            : { format: CREDENTIAL_FORMAT_V2, credential, saltSeed: d.saltSeed, leaf: d.leaf, proof };
        });
        expect(files.map((f) => f.format)).to.deep.equal([`credstack-credential-v${format}`, `credstack-credential-v${format}`]);
        for (const operator of [ROLE.operatorA, ROLE.operatorM]) {
          await anchorBatch(wallet(operator), { registry, root: tree.root, leafCount: 2, manifestDigest: keccak256(tree.root) });
        }
        const [ofA, ofM] = files as [CredentialFile, CredentialFile];
        const alone = [await verifyCredential(ofA, online), await verifyCredential(ofM, online)];
        expectValid(alone[0]!, "A's, alone");
        expectRejected(alone[1]!, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-PROFILE-MISMATCH" }, "M's, alone");
        expect(checkOf(alone[1]!, "anchored").details).to.include({ issuer: addr(ROLE.issuerM), anchoringKey: addr(ROLE.operatorM) });
        expect(checkOf(alone[1]!, "accredited").details).to.include({ accreditor: addr(ROLE.accreditor2) });

        // Together, in either order: the same reports as alone (nothing of A's batch lent to M's).
        for (const order of [[ofA, ofM], [ofM, ofA]]) {
          const counter = countingClient(node.url);
          const reports = await verifyCredentials(order, { client: counter.client, registry });
          const byIssuer = (r: VerificationReport) => (r.credential?.index === 0 ? alone[0]! : alone[1]!);
          for (const report of reports) expect(report.checks).to.deep.equal(byIssuer(report).checks);
          expect(counter.count("eth_call"), "one verificationOf per (issuer, root)").to.equal(2);
        }
        // With the trust list naming only the first accreditor, M's credential fails on that too.
        expectRejected(await verifyCredential(ofM, { ...online, accreditors: [addr(ROLE.admin)] }), { accredited: "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR" });
      }
    });
  });

  // Last: it moves the node's clock a week ahead.
  describe("revocations: pending from an operator key, final from the issuer's account or after the delay", () => {
    let delay: number;

    before(async () => {
      const course = courseOf(addr(ROLE.issuerD));
      for (const name of ["revokeD", "batchPendingD", "batchIssuerD", "batchMaturesD"]) await anchor(name, build(course), ROLE.operatorD);
      delay = await getRevocationDelay(client, { registry, issuer: addr(ROLE.issuerD) });
      expect(delay).to.equal(WEEK); // the default
    });

    it("an operator key revokes → CS-STATUS-REVOCATION-PENDING (by the key, not final, final at +delay); the issuer cancels → VALID", async () => {
      const credential = credentialOf("revokeD", 1);
      const { timestamp } = await revokeCredentials(wallet(ROLE.operatorD), { registry, root: credential.proof.root, indices: [1], reason: 4 });
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-REVOCATION-PENDING", validity: "CS-VALIDITY-VALID" });
      expect(checkOf(report, "status")).to.deep.include({
        status: "INVALID",
        details: { index: 1, by: addr(ROLE.operatorD), byIssuerAccount: false, at: isoTime(timestamp), final: false, finalAt: isoTime(timestamp + delay) },
      });
      expect(checkOf(report, "status").message).to.contain(addr(ROLE.operatorD));
      expectValid(await verifyCredential(credentialOf("revokeD", 0), online), "its neighbour");

      await cancelRevocations(wallet(ROLE.issuerD), { registry, root: credential.proof.root, indices: [1] });
      expectValid(await verifyCredential(credential, online), "after the issuer cancelled");
    });

    it("the issuer's own account revokes → CS-STATUS-REVOKED at once (final)", async () => {
      const credential = credentialOf("revokeD", 3);
      await revokeCredentials(wallet(ROLE.issuerD), { registry, root: credential.proof.root, indices: [3], reason: 4 });
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-REVOKED" });
      expect(checkOf(report, "status").details).to.deep.equal({ index: 3, final: true });
    });

    it("an operator key revokes a whole batch → CS-STATUS-BATCH-REVOCATION-PENDING; the issuer cancels → VALID", async () => {
      const batch = batches.batchPendingD!;
      const { timestamp } = await revokeBatch(wallet(ROLE.operatorD), { registry, root: batch.manifest.root, reason: 9 });
      const reports = await verifyCredentials(batch.credentials, online);
      for (const report of reports) {
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-BATCH-REVOCATION-PENDING" });
        expect(checkOf(report, "status").details).to.deep.equal({
          reason: 9,
          by: addr(ROLE.operatorD),
          byIssuerAccount: false,
          at: isoTime(timestamp),
          final: false,
          finalAt: isoTime(timestamp + delay),
        });
      }
      await cancelBatchRevocation(wallet(ROLE.issuerD), { registry, root: batch.manifest.root });
      for (const report of await verifyCredentials(batch.credentials, online)) expectValid(report, "after the issuer cancelled");
    });

    it("the issuer's own account revokes a whole batch → CS-STATUS-BATCH-REVOKED at once", async () => {
      const batch = batches.batchIssuerD!;
      const { timestamp } = await revokeBatch(wallet(ROLE.issuerD), { registry, root: batch.manifest.root, reason: 9 });
      for (const report of await verifyCredentials(batch.credentials, online)) {
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", status: "CS-STATUS-BATCH-REVOKED" });
        expect(checkOf(report, "status").details).to.deep.equal({
          reason: 9,
          by: addr(ROLE.issuerD),
          byIssuerAccount: true,
          at: isoTime(timestamp),
          final: true,
          finalAt: isoTime(timestamp),
        });
      }
    });

    it("once the delay has passed (node time advanced), an operator key's revocations are final: CS-STATUS-REVOKED, CS-STATUS-BATCH-REVOKED", async () => {
      const credential = credentialOf("revokeD", 2);
      const batch = batches.batchMaturesD!;
      await revokeCredentials(wallet(ROLE.operatorD), { registry, root: credential.proof.root, indices: [2], reason: 4 });
      const { timestamp } = await revokeBatch(wallet(ROLE.operatorD), { registry, root: batch.manifest.root, reason: 9 });
      expect(checkOf(await verifyCredential(credential, online), "status").code).to.equal("CS-STATUS-REVOCATION-PENDING");
      expect(checkOf(await verifyCredential(credentialOf("batchMaturesD"), online), "status").code).to.equal("CS-STATUS-BATCH-REVOCATION-PENDING");

      await advance(delay - 10);
      expect(checkOf(await verifyCredential(credential, online), "status").code, "10 s before the delay ends").to.equal("CS-STATUS-REVOCATION-PENDING");
      await advance(10);

      const revoked = await verifyCredential(credential, online);
      expectRejected(revoked, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-REVOKED" });
      expect(checkOf(revoked, "status").details).to.deep.equal({ index: 2, final: true });
      for (const report of await verifyCredentials(batch.credentials, online)) {
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", status: "CS-STATUS-BATCH-REVOKED" });
        expect(checkOf(report, "status").details).to.deep.equal({
          reason: 9,
          by: addr(ROLE.operatorD),
          byIssuerAccount: false,
          at: isoTime(timestamp),
          final: true,
          finalAt: isoTime(timestamp + delay),
        });
      }
      // The cancelled one stays VALID, the issuer's final one stays revoked, and the untouched neighbour is VALID.
      expectValid(await verifyCredential(credentialOf("revokeD", 1), online));
      expect(checkOf(await verifyCredential(credentialOf("revokeD", 3), online), "status").code).to.equal("CS-STATUS-REVOKED");
      expectValid(await verifyCredential(credentialOf("revokeD", 0), online));
    });
  });
});
