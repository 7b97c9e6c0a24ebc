import { expect } from "chai";
import { network } from "hardhat";
import {
  BaseError,
  ContractFunctionRevertedError,
  bytesToHex,
  decodeErrorResult,
  encodeFunctionData,
  getAddress,
  hashTypedData,
  hexToBytes,
  keccak256,
  pad,
  parseEventLogs,
  toHex,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
} from "viem";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import { processProof } from "../../src/batch/core.js";
import type { CredentialFile } from "../../src/batch/format.js";
import { leafHash, type LeafFields } from "../../src/batch/leaf.js";
import { MerkleBatchTree } from "../../src/batch/tree.js";
import { credentialRegistryAbi, stackingRegistryAbi } from "../../src/chain/abi.js";
import { operatorConsentTypedData, signOperatorConsent } from "../../src/chain/actions/index.js";
import { ContractRevertError } from "../../src/chain/errors.js";
import { REVERT_SENTENCES } from "../../src/chain/revert-messages.js";
import { toChainError } from "../../src/chain/to-chain-error.js";
import { course, devAccount, learners } from "./helpers/fixtures.js";

/**
 * The properties of registry v2 (issue #10), each with a test that the v1 contracts fail: a root
 * belongs to the issuer that anchored it (no front-running), a stolen operator key's revocations
 * stay pending and cancellable, roles are checked on every accreditor action, history is never
 * rewritten, profiles are historical, operator keys join only with their own consent,
 * checkCredential answers every state of a real credential, point-in-time lookups are binary
 * searches, and every custom error reads as a sentence. Errors are asserted by name and
 * arguments, events by their decoded arguments.
 */

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const YEAR = 365 * 86_400;
const DAY = 86_400;
const ADMIN_DELAY = 3 * DAY;
/** The revocation delay of an issuer that set none. */
const DEFAULT_DELAY = 7 * DAY;
const DEFAULT_ADMIN_ROLE = zeroHash;
const digest = (s: string): Hex => keccak256(toHex(s));
const PROFILE_A1 = digest('{"country":"NL","name":"Example University"}');
const PROFILE_A2 = digest('{"country":"NL","name":"Example University of Technology"}');

/** `ICredentialRegistry.BatchStatus` and `CredentialState`, `IAccreditationRegistry.AccreditationStatus`, by value. */
const BatchStatus = { None: 0, Active: 1, RevocationPending: 2, Revoked: 3 } as const;
const State = {
  Valid: 0,
  NotAnchored: 1,
  InvalidProof: 2,
  IndexOutOfRange: 3,
  AnchoringKeyCompromised: 4,
  IssuerNotAccredited: 5,
  EqfAboveAccreditation: 6,
  BatchRevoked: 7,
  BatchRevocationPending: 8,
  Revoked: 9,
  RevocationPending: 10,
  Suspended: 11,
} as const;
const Accreditation = { None: 0, Active: 1, Suspended: 2, Withdrawn: 3 } as const;

/** Who plays which role: dev account indices (Hardhat's default mnemonic). Issuer A is the seed course's awarding body. */
const DEV = { admin: 0, issuerA: 1, accreditor: 2, accreditor2: 3, opA: 4, issuerB: 5, opB: 6, stranger: 7, opA2: 8, issuerC: 9, issuerD: 10 } as const;

/** One bit per index, in word 0 (indices below 256). */
const bits = (...indices: number[]) => indices.reduce((m, i) => m | (1n << BigInt(i)), 0n);

async function deployFixture() {
  const wallets = await viem.getWalletClients();
  const wallet = (role: keyof typeof DEV) => {
    const w = wallets[DEV[role]];
    if (!w) throw new Error(`no dev account ${DEV[role]}`);
    return w;
  };
  const [admin, issuerA, accreditor, accreditor2, opA, issuerB, opB, stranger, opA2] = (
    ["admin", "issuerA", "accreditor", "accreditor2", "opA", "issuerB", "opB", "stranger", "opA2"] as const
  ).map(wallet);
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract("CredentialRegistry", [ADMIN_DELAY, admin!.account.address]);
  const chainId = await publicClient.getChainId();
  const ACCREDITOR_ROLE = await registry.read.ACCREDITOR_ROLE();
  for (const who of [accreditor!, accreditor2!]) await registry.write.grantRole([ACCREDITOR_ROLE, who.account.address], { account: admin!.account });
  const now = await time.latest();
  // A may award up to EQF 6 (the seed course's level), B up to 5.
  await registry.write.accredit([issuerA!.account.address, PROFILE_A1, 6, now, now + 5 * YEAR], { account: accreditor!.account });
  await registry.write.accredit([issuerB!.account.address, digest("B"), 5, now, now + 5 * YEAR], { account: accreditor!.account });
  const consentA = await signOperatorConsent(devAccount(DEV.opA), { registry: registry.address, chainId, issuer: issuerA!.account.address, deadline: now + 3_600 });
  await registry.write.addOperator([consentA.key, BigInt(consentA.deadline), consentA.signature], { account: issuerA!.account });
  const consentB = await signOperatorConsent(devAccount(DEV.opB), { registry: registry.address, chainId, issuer: issuerB!.account.address, deadline: now + 3_600 });
  await registry.write.addOperator([consentB.key, BigInt(consentB.deadline), consentB.signature], { account: issuerB!.account });
  // A real batch of the seed course and learners, built for this registry and chain (not anchored yet).
  const batch = buildBatch(course(), learners(), { chainId, registry: registry.address });
  return {
    publicClient, registry, chainId, ACCREDITOR_ROLE, batch, root: batch.manifest.root,
    admin: admin!, issuerA: issuerA!, accreditor: accreditor!, accreditor2: accreditor2!, opA: opA!, issuerB: issuerB!, opB: opB!, stranger: stranger!, opA2: opA2!,
    wallet, start: now,
  };
}

/** The fixture, with the batch anchored by A's operator key. */
async function anchoredFixture() {
  const f = await deployFixture();
  const { batch } = f;
  const hash = await f.registry.write.anchorBatch([batch.manifest.root, batch.manifest.leafCount, manifestDigest(batch.manifest)], { account: f.opA.account });
  const anchoredAt = Number((await f.registry.read.batchOf([f.issuerA.account.address, batch.manifest.root])).anchoredAt);
  return { ...f, anchorTx: hash, anchoredAt };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>> & { anchorTx?: Hex; anchoredAt?: number };
let f: Fixture;

/** The checksummed address of a wallet client (Hardhat's wallet clients hold lowercase ones). */
const addr = (client: { account: { address: Address } }): Address => getAddress(client.account.address);
const as = (client: { account: { address: Address } }) => ({ account: client.account as never });

/** The public fields of a credential's leaf, as `checkCredential` and `leafOf` take them. */
const fieldsOf = (leaf: LeafFields) => ({
  index: BigInt(leaf.index),
  achievementId: leaf.achievementId,
  creditsCenti: leaf.creditsCenti,
  eqfLevel: leaf.eqfLevel,
  awardedAt: leaf.awardedAt,
  holder: leaf.holder,
  credentialDigest: leaf.credentialDigest,
});

/** `checkCredential(issuer, root, fields, proof)` of credential `c` (or other fields / proof), state and leaf. */
async function check(issuer: Address, c: CredentialFile, over: { leaf?: Partial<LeafFields>; proof?: Hex[]; root?: Hex } = {}) {
  const leaf = { ...c.leaf, ...over.leaf };
  const [state, recomputed] = await f.registry.read.checkCredential([issuer, over.root ?? c.proof.root, fieldsOf(leaf), over.proof ?? c.proof.path]);
  // The leaf the contract recomputes is the TS (v3) leaf of the same fields under the issuer asked
  // about, whatever the verdict: the credential's own leaf only under its own issuer.
  expect(recomputed, "checkCredential's leaf = leafHash").to.equal(leafHash({ ...leaf, issuer }));
  return state;
}

/** The decoded events of a mined transaction. */
async function eventsOf(hash: Hex) {
  const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).to.equal("success");
  return parseEventLogs({ abi: credentialRegistryAbi, logs: receipt.logs });
}

/** Expects exactly one `eventName` in the transaction, with exactly `args`. */
async function expectEvent(hash: Hex, eventName: string, args: Record<string, unknown>) {
  const logs = (await eventsOf(hash)).filter((l) => l.eventName === eventName);
  expect(logs.length, `one ${eventName} event`).to.equal(1);
  expect(logs[0]!.args).to.deep.equal(args);
}

/** The registry custom error in `error`'s cause chain: viem's decoded revert, or raw revert data decoded through the ABI. */
function revertOf(error: unknown): { errorName: string; args: readonly unknown[] } | undefined {
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data) return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
  }
  for (let e = error as { data?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 16; e = e.cause as typeof e, depth++) {
    if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) {
      try {
        const { errorName, args } = decodeErrorResult({ abi: credentialRegistryAbi, data: e.data as Hex });
        return { errorName, args: args ?? [] };
      } catch {
        // not one of the registry's errors
      }
    }
  }
  return undefined;
}

/** Expects `promise` to revert with the custom error `errorName` and, if given, exactly `args`. */
async function expectRevert(promise: Promise<unknown>, errorName: string, args?: readonly unknown[]) {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (error === undefined) expect.fail(`expected a revert with ${errorName}`);
  const revert = revertOf(error);
  expect(revert?.errorName, String((error as Error)?.message ?? error).split("\n")[0]).to.equal(errorName);
  if (args) expect(revert!.args, errorName).to.deep.equal(args);
}

/** The raw error of a call that reverts (a viem simulation, nothing sent). */
async function revertingCall(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  expect.fail("expected the call to revert");
}

const batchOf = (issuer: Address, root: Hex = f.root) => f.registry.read.batchOf([issuer, root]);
const word0 = async (issuer: Address, root: Hex = f.root) => (await f.registry.read.statusWords([issuer, root, [0n]]))[0]!;
/** Credential `i` of the fixture's batch. */
const cred = (i: number, batch: Batch = f.batch) => batch.credentials[i]!;

describe("registry v2 properties (#10)", () => {
  describe("front-running: a root belongs to the issuer that anchored it", () => {
    beforeEach(async () => {
      f = await loadFixture(deployFixture);
    });

    it("issuer B's operator anchoring A's root first does not stop A's operator from anchoring it", async () => {
      const { root, batch } = f;
      // B copies A's root (from the mempool, or from files handed out early) and anchors it first.
      const first = await f.registry.write.anchorBatch([root, batch.manifest.leafCount, manifestDigest(batch.manifest)], as(f.opB));
      await expectEvent(first, "BatchAnchored", { root, issuer: addr(f.issuerB), operator: addr(f.opB), leafCount: 5, manifestDigest: manifestDigest(batch.manifest) });
      const ours = await f.registry.write.anchorBatch([root, batch.manifest.leafCount, manifestDigest(batch.manifest)], as(f.opA));
      await expectEvent(ours, "BatchAnchored", { root, issuer: addr(f.issuerA), operator: addr(f.opA), leafCount: 5, manifestDigest: manifestDigest(batch.manifest) });
      expect((await batchOf(addr(f.issuerA))).anchoringKey).to.equal(addr(f.opA));
      expect((await batchOf(addr(f.issuerB))).anchoringKey).to.equal(addr(f.opB));
      for (const c of batch.credentials) expect(await check(addr(f.issuerA), c)).to.equal(State.Valid);
      // B's copy verifies none of A's credentials: v3 leaves bind the issuer, so under B they are another leaf.
      for (const c of batch.credentials) expect(await check(addr(f.issuerB), c)).to.equal(State.InvalidProof);
      // A retry by A's own operator is the only duplicate.
      await expectRevert(f.registry.write.anchorBatch([root, 5, zeroHash], as(f.opA)), "BatchAlreadyAnchored", [addr(f.issuerA), root]);
    });

    it("A's batch is unaffected by B revoking, suspending or losing its copy", async () => {
      const { root } = f;
      await f.registry.write.anchorBatch([root, 5, zeroHash], as(f.opB));
      await f.registry.write.anchorBatch([root, 5, zeroHash], as(f.opA));
      await f.registry.write.revokeCredentials([root, [0n], [bits(1)], 1], as(f.issuerB));
      await f.registry.write.suspendCredentials([root, [0n], [bits(2)]], as(f.opB));
      await f.registry.write.revokeBatch([root, 1], as(f.issuerB));
      expect((await batchOf(addr(f.issuerB))).status).to.equal(BatchStatus.Revoked);
      expect(await word0(addr(f.issuerB))).to.deep.include({ revoked: bits(1), suspended: bits(2) });

      const a = await batchOf(addr(f.issuerA));
      expect([a.status, a.revokedBy, a.anchoringKeyCompromised]).to.deep.equal([BatchStatus.Active, zeroAddress, false]);
      expect(await word0(addr(f.issuerA))).to.deep.include({ revoked: 0n, pending: 0n, suspended: 0n });
      for (const c of f.batch.credentials) expect(await check(addr(f.issuerA), c)).to.equal(State.Valid);
      // And B's operator cannot reach A's batch at all.
      await expectRevert(f.registry.write.revokeBatch([root, 1], as(f.opB)), "BatchIsRevoked", [addr(f.issuerB), root]);
      await expectRevert(f.registry.write.cancelRevocations([root, [0n], [bits(1)]], as(f.opB)), "OnlyIssuerAccount", [addr(f.opB)]);
    });

    it("BatchAnchored names the operator key as its third indexed topic", async () => {
      const hash = await f.registry.write.anchorBatch([f.root, 5, zeroHash], as(f.opA));
      const { logs } = await f.publicClient.waitForTransactionReceipt({ hash });
      expect(logs.length).to.equal(1);
      const topics = logs[0]!.topics.map((t) => t.toLowerCase());
      expect(topics.slice(1)).to.deep.equal([f.root, pad(addr(f.issuerA)), pad(addr(f.opA))].map((t) => t.toLowerCase()));
      // Filterable by operator key: the logs of one key, across issuers.
      const byKey = await f.publicClient.getContractEvents({
        address: f.registry.address, abi: credentialRegistryAbi, eventName: "BatchAnchored", args: { operator: addr(f.opA) }, fromBlock: 0n,
      });
      expect(byKey.map((l) => l.transactionHash)).to.deep.equal([hash]);
    });
  });

  describe("a stolen operator key", () => {
    beforeEach(async () => {
      f = await loadFixture(anchoredFixture);
    });

    it("its revocations are pending: credentials and the batch fail checkCredential at once", async () => {
      const issuer = addr(f.issuerA);
      const hash = await f.registry.write.revokeCredentials([f.root, [0n], [bits(1)], 4], as(f.opA));
      await expectEvent(hash, "CredentialsRevoked", { root: f.root, issuer, by: addr(f.opA), reason: 4, isFinal: false, words: [0n], masks: [bits(1)] });
      const since = await time.latest();
      expect(await word0(issuer)).to.deep.equal({
        revoked: 0n, pending: bits(1), suspended: 0n, pendingBy: addr(f.opA), pendingSince: since, pendingFinalAt: since + DEFAULT_DELAY,
      });
      expect(await check(issuer, cred(1))).to.equal(State.RevocationPending);
      expect(await check(issuer, cred(0))).to.equal(State.Valid);

      const revokeBatch = await f.registry.write.revokeBatch([f.root, 9], as(f.opA));
      await expectEvent(revokeBatch, "BatchRevoked", { root: f.root, issuer, by: addr(f.opA), reason: 9, isFinal: false });
      const at = await time.latest();
      const b = await batchOf(issuer);
      expect([b.status, b.revocationReason, b.revokedBy, b.revokedAt, b.revocationFinalAt]).to.deep.equal([
        BatchStatus.RevocationPending, 9, addr(f.opA), at, at + DEFAULT_DELAY,
      ]);
      expect(await check(issuer, cred(0))).to.equal(State.BatchRevocationPending);
    });

    it("the issuer's account cancels them, and the credential is Valid again", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(1, 2)], 4], as(f.opA));
      await f.registry.write.revokeBatch([f.root, 9], as(f.opA));
      await time.increase(DEFAULT_DELAY - 3_600); // an hour before they become final

      const cancel = await f.registry.write.cancelRevocations([f.root, [0n], [bits(1)]], as(f.issuerA));
      await expectEvent(cancel, "RevocationsCancelled", { root: f.root, issuer, words: [0n], masks: [bits(1)] });
      const cancelBatch = await f.registry.write.cancelBatchRevocation([f.root], as(f.issuerA));
      await expectEvent(cancelBatch, "BatchRevocationCancelled", { root: f.root, issuer });
      const b = await batchOf(issuer);
      expect([b.status, b.revocationReason, b.revokedBy, b.revocationFinalAt]).to.deep.equal([BatchStatus.Active, 0, zeroAddress, 0]);
      expect(await check(issuer, cred(1))).to.equal(State.Valid);
      expect(await check(issuer, cred(2))).to.equal(State.RevocationPending);
      await expectRevert(f.registry.write.cancelBatchRevocation([f.root], as(f.issuerA)), "NoPendingBatchRevocation", [issuer, f.root]);
    });

    it("after the issuer's delay they are final, and cancelling reverts", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(1)], 4], as(f.opA));
      await time.increase(DEFAULT_DELAY);
      expect(await word0(issuer)).to.deep.include({ revoked: bits(1), pending: 0n });
      expect(await check(issuer, cred(1))).to.equal(State.Revoked);
      await expectRevert(f.registry.write.cancelRevocations([f.root, [0n], [bits(1)]], as(f.issuerA)), "RevocationIsFinal", [f.root, 0n]);
      expect(await check(issuer, cred(1))).to.equal(State.Revoked);

      await f.registry.write.revokeBatch([f.root, 9], as(f.opA));
      await time.increase(DEFAULT_DELAY);
      const b = await batchOf(issuer);
      expect([b.status, b.revokedBy]).to.deep.equal([BatchStatus.Revoked, addr(f.opA)]);
      expect(await check(issuer, cred(0))).to.equal(State.BatchRevoked);
      await expectRevert(f.registry.write.cancelBatchRevocation([f.root], as(f.issuerA)), "BatchIsRevoked", [issuer, f.root]);
    });

    it("a shorter delay set by the issuer applies; the key itself cannot cancel nor change the delay", async () => {
      const issuer = addr(f.issuerA);
      await expectEvent(await f.registry.write.setRevocationDelay([3_600], as(f.issuerA)), "RevocationDelaySet", { issuer, delay: 3_600 });
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(3)], 4], as(f.opA));
      await f.registry.write.revokeBatch([f.root, 9], as(f.opA));
      await expectRevert(f.registry.write.cancelRevocations([f.root, [0n], [bits(3)]], as(f.opA)), "OnlyIssuerAccount", [addr(f.opA)]);
      await expectRevert(f.registry.write.cancelBatchRevocation([f.root], as(f.opA)), "OnlyIssuerAccount", [addr(f.opA)]);
      await expectRevert(f.registry.write.setRevocationDelay([365 * DAY], as(f.opA)), "UnknownIssuer", [addr(f.opA)]);
      await expectRevert(f.registry.write.declareOperatorCompromised([addr(f.opA), f.anchoredAt!], as(f.opA)), "NeverOperatorOf", [addr(f.opA), addr(f.opA)]);
      await time.increase(3_600);
      expect(await check(issuer, cred(3), {})).to.equal(State.BatchRevoked);
      expect((await word0(issuer)).revoked).to.equal(bits(3));
    });

    it("the issuer account's own revocation is final at once", async () => {
      const issuer = addr(f.issuerA);
      const hash = await f.registry.write.revokeCredentials([f.root, [0n], [bits(2)], 1], as(f.issuerA));
      await expectEvent(hash, "CredentialsRevoked", { root: f.root, issuer, by: issuer, reason: 1, isFinal: true, words: [0n], masks: [bits(2)] });
      expect(await word0(issuer)).to.deep.include({ revoked: bits(2), pending: 0n, pendingBy: zeroAddress });
      expect(await check(issuer, cred(2))).to.equal(State.Revoked);
      await f.registry.write.cancelRevocations([f.root, [0n], [bits(2)]], as(f.issuerA)); // nothing pending to cancel
      expect(await check(issuer, cred(2))).to.equal(State.Revoked);

      const batch = await f.registry.write.revokeBatch([f.root, 5], as(f.issuerA));
      await expectEvent(batch, "BatchRevoked", { root: f.root, issuer, by: issuer, reason: 5, isFinal: true });
      const b = await batchOf(issuer);
      expect([b.status, b.revokedBy, b.revocationFinalAt]).to.deep.equal([BatchStatus.Revoked, issuer, b.revokedAt]);
      await expectRevert(f.registry.write.cancelBatchRevocation([f.root], as(f.issuerA)), "BatchIsRevoked", [issuer, f.root]);
    });

    it("declaring it compromised voids its pending revocations and flags the batches it anchored since", async () => {
      const issuer = addr(f.issuerA);
      await time.increase(100);
      const since = await time.latest(); // after the first batch, before everything below
      // The thief anchors a batch of its own and revokes the genuine one.
      const forged = buildBatch(course(), learners(), { chainId: f.chainId, registry: f.registry.address });
      await f.registry.write.anchorBatch([forged.manifest.root, 5, zeroHash], as(f.opA));
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(0, 4)], 4], as(f.opA));
      await f.registry.write.revokeBatch([f.root, 4], as(f.opA));
      expect(await check(issuer, cred(0))).to.equal(State.BatchRevocationPending);
      expect(await check(issuer, cred(0, forged), { root: forged.manifest.root })).to.equal(State.Valid);

      const hash = await f.registry.write.declareOperatorCompromised([addr(f.opA), since], as(f.issuerA));
      await expectEvent(hash, "OperatorCompromised", { issuer, key: addr(f.opA), since });
      await expectEvent(hash, "OperatorRemoved", { issuer, key: addr(f.opA) });
      expect(await f.registry.read.operatorsOf([issuer])).to.deep.equal([]);
      expect((await f.registry.read.operatorKey([addr(f.opA)])).compromisedSince).to.equal(since);

      // The genuine batch, anchored before `since`: not flagged, and the thief's revocations are void.
      const genuine = await batchOf(issuer);
      expect([genuine.status, genuine.anchoringKeyCompromised]).to.deep.equal([BatchStatus.Active, false]);
      expect(await word0(issuer)).to.deep.include({ revoked: 0n, pending: 0n });
      for (const c of f.batch.credentials) expect(await check(issuer, c)).to.equal(State.Valid);
      // The forged batch, anchored since: flagged, and fails checkCredential.
      expect((await batchOf(issuer, forged.manifest.root)).anchoringKeyCompromised).to.equal(true);
      expect(await check(issuer, cred(0, forged), { root: forged.manifest.root })).to.equal(State.AnchoringKeyCompromised);
      // Void for good: not final after the delay either; and the key is out.
      await time.increase(DEFAULT_DELAY);
      expect(await check(issuer, cred(4))).to.equal(State.Valid);
      await expectRevert(f.registry.write.anchorBatch([digest("more"), 1, zeroHash], as(f.opA)), "NotOperator", [addr(f.opA)]);
      await expectRevert(f.registry.write.revokeBatch([f.root, 1], as(f.opA)), "NotIssuerOrOperator", [addr(f.opA)]);
      await expectRevert(f.registry.write.declareOperatorCompromised([addr(f.opA), since], as(f.issuerA)), "AlreadyCompromised", [addr(f.opA), since]);
    });

    it("what became final before the declaration stays final", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.setRevocationDelay([3_600], as(f.issuerA));
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(1)], 4], as(f.opA));
      await time.increase(3_600);
      await f.registry.write.declareOperatorCompromised([addr(f.opA), f.anchoredAt! + 1], as(f.issuerA));
      expect(await check(issuer, cred(1))).to.equal(State.Revoked);
      expect((await word0(issuer)).revoked).to.equal(bits(1));
    });

    // Pending revocations are attributed per word of 256 credentials (one "who, when" slot), so a
    // declaration cannot tell keys apart inside a word: it voids every revocation the issuer's keys left
    // pending since `since`, in either order of the keys, and the issuer re-sends the legitimate ones.
    for (const thiefFirst of [true, false]) {
      it(`a compromise declaration voids every revocation left pending since then (thief ${thiefFirst ? "first" : "last"} in the word); the legitimate one is re-sent`, async () => {
        const issuer = addr(f.issuerA);
        const consent = await signOperatorConsent(devAccount(DEV.opA2), { registry: f.registry.address, chainId: f.chainId, issuer, deadline: (await time.latest()) + 3_600 });
        await f.registry.write.addOperator([consent.key, BigInt(consent.deadline), consent.signature], as(f.issuerA));
        const since = (await time.latest()) + 1;
        const thief = () => f.registry.write.revokeCredentials([f.root, [0n], [bits(1)], 4], as(f.opA));
        const registrar = () => f.registry.write.revokeCredentials([f.root, [0n], [bits(2)], 4], as(f.opA2));
        if (thiefFirst) await thief();
        await registrar();
        if (!thiefFirst) await thief();
        await f.registry.write.declareOperatorCompromised([addr(f.opA), since], as(f.issuerA));
        expect(await check(issuer, cred(1))).to.equal(State.Valid);
        expect(await check(issuer, cred(2))).to.equal(State.Valid);
        await time.increase(DEFAULT_DELAY);
        expect(await check(issuer, cred(1))).to.equal(State.Valid); // the thief's never becomes final
        await f.registry.write.revokeCredentials([f.root, [0n], [bits(2)], 4], as(f.issuerA));
        expect(await check(issuer, cred(2))).to.equal(State.Revoked);
        expect(await check(issuer, cred(1))).to.equal(State.Valid);
      });
    }
  });

  describe("roles are checked on every accreditor action", () => {
    beforeEach(async () => {
      f = await loadFixture(deployFixture);
    });

    it("an accreditor whose ACCREDITOR_ROLE was revoked can no longer suspend, reinstate, withdraw or renew", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.revokeRole([f.ACCREDITOR_ROLE, addr(f.accreditor)], as(f.admin));
      const t = await time.latest();
      await expectRevert(f.registry.write.suspend([issuer, t], as(f.accreditor)), "NotIssuerAccreditor", [issuer, addr(f.accreditor)]);
      await expectRevert(f.registry.write.reinstate([issuer, t], as(f.accreditor)), "NotIssuerAccreditor", [issuer, addr(f.accreditor)]);
      await expectRevert(f.registry.write.withdraw([issuer, t], as(f.accreditor)), "NotIssuerAccreditor", [issuer, addr(f.accreditor)]);
      await expectRevert(f.registry.write.accredit([issuer, PROFILE_A1, 6, t, t + YEAR], as(f.accreditor)), "AccessControlUnauthorizedAccount", [
        addr(f.accreditor), f.ACCREDITOR_ROLE,
      ]);
      expect(await f.registry.read.isAccredited([issuer, t])).to.equal(true);
    });

    it("transferIssuer is for the admin only, and only to an accreditor", async () => {
      const issuer = addr(f.issuerA);
      for (const caller of [f.accreditor, f.accreditor2, f.issuerA]) {
        await expectRevert(f.registry.write.transferIssuer([issuer, addr(f.accreditor2)], as(caller)), "AccessControlUnauthorizedAccount", [addr(caller), DEFAULT_ADMIN_ROLE]);
      }
      await expectRevert(f.registry.write.transferIssuer([issuer, addr(f.stranger)], as(f.admin)), "NotAnAccreditor", [addr(f.stranger)]);
      await expectRevert(f.registry.write.transferIssuer([addr(f.stranger), addr(f.accreditor2)], as(f.admin)), "UnknownIssuer", [addr(f.stranger)]);
    });

    it("after a transfer the old accreditor cannot act and the new one can; earlier history keeps its accreditor", async () => {
      const issuer = addr(f.issuerA);
      const hash = await f.registry.write.transferIssuer([issuer, addr(f.accreditor2)], as(f.admin));
      await expectEvent(hash, "IssuerTransferred", { issuer, from: addr(f.accreditor), to: addr(f.accreditor2) });
      const transferredAt = await time.latest();
      expect(await f.registry.read.issuerProfile([issuer])).to.deep.equal([PROFILE_A1, addr(f.accreditor2)]);
      await time.increase(10);
      const t = await time.latest();
      await expectRevert(f.registry.write.suspend([issuer, t], as(f.accreditor)), "NotIssuerAccreditor", [issuer, addr(f.accreditor)]);
      await expectEvent(await f.registry.write.suspend([issuer, t], as(f.accreditor2)), "AccreditationSuspended", { issuer, accreditor: addr(f.accreditor2), effectiveFrom: t });
      const before = await f.registry.read.accreditationAt([issuer, transferredAt - 1]);
      const after = await f.registry.read.accreditationAt([issuer, transferredAt]);
      expect([before.accreditor, before.status]).to.deep.equal([addr(f.accreditor), Accreditation.Active]);
      expect([after.accreditor, after.status, after.profileDigest]).to.deep.equal([addr(f.accreditor2), Accreditation.Active, PROFILE_A1]);
      expect((await f.registry.read.accreditationAt([issuer, t])).status).to.equal(Accreditation.Suspended);
    });

    it("the admin role changes hands in two steps, after the delay", async () => {
      await expectRevert(f.registry.write.grantRole([DEFAULT_ADMIN_ROLE, addr(f.stranger)], as(f.admin)), "AccessControlEnforcedDefaultAdminRules", []);
      await f.registry.write.beginDefaultAdminTransfer([addr(f.stranger)], as(f.admin));
      const [pending, schedule] = await f.registry.read.pendingDefaultAdmin();
      expect(pending).to.equal(addr(f.stranger));
      expect(schedule).to.equal((await time.latest()) + ADMIN_DELAY);
      await expectRevert(f.registry.write.acceptDefaultAdminTransfer(as(f.stranger)), "AccessControlEnforcedDefaultAdminDelay", [schedule]);
      // Until then the old admin is the admin.
      await expectRevert(f.registry.write.transferIssuer([addr(f.issuerA), addr(f.accreditor2)], as(f.stranger)), "AccessControlUnauthorizedAccount", [
        addr(f.stranger), DEFAULT_ADMIN_ROLE,
      ]);
      await time.increaseTo(schedule);
      await f.registry.write.acceptDefaultAdminTransfer(as(f.stranger));
      expect(await f.registry.read.defaultAdmin()).to.equal(addr(f.stranger));
      await expectRevert(f.registry.write.transferIssuer([addr(f.issuerA), addr(f.accreditor2)], as(f.admin)), "AccessControlUnauthorizedAccount", [
        addr(f.admin), DEFAULT_ADMIN_ROLE,
      ]);
      await f.registry.write.transferIssuer([addr(f.issuerA), addr(f.accreditor2)], as(f.stranger));
    });
  });

  describe("history cannot be rewritten", () => {
    beforeEach(async () => {
      f = await loadFixture(deployFixture);
    });

    it("a reinstatement with the same effective time as a suspension reverts; the suspension stays", async () => {
      const issuer = addr(f.issuerA);
      await time.increase(100);
      const t = await time.latest();
      await f.registry.write.suspend([issuer, t], as(f.accreditor));
      await expectRevert(f.registry.write.reinstate([issuer, t], as(f.accreditor)), "EffectiveTimeNotAfterLastChange", [t, t]);
      await expectRevert(f.registry.write.withdraw([issuer, t - 1], as(f.accreditor)), "EffectiveTimeNotAfterLastChange", [t - 1, t]);
      const a = await f.registry.read.accreditationAt([issuer, t]);
      expect([a.status, a.effectiveFrom]).to.deep.equal([Accreditation.Suspended, t]);
      expect(await f.registry.read.isAccredited([issuer, t])).to.equal(false);
      expect(await f.registry.read.isAccredited([issuer, t - 1])).to.equal(true);
      expect(await f.registry.read.accreditationHistoryLength([issuer])).to.equal(2n);
      await f.registry.write.reinstate([issuer, t + 1], as(f.accreditor));
      expect((await f.registry.read.accreditationAt([issuer, t])).status).to.equal(Accreditation.Suspended);
      expect((await f.registry.read.accreditationAt([issuer, t + 1])).status).to.equal(Accreditation.Active);
    });
  });

  describe("profiles are historical", () => {
    beforeEach(async () => {
      f = await loadFixture(anchoredFixture);
    });

    it("a re-accreditation under a new profile leaves the profile in force earlier, and verificationOf shows the one at anchoring", async () => {
      const issuer = addr(f.issuerA);
      await time.increase(100);
      const t1 = (await time.latest()) + 1;
      await f.registry.write.accredit([issuer, PROFILE_A2, 6, t1, t1 + YEAR], as(f.accreditor));
      expect(await f.registry.read.issuerProfile([issuer])).to.deep.equal([PROFILE_A2, addr(f.accreditor)]);
      // Handed over, then back to the first profile: every time keeps its own.
      await f.registry.write.transferIssuer([issuer, addr(f.accreditor2)], as(f.admin));
      await time.increase(100);
      await f.registry.write.accredit([issuer, PROFILE_A1, 6, t1, t1 + YEAR], as(f.accreditor2));
      const t2 = await time.latest();

      const at = async (t: number) => {
        const a = await f.registry.read.accreditationAt([issuer, t]);
        return [a.profileDigest, a.accreditor];
      };
      expect(await at(f.anchoredAt!)).to.deep.equal([PROFILE_A1, addr(f.accreditor)]);
      expect(await at(t1)).to.deep.equal([PROFILE_A2, addr(f.accreditor)]);
      expect(await at(t2 - 1)).to.deep.equal([PROFILE_A2, addr(f.accreditor2)]);
      expect(await at(t2)).to.deep.equal([PROFILE_A1, addr(f.accreditor2)]);

      const [batch, accreditation, status] = await f.registry.read.verificationOf([issuer, f.root, [0n]]);
      expect([batch.anchoringKey, batch.anchoredAt]).to.deep.equal([addr(f.opA), f.anchoredAt]);
      expect([accreditation.profileDigest, accreditation.accreditor, accreditation.status, accreditation.maxEqfLevel]).to.deep.equal([
        PROFILE_A1, addr(f.accreditor), Accreditation.Active, 6,
      ]);
      expect(status.length).to.equal(1);
      // A batch anchored now is verified under the current profile and accreditor.
      const consent = await signOperatorConsent(devAccount(DEV.opA2), { registry: f.registry.address, chainId: f.chainId, issuer, deadline: t2 + 3_600 });
      await f.registry.write.addOperator([consent.key, BigInt(consent.deadline), consent.signature], as(f.issuerA));
      await f.registry.write.accredit([issuer, PROFILE_A2, 6, t1, t1 + YEAR], as(f.accreditor2));
      await f.registry.write.anchorBatch([digest("later"), 1, zeroHash], as(f.opA2));
      const [, later] = await f.registry.read.verificationOf([issuer, digest("later"), []]);
      expect([later.profileDigest, later.accreditor]).to.deep.equal([PROFILE_A2, addr(f.accreditor2)]);
    });
  });

  describe("operator keys join only with their own consent", () => {
    beforeEach(async () => {
      f = await loadFixture(deployFixture);
    });

    const consentParams = async (issuer: Address) => ({ registry: f.registry.address, chainId: f.chainId, issuer, deadline: (await time.latest()) + 3_600 });

    it("a signature from another key is refused", async () => {
      const issuer = addr(f.issuerA);
      const key = addr(f.opA2);
      const params = await consentParams(issuer);
      // The stranger signs a consent naming opA2's key.
      const signature = await devAccount(DEV.stranger).signTypedData(operatorConsentTypedData({ ...params, key }));
      await expectRevert(f.registry.write.addOperator([key, BigInt(params.deadline), signature], as(f.issuerA)), "InvalidOperatorConsent", [key]);
      await expectRevert(f.registry.write.addOperator([key, BigInt(params.deadline), "0x"], as(f.issuerA)), "InvalidOperatorConsent", [key]);
    });

    it("issuer B cannot replay A's consent for the key, nor use one for another registry, chain or deadline", async () => {
      const key = addr(f.opA2);
      const consent = await signOperatorConsent(devAccount(DEV.opA2), await consentParams(addr(f.issuerA)));
      await expectRevert(f.registry.write.addOperator([key, BigInt(consent.deadline), consent.signature], as(f.issuerB)), "InvalidOperatorConsent", [key]);
      await expectRevert(f.registry.write.addOperator([key, BigInt(consent.deadline + 1), consent.signature], as(f.issuerA)), "InvalidOperatorConsent", [key]);
      const elsewhere = await signOperatorConsent(devAccount(DEV.opA2), { ...(await consentParams(addr(f.issuerA))), registry: addr(f.stranger) });
      await expectRevert(f.registry.write.addOperator([key, BigInt(elsewhere.deadline), elsewhere.signature], as(f.issuerA)), "InvalidOperatorConsent", [key]);
      const otherChain = await signOperatorConsent(devAccount(DEV.opA2), { ...(await consentParams(addr(f.issuerA))), chainId: 1 });
      await expectRevert(f.registry.write.addOperator([key, BigInt(otherChain.deadline), otherChain.signature], as(f.issuerA)), "InvalidOperatorConsent", [key]);
    });

    it("an expired consent is refused", async () => {
      const deadline = (await time.latest()) - 1;
      const consent = await signOperatorConsent(devAccount(DEV.opA2), { ...(await consentParams(addr(f.issuerA))), deadline });
      await expectRevert(f.registry.write.addOperator([consent.key, BigInt(deadline), consent.signature], as(f.issuerA)), "OperatorConsentExpired", [
        addr(f.opA2), BigInt(deadline),
      ]);
    });

    it("a genuine consent adds the key; the SDK's typed data is the contract's digest", async () => {
      const issuer = addr(f.issuerA);
      const params = await consentParams(issuer);
      const consent = await signOperatorConsent(devAccount(DEV.opA2), params);
      expect(await f.registry.read.operatorConsentDigest([issuer, addr(f.opA2), BigInt(params.deadline)])).to.equal(
        hashTypedData(operatorConsentTypedData({ ...params, key: addr(f.opA2) })),
      );
      const hash = await f.registry.write.addOperator([consent.key, BigInt(consent.deadline), consent.signature], as(f.issuerA));
      await expectEvent(hash, "OperatorAdded", { issuer, key: addr(f.opA2) });
      expect(await f.registry.read.operatorsOf([issuer])).to.deep.equal([addr(f.opA), addr(f.opA2)]);
      // Used once: B cannot take it over even with its own consent.
      const forB = await signOperatorConsent(devAccount(DEV.opA2), await consentParams(addr(f.issuerB)));
      await expectRevert(f.registry.write.addOperator([forB.key, BigInt(forB.deadline), forB.signature], as(f.issuerB)), "OperatorKeyAlreadyUsed", [addr(f.opA2)]);
    });
  });

  describe("checkCredential on a real batch", () => {
    beforeEach(async () => {
      f = await loadFixture(anchoredFixture);
    });

    it("a genuine credential is Valid, its leaf the TS leafHash", async () => {
      for (const c of f.batch.credentials) {
        expect(await check(addr(f.issuerA), c)).to.equal(State.Valid);
        expect(await f.registry.read.leafOf([addr(f.issuerA), fieldsOf(c.leaf)])).to.equal(c.proof.leaf);
        expect(c.leaf).to.deep.include({ issuer: addr(f.issuerA) });
      }
    });

    it("an inner node or any tampered field gives InvalidProof", async () => {
      const issuer = addr(f.issuerA);
      const c = cred(0);
      // The parent of leaf 0 verifies under the rest of the proof, but no fields hash to it.
      const inner = bytesToHex(processProof(hexToBytes(c.proof.leaf), [hexToBytes(c.proof.path[0]!)]));
      expect(MerkleBatchTree.verify(f.root, inner, c.proof.path.slice(1))).to.equal(true);
      expect(await check(issuer, c, { proof: c.proof.path.slice(1) })).to.equal(State.InvalidProof);
      const tampered: Partial<LeafFields>[] = [
        { index: 1 },
        { achievementId: digest("another course") },
        { creditsCenti: c.leaf.creditsCenti + 100 },
        { eqfLevel: c.leaf.eqfLevel + 1 },
        { awardedAt: c.leaf.awardedAt - 1 },
        { holder: addr(f.stranger) },
        { credentialDigest: digest("another credential") },
      ];
      for (const leaf of tampered) expect(await check(issuer, c, { leaf }), JSON.stringify(leaf)).to.equal(State.InvalidProof);
      expect(await check(issuer, c, { proof: cred(1).proof.path })).to.equal(State.InvalidProof);
    });

    it("an index at or above the anchored leaf count gives IndexOutOfRange", async () => {
      // A's operator anchors another batch of A's claiming 3 leaves: credentials 3 and 4 are out of its range.
      const short = buildBatch(course(), learners(), { chainId: f.chainId, registry: f.registry.address });
      const root = short.manifest.root;
      await f.registry.write.anchorBatch([root, 3, zeroHash], as(f.opA));
      expect(await check(addr(f.issuerA), cred(2, short), { root })).to.equal(State.Valid);
      expect(await check(addr(f.issuerA), cred(3, short), { root })).to.equal(State.IndexOutOfRange);
      expect(await check(addr(f.issuerA), cred(4, short), { root })).to.equal(State.IndexOutOfRange);
      expect(await check(addr(f.issuerA), cred(4))).to.equal(State.Valid);
      // A copy of A's root under issuer B claiming 3 leaves: v3 leaves bind the issuer, so the proof
      // fails before the range is looked at (v1/v2 leaves gave IndexOutOfRange here).
      await f.registry.write.anchorBatch([f.root, 3, zeroHash], as(f.opB));
      expect(await check(addr(f.issuerB), cred(3))).to.equal(State.InvalidProof);
      expect(await check(addr(f.issuerB), cred(4))).to.equal(State.InvalidProof);
    });

    it("revoked, suspended and batch revoked each give their state", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.revokeCredentials([f.root, [0n], [bits(1)], 1], as(f.issuerA));
      await f.registry.write.suspendCredentials([f.root, [0n], [bits(2)]], as(f.opA));
      expect(await check(issuer, cred(1))).to.equal(State.Revoked);
      expect(await check(issuer, cred(2))).to.equal(State.Suspended);
      await f.registry.write.reinstateCredentials([f.root, [0n], [bits(2)]], as(f.opA));
      expect(await check(issuer, cred(2))).to.equal(State.Valid);
      await f.registry.write.revokeBatch([f.root, 2], as(f.issuerA));
      for (const i of [0, 1, 2]) expect(await check(issuer, cred(i))).to.equal(State.BatchRevoked);
    });

    it("a suspension effective after the anchoring leaves its credentials Valid", async () => {
      const issuer = addr(f.issuerA);
      await time.increase(100);
      await f.registry.write.suspend([issuer, f.anchoredAt! + 1], as(f.accreditor)); // after the anchoring: no effect on it
      expect(await check(issuer, cred(0))).to.equal(State.Valid);
      // A withdrawal back-dated to the anchoring is refused only by order: it must follow the suspension.
      await expectRevert(f.registry.write.withdraw([issuer, f.anchoredAt!], as(f.accreditor)), "EffectiveTimeNotAfterLastChange", [f.anchoredAt!, f.anchoredAt! + 1]);
    });

    it("an issuer withdrawn with effect from before the anchoring gives IssuerNotAccredited", async () => {
      const issuer = addr(f.issuerA);
      await time.increase(100);
      await expectEvent(await f.registry.write.withdraw([issuer, f.anchoredAt! - 1], as(f.accreditor)), "AccreditationWithdrawn", {
        issuer, accreditor: addr(f.accreditor), effectiveFrom: f.anchoredAt! - 1,
      });
      for (const c of f.batch.credentials) expect(await check(issuer, c)).to.equal(State.IssuerNotAccredited);
    });

    it("an EQF level above the issuer's accreditation gives EqfAboveAccreditation", async () => {
      // B is accredited up to EQF 5; the course is EQF 6. B issues it under its own name.
      const achievement = course();
      const ofB = buildBatch({ ...achievement, awardingBody: { ...achievement.awardingBody, address: addr(f.issuerB) } }, learners(), { chainId: f.chainId, registry: f.registry.address });
      await f.registry.write.anchorBatch([ofB.manifest.root, 5, zeroHash], as(f.opB));
      expect(cred(0, ofB).leaf).to.deep.include({ eqfLevel: 6, issuer: addr(f.issuerB) });
      expect(await check(addr(f.issuerB), cred(0, ofB), { root: ofB.manifest.root })).to.equal(State.EqfAboveAccreditation);
      expect(await check(addr(f.issuerA), cred(0))).to.equal(State.Valid);
      // B's copy of A's root: A's credentials are another leaf under B (v3), the proof fails first.
      await f.registry.write.anchorBatch([f.root, 5, zeroHash], as(f.opB));
      expect(await check(addr(f.issuerB), cred(0))).to.equal(State.InvalidProof);
    });

    it("a root not anchored by that issuer gives NotAnchored", async () => {
      expect(await check(addr(f.issuerB), cred(0))).to.equal(State.NotAnchored);
      expect(await check(addr(f.stranger), cred(0))).to.equal(State.NotAnchored);
      expect(await check(addr(f.opA), cred(0))).to.equal(State.NotAnchored);
      const other = buildBatch(course(), learners(), { chainId: f.chainId, registry: f.registry.address });
      expect(await check(addr(f.issuerA), cred(0, other))).to.equal(State.NotAnchored);
    });
  });

  describe("point-in-time lookups are binary searches", function () {
    this.timeout(120_000);

    before(async () => {
      f = await loadFixture(deployFixture);
    });

    /** Accredits `issuer` and appends `changes` alternating suspensions and reinstatements, one second apart. Returns the accreditation time. */
    async function padHistory(issuer: Address, changes: number): Promise<number> {
      await f.registry.write.accredit([issuer, digest("padded"), 6, f.start, f.start + 5 * YEAR], as(f.accreditor));
      const accredited = await time.latest();
      await time.increase(changes + 10);
      for (let k = 0; k < changes; k++) {
        const fn = k % 2 === 0 ? f.registry.write.suspend : f.registry.write.reinstate;
        await fn([issuer, accredited + 1 + k], as(f.accreditor));
      }
      expect(await f.registry.read.accreditationHistoryLength([issuer])).to.equal(BigInt(changes + 1));
      return accredited;
    }

    it("answer early and late times correctly, at a gas cost that barely grows with the history", async () => {
      const long = addr(f.wallet("issuerC"));
      const short = addr(f.wallet("issuerD"));
      const t200 = await padHistory(long, 200);
      const t10 = await padHistory(short, 10);

      const at = async (issuer: Address, t: number) => {
        const a = await f.registry.read.accreditationAt([issuer, t]);
        return [a.status, a.effectiveFrom];
      };
      // Change k takes effect at accredited + 1 + k: suspensions at even k, reinstatements at odd k.
      expect(await at(long, t200 - 1)).to.deep.equal([Accreditation.None, 0]);
      expect(await at(long, t200)).to.deep.equal([Accreditation.Active, t200]);
      for (const k of [0, 1, 2, 57, 100, 101, 198, 199]) {
        const expected = [k % 2 === 0 ? Accreditation.Suspended : Accreditation.Active, t200 + 1 + k];
        expect(await at(long, t200 + 1 + k), `change ${k}`).to.deep.equal(expected);
        expect(await f.registry.read.isAccredited([long, t200 + 1 + k])).to.equal(k % 2 === 1);
      }
      expect(await at(long, t200 + 10_000)).to.deep.equal([Accreditation.Active, t200 + 200]);

      const gasOf = (issuer: Address, t: number) =>
        // eth_estimateGas of the view call, as a contract calling it would pay (plus the 21k intrinsic).
        f.publicClient.estimateGas({
          to: f.registry.address,
          data: encodeFunctionData({ abi: credentialRegistryAbi, functionName: "accreditationAt", args: [issuer, t] }),
          account: addr(f.stranger),
        });
      const times = (t: number, n: number) => [t, t + 1, t + Math.floor(n / 2), t + n, t + n + 100];
      const gas200 = await Promise.all(times(t200, 200).map((t) => gasOf(long, t)));
      const gas10 = await Promise.all(times(t10, 10).map((t) => gasOf(short, t)));
      const max200 = gas200.reduce((a, b) => (a > b ? a : b));
      const max10 = gas10.reduce((a, b) => (a > b ? a : b));
      expect(max200 < 100_000n, `accreditationAt over 201 entries: ${max200} gas`).to.equal(true);
      // 20 times the history: a linear scan would cost ~20 times as much, a binary search ~log2(201)/log2(11).
      expect(Number(max200) / Number(max10), `${max200} vs ${max10}`).to.be.lessThan(2);
      expect(Number(max200 - 21_000n) / Number(max10 - 21_000n), `execution ${max200 - 21_000n} vs ${max10 - 21_000n}`).to.be.lessThan(2);
    });
  });

  describe("every custom error reads as a sentence", () => {
    beforeEach(async () => {
      f = await loadFixture(anchoredFixture);
    });

    const abiErrors = [...credentialRegistryAbi, ...stackingRegistryAbi].filter((item) => item.type === "error");

    /** A plausible value of an ABI type, for filling a sentence's arguments. */
    const sample = (type: string): unknown =>
      type === "address" ? getAddress("0x000000000000000000000000000000000000dEaD") : type === "bytes32" ? digest("x") : type === "bool" ? true : type === "string" ? "s" : 1n;

    it("every error in src/chain/abi.ts has a sentence in REVERT_SENTENCES, naming its values", () => {
      expect(abiErrors.length).to.be.greaterThan(30);
      for (const e of abiErrors) {
        const sentence = REVERT_SENTENCES[e.name];
        expect(sentence, `no sentence for ${e.name}`).to.be.a("function");
        const args = Object.fromEntries(e.inputs.map((input) => [input.name, sample(input.type)]));
        const { message, hint } = sentence!(args);
        expect(message, e.name).to.match(/^[A-Z0-9`].*[.)]$/s);
        expect(message.startsWith(e.name), `${e.name} sentence starts with its raw name`).to.equal(false);
        expect(`${message} ${hint ?? ""}`, `${e.name}: an argument name the sentence reads is not the ABI's`).not.to.include("undefined");
      }
      const names = new Set<string>(abiErrors.map((e) => e.name));
      expect(Object.keys(REVERT_SENTENCES).filter((n) => !names.has(n)), "sentences of errors the ABI does not have").to.deep.equal([]);
    });

    it("toChainError of real reverts gives the sentence first, the hint and the raw revert in details", async () => {
      const issuer = addr(f.issuerA);
      await f.registry.write.revokeBatch([f.root, 1], as(f.issuerA));
      const t = await time.latest();
      const simulate = (functionName: string, args: readonly unknown[], from: { account: { address: Address } }) =>
        f.publicClient.simulateContract({ address: f.registry.address, abi: credentialRegistryAbi, functionName, args, account: addr(from) } as never);
      const cases = [
        { functionName: "suspendCredentials", args: [f.root, [0n], [bits(1)]], from: f.opA, errorName: "BatchIsRevoked", values: [issuer, f.root] },
        { functionName: "accredit", args: [addr(f.stranger), PROFILE_A1, 5, t, t + YEAR], from: f.stranger, errorName: "AccessControlUnauthorizedAccount", values: [addr(f.stranger), "ACCREDITOR_ROLE"] },
        { functionName: "transferIssuer", args: [issuer, addr(f.accreditor2)], from: f.accreditor, errorName: "AccessControlUnauthorizedAccount", values: [addr(f.accreditor), "governance admin"] },
        { functionName: "suspend", args: [issuer, t], from: f.accreditor2, errorName: "NotIssuerAccreditor", values: [addr(f.accreditor2), issuer] },
        { functionName: "cancelRevocations", args: [f.root, [0n], [bits(1)]], from: f.opA, errorName: "OnlyIssuerAccount", values: [addr(f.opA)] },
        { functionName: "addOperator", args: [addr(f.opA), 0n, "0x"], from: f.issuerB, errorName: "OperatorKeyAlreadyUsed", values: [addr(f.opA)] },
      ] as const;
      for (const c of cases) {
        const raw = await revertingCall(simulate(c.functionName, c.args, c.from));
        const err = toChainError(raw, { functionName: c.functionName });
        expect(err, c.errorName).to.be.instanceOf(ContractRevertError);
        const revert = err as ContractRevertError;
        expect(revert.errorName).to.equal(c.errorName);
        const first = revert.shortMessage;
        expect(first.startsWith(c.errorName), `${c.errorName}: "${first}"`).to.equal(false);
        expect(first, c.errorName).not.to.include(`${c.errorName}(`);
        for (const value of c.values) expect(first, c.errorName).to.include(value);
        const sentence = REVERT_SENTENCES[c.errorName]!(Object.fromEntries(revert.args.map((v, i) => [abiErrors.find((e) => e.name === c.errorName)!.inputs[i]!.name, v])));
        expect(first).to.equal(sentence.message);
        // The hint (naming the `credstack` command, where it has one) and the raw revert, in details.
        expect(revert.details, c.errorName).to.include(sentence.hint!);
        expect(revert.details, c.errorName).to.include(`${c.functionName} reverted with ${c.errorName}(`);
        const command = /`credstack [^`]+`/.exec(sentence.hint ?? "")?.[0];
        if (command) expect(revert.details).to.include(command);
      }
      const batchIsRevoked = toChainError(await revertingCall(simulate("suspendCredentials", [f.root, [0n], [bits(1)]], f.opA)), { functionName: "suspendCredentials" });
      expect(batchIsRevoked.details).to.include("`credstack batch status <dir>`");
    });

    it("every hint that names a command names a real `credstack` command", () => {
      const commands = ["chain start", "issuer accredit", "issuer status", "issuer revocation-delay", "issuer operator consent", "issuer operator add", "issuer operator compromised", "issuer operator remove", "batch build", "batch anchor", "batch status", "batch extract", "verify", "revoke", "pathway publish", "stack check", "stack issue", "stack claim"];
      for (const e of abiErrors) {
        const args = Object.fromEntries(e.inputs.map((input) => [input.name, sample(input.type)]));
        const { message, hint } = REVERT_SENTENCES[e.name]!(args);
        for (const [, used] of `${message} ${hint ?? ""}`.matchAll(/`credstack ([a-z -]+?)(?: [<-]|`)/g)) {
          expect(commands.some((c) => used!.trim() === c), `${e.name}: \`credstack ${used}\``).to.equal(true);
        }
      }
    });
  });
});
