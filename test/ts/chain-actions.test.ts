import { expect } from "chai";
import { readFileSync } from "node:fs";
import { network } from "hardhat";
import { BrowserProvider, JsonRpcProvider, Network, Wallet, parseEther as ethersParseEther, type Eip1193Provider } from "ethers";
import { createPublicClient, createWalletClient, custom, http, getAddress, keccak256, parseGwei, toHex, type Address, type Hex, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { getTransactionCount } from "viem/actions";
import { mainnet } from "viem/chains";
import { credentialRegistryAbi, stackingRegistryAbi } from "../../src/chain/abi.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  assertRegistry,
  cancelBatchRevocation,
  cancelRevocations,
  countCredentialStatus,
  declareOperatorCompromised,
  findAnchor,
  getAccreditationAt,
  getBatch,
  getCredentialStatus,
  getOperatorKey,
  getOperators,
  getRevocationDelay,
  getVerificationRecord,
  isAccredited,
  isOperator,
  reinstateCredentials,
  reinstateIssuer,
  removeOperator,
  revokeBatch,
  revokeCredentials,
  setRevocationDelay,
  signOperatorConsent,
  suspendCredentials,
  suspendIssuer,
  transferIssuer,
  withdrawIssuer,
} from "../../src/chain/actions/index.js";
import {
  BatchAlreadyAnchoredError,
  ContractRevertError,
  IndexOutOfRangeError,
  InsufficientFundsError,
  IssuerNotAccreditedError,
  NonceError,
  NotOperatorError,
  RegistryNotDeployedError,
  RpcUnreachableError,
  TransactionReplacedError,
  TransactionTimeoutError,
  UnknownBatchError,
  WrongChainError,
} from "../../src/chain/errors.js";
import { anchorBatchWithEthers, getBatchWithEthers, revokeBatchWithEthers, revokeCredentialsWithEthers } from "../../src/chain/ethers.js";
import { freePort } from "../../src/chain/local-node.js";
import { ValidationError } from "../../src/credential/errors.js";
import { devAccount } from "./helpers/fixtures.js";

const { viem, ethers, networkHelpers, provider } = await network.create();
const { loadFixture, time, mine } = networkHelpers;

const YEAR = 365 * 86_400;
const digest = (s: string): Hex => keccak256(toHex(s));
const ARTIFACT = "artifacts/contracts/registry/CredentialRegistry.sol/CredentialRegistry.json";
const DAY = 86_400;
/** The registry's default revocation delay of an issuer that set none. */
const DEFAULT_DELAY = 7 * DAY;
/** Dev account indices of the wallet clients below (Hardhat's default mnemonic): their keys as viem local accounts sign consents. */
const DEV = { admin: 0, accreditor: 1, issuer: 2, operator: 3, issuerB: 4, operatorB: 5, stranger: 6 } as const;

/** The operator key `key`'s EIP-712 consent to operate for `issuer`, valid for an hour. */
async function consentOf(key: LocalAccount, registry: Address, issuer: Address) {
  return signOperatorConsent(key, { registry, chainId: 31337, issuer, deadline: (await time.latest()) + 3_600 });
}

async function deployFixture() {
  const [admin, accreditor, issuer, operator, issuerB, operatorB, stranger] = await viem.getWalletClients();
  if (!admin || !accreditor || !issuer || !operator || !issuerB || !operatorB || !stranger) throw new Error("need 7 accounts");
  const publicClient = await viem.getPublicClient();
  const contract = await viem.deployContract("CredentialRegistry", [3 * DAY, admin.account.address]);
  const registry = contract.address;
  await contract.write.grantRole([await contract.read.ACCREDITOR_ROLE(), accreditor.account.address], { account: admin.account });
  const now = await time.latest();
  for (const who of [issuer, issuerB]) {
    await accreditIssuer(accreditor, { registry, issuer: who.account.address, profileDigest: digest("profile"), maxEqfLevel: 7, validFrom: now, validUntil: now + 5 * YEAR });
  }
  await addOperator(issuer, { registry, consent: await consentOf(devAccount(DEV.operator), registry, issuer.account.address) });
  await addOperator(issuerB, { registry, consent: await consentOf(devAccount(DEV.operatorB), registry, issuerB.account.address) });
  const root = digest("batch-1");
  const anchored = await anchorBatch(operator, { registry, root, leafCount: 1000, manifestDigest: digest("manifest-1") });
  return { publicClient, contract, registry, admin, accreditor, issuer, operator, issuerB, operatorB, stranger, root, anchored, start: now };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;
let f: Fixture;

/** Awaits `promise`, expects it to reject with `type`, and returns the error. */
async function rejection<T extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (err) {
    expect(err, `${(err as Error)?.name}: ${(err as Error)?.message}`).to.be.instanceOf(type);
    expect((err as Error).message, "no stack trace in the message").not.to.match(/\n\s+at /);
    return err as T;
  }
  expect.fail(`expected a ${type.name}`);
}

/** The checksummed address of a wallet client (Hardhat's wallet clients hold lowercase ones). */
const addr = (client: { account: { address: Address } }): Address => getAddress(client.account.address);

/** Batch `root` of the fixture's issuer A. */
const keyA = (root: Hex = f.root) => ({ registry: f.registry, issuer: addr(f.issuer), root });

/** A wallet client for a fresh local key (no ETH) on the in-process network. */
function freshWallet() {
  const account = privateKeyToAccount(generatePrivateKey());
  return createWalletClient({ account, chain: f.publicClient.chain, transport: custom(provider) });
}

describe("chain layer (viem actions, ethers adapter, typed errors)", () => {
  beforeEach(async () => {
    f = await loadFixture(deployFixture);
  });

  it("src/chain/abi.ts is in sync with the compiled artifacts (else run `npm run abi`)", () => {
    const artifact = JSON.parse(readFileSync(ARTIFACT, "utf8")) as { abi: unknown[] };
    expect(credentialRegistryAbi).to.deep.equal(artifact.abi);
    const stacking = JSON.parse(readFileSync("artifacts/contracts/stacking/StackingRegistry.sol/StackingRegistry.json", "utf8")) as { abi: unknown[] };
    expect(stackingRegistryAbi).to.deep.equal(stacking.abi);
  });

  describe("reads and writes round trip", () => {
    it("assertRegistry accepts the deployed registry", async () => {
      expect(await assertRegistry(f.publicClient, f.registry)).to.deep.equal({ chainId: 31337 });
      expect(await assertRegistry(f.publicClient, f.registry, 31337)).to.deep.equal({ chainId: 31337 });
    });

    it("accredits, suspends, reinstates and withdraws an issuer, with point-in-time reads", async () => {
      const issuer = addr(f.stranger);
      const t0 = await time.latest();
      const accredited = await accreditIssuer(f.accreditor, {
        registry: f.registry, issuer, profileDigest: digest("p"), maxEqfLevel: 5, validFrom: t0, validUntil: t0 + YEAR,
      });
      expect(accredited.timestamp).to.equal(await time.latest());
      expect(await getAccreditationAt(f.publicClient, { registry: f.registry, issuer, timestamp: accredited.timestamp })).to.deep.equal({
        status: "Active", maxEqfLevel: 5, validFrom: t0, validUntil: t0 + YEAR, effectiveFrom: accredited.timestamp,
        accreditor: addr(f.accreditor), profileDigest: digest("p"),
      });
      expect(await isAccredited(f.publicClient, { registry: f.registry, issuer })).to.equal(true);

      await time.increase(100);
      const suspended = await suspendIssuer(f.accreditor, { registry: f.registry, issuer, effectiveFrom: await time.latest() });
      expect((await getAccreditationAt(f.publicClient, { registry: f.registry, issuer, timestamp: suspended.timestamp })).status).to.equal("Suspended");
      expect(await isAccredited(f.publicClient, { registry: f.registry, issuer })).to.equal(false);
      await reinstateIssuer(f.accreditor, { registry: f.registry, issuer, effectiveFrom: await time.latest() });
      expect(await isAccredited(f.publicClient, { registry: f.registry, issuer })).to.equal(true);
      const withdrawn = await withdrawIssuer(f.accreditor, { registry: f.registry, issuer, effectiveFrom: await time.latest() });
      expect((await getAccreditationAt(f.publicClient, { registry: f.registry, issuer, timestamp: withdrawn.timestamp })).status).to.equal("Withdrawn");
      expect(await isAccredited(f.publicClient, { registry: f.registry, issuer, timestamp: accredited.timestamp })).to.equal(true);
      expect((await getAccreditationAt(f.publicClient, { registry: f.registry, issuer, timestamp: t0 - 1 })).status).to.equal("None");
    });

    it("adds and removes operator keys", async () => {
      const issuer = addr(f.issuer);
      const key = addr(f.stranger);
      const added = await addOperator(f.issuer, { registry: f.registry, consent: await consentOf(devAccount(DEV.stranger), f.registry, issuer) });
      expect(await getOperators(f.publicClient, { registry: f.registry, issuer })).to.deep.equal([addr(f.operator), key]);
      expect(await isOperator(f.publicClient, { registry: f.registry, issuer, key })).to.equal(true);
      await removeOperator(f.issuer, { registry: f.registry, key });
      expect(await isOperator(f.publicClient, { registry: f.registry, issuer, key })).to.equal(false);
      expect(await isOperator(f.publicClient, { registry: f.registry, issuer, key, timestamp: added.timestamp })).to.equal(true);
      expect(await getOperators(f.publicClient, { registry: f.registry, issuer })).to.deep.equal([addr(f.operator)]);
    });

    it("anchors a batch and finds it again: record, anchoring event and transaction agree", async () => {
      const root = digest("batch-2");
      const result = await anchorBatch(f.operator, { registry: f.registry, root, leafCount: 7, manifestDigest: digest("m2") });
      const receipt = await f.publicClient.getTransactionReceipt({ hash: result.txHash });
      expect(receipt.status).to.equal("success");
      expect(result.blockNumber).to.equal(receipt.blockNumber);
      expect(result.anchoredAt).to.equal(result.timestamp);
      expect(await getBatch(f.publicClient, keyA(root))).to.deep.equal({
        root, issuer: addr(f.issuer), anchoringKey: addr(f.operator), anchoredAt: result.anchoredAt, leafCount: 7, status: "Active",
        revocationReason: 0, revocation: null, anchoringKeyCompromised: false,
      });
      const anchor = await findAnchor(f.publicClient, keyA(root));
      expect(anchor).to.deep.include({
        root, issuer: addr(f.issuer), operator: addr(f.operator), leafCount: 7, manifestDigest: digest("m2"),
        txHash: result.txHash, blockNumber: result.blockNumber, timestamp: result.timestamp,
      });
      expect(await getBatch(f.publicClient, keyA(digest("never")))).to.equal(null);
      expect(await findAnchor(f.publicClient, keyA(digest("never")))).to.equal(null);
      // Batches are keyed by issuer and root: issuer B has no batch with A's root.
      expect(await getBatch(f.publicClient, { registry: f.registry, issuer: addr(f.issuerB), root })).to.equal(null);
      expect(await findAnchor(f.publicClient, { registry: f.registry, issuer: addr(f.issuerB), root })).to.equal(null);
    });

    it("revokes, suspends and reinstates credentials; reads their bits in few calls", async () => {
      const { registry, root } = f;
      const issuer = addr(f.issuer);
      const revoked = await revokeCredentials(f.operator, { registry, root, indices: [3, 700, 4], reason: 2 });
      await suspendCredentials(f.operator, { registry, root, indices: [10, 11] });
      await reinstateCredentials(f.operator, { registry, root, indices: [10n] });
      // An operator key's revocation is pending for the issuer's delay; `pending` describes the word (256 neighbours).
      const pending = { by: addr(f.operator), at: revoked.timestamp, finalAt: revoked.timestamp + DEFAULT_DELAY, final: false };
      const none = { revoked: false, revocationPending: false, suspended: false };
      const status = await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [700, 3, 5, 10, 11, 999, 3] });
      expect(status).to.deep.equal([
        { index: 700, revoked: false, revocationPending: true, pending, suspended: false },
        { index: 3, revoked: false, revocationPending: true, pending, suspended: false },
        { index: 5, ...none, pending },
        { index: 10, ...none, pending },
        { index: 11, ...none, pending, suspended: true },
        { index: 999, ...none, pending: null },
        { index: 3, revoked: false, revocationPending: true, pending, suspended: false },
      ]);
      expect(await countCredentialStatus(f.publicClient, { registry, issuer, root, leafCount: 1000 })).to.deep.equal({ revoked: 0, revocationPending: 3, suspended: 1 });

      // The issuer's own account revokes finally, at once.
      await revokeCredentials(f.issuer, { registry, root, indices: [5], reason: 2 });
      expect((await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [5] }))[0]).to.deep.include({ revoked: true, revocationPending: false });
      // After the delay, the operator's revocations are final too.
      await time.increase(DEFAULT_DELAY);
      const later = await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [3, 700, 6] });
      expect(later.map((s) => [s.revoked, s.revocationPending])).to.deep.equal([[true, false], [true, false], [false, false]]);
      expect(later[0]!.pending).to.deep.equal({ ...pending, final: true });
      expect(await countCredentialStatus(f.publicClient, { registry, issuer, root, leafCount: 1000 })).to.deep.equal({ revoked: 4, revocationPending: 0, suspended: 1 });

      // Far-apart indices are read in separate statusWords ranges.
      const big = digest("big batch");
      await anchorBatch(f.operator, { registry, root: big, leafCount: 1_000_000, manifestDigest: digest("mb") });
      await revokeCredentials(f.issuer, { registry, root: big, indices: [5, 999_999], reason: 1 });
      expect((await getCredentialStatus(f.publicClient, { registry, issuer, root: big, indices: [999_999, 6, 5] })).map((s) => s.revoked)).to.deep.equal([true, false, true]);
    });

    it("cancels an operator key's pending revocations from the issuer's account", async () => {
      const { registry, root } = f;
      const issuer = addr(f.issuer);
      await revokeCredentials(f.operator, { registry, root, indices: [1, 2], reason: 3 });
      await cancelRevocations(f.issuer, { registry, root, indices: [1] });
      const [one, two] = await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [1, 2] });
      expect([one!.revocationPending, two!.revocationPending]).to.deep.equal([false, true]);
      expect(one!.revoked || two!.revoked).to.equal(false);
      const onlyIssuer = await rejection(cancelRevocations(f.operator, { registry, root, indices: [2] }), ContractRevertError);
      expect([onlyIssuer.errorName, onlyIssuer.args]).to.deep.equal(["OnlyIssuerAccount", [addr(f.operator)]]);

      await revokeBatch(f.operator, { registry, root, reason: 9 });
      expect((await getBatch(f.publicClient, keyA()))?.status).to.equal("RevocationPending");
      await cancelBatchRevocation(f.issuer, { registry, root });
      expect(await getBatch(f.publicClient, keyA())).to.deep.include({ status: "Active", revocation: null, revocationReason: 0 });
    });

    it("sets the revocation delay; getVerificationRecord carries the accreditor and profile at anchoring", async () => {
      const { registry, root } = f;
      const issuer = addr(f.issuer);
      expect(await getRevocationDelay(f.publicClient, { registry, issuer })).to.equal(DEFAULT_DELAY);
      await setRevocationDelay(f.issuer, { registry, delay: 2 * DAY });
      expect(await getRevocationDelay(f.publicClient, { registry, issuer })).to.equal(2 * DAY);
      const revoked = await revokeCredentials(f.operator, { registry, root, indices: [7], reason: 1 });

      const record = await getVerificationRecord(f.publicClient, { registry, issuer, root, indices: [7, 8] });
      expect(record.batch).to.deep.include({ issuer, anchoringKey: addr(f.operator), anchoredAt: f.anchored.anchoredAt, status: "Active" });
      expect(record.accreditation).to.deep.include({ status: "Active", maxEqfLevel: 7, accreditor: addr(f.accreditor), profileDigest: digest("profile") });
      expect(record.credentials.map((c) => [c.index, c.revocationPending])).to.deep.equal([[7, true], [8, false]]);
      expect(record.credentials[0]!.pending).to.deep.equal({ by: addr(f.operator), at: revoked.timestamp, finalAt: revoked.timestamp + 2 * DAY, final: false });

      // Handed over to another accreditor and re-profiled later: the record still shows those at anchoring time.
      await f.contract.write.grantRole([await f.contract.read.ACCREDITOR_ROLE(), addr(f.stranger)], { account: f.admin.account });
      await transferIssuer(f.admin, { registry, issuer, to: addr(f.stranger) });
      await time.increase(10);
      const t = await time.latest();
      await accreditIssuer(f.stranger, { registry, issuer, profileDigest: digest("renamed"), maxEqfLevel: 7, validFrom: t, validUntil: t + YEAR });
      const again = await getVerificationRecord(f.publicClient, { registry, issuer, root, indices: [] });
      expect(again.accreditation).to.deep.include({ accreditor: addr(f.accreditor), profileDigest: digest("profile") });
      expect(await getAccreditationAt(f.publicClient, { registry, issuer, timestamp: await time.latest() })).to.deep.include({
        accreditor: addr(f.stranger), profileDigest: digest("renamed"),
      });
      const none = await getVerificationRecord(f.publicClient, { registry, issuer, root: digest("never"), indices: [1] });
      expect([none.batch, none.accreditation.status]).to.deep.equal([null, "None"]);
    });

    it("declares an operator key compromised: removed, its batches flagged, its pending revocations void", async () => {
      const { registry, root } = f;
      const issuer = addr(f.issuer);
      await revokeCredentials(f.operator, { registry, root, indices: [4], reason: 1 });
      expect((await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [4] }))[0]!.revocationPending).to.equal(true);
      await declareOperatorCompromised(f.issuer, { registry, key: addr(f.operator), since: f.anchored.anchoredAt });
      expect(await getOperators(f.publicClient, { registry, issuer })).to.deep.equal([]);
      expect(await getOperatorKey(f.publicClient, { registry, key: addr(f.operator) })).to.deep.include({
        issuer, current: false, compromisedSince: f.anchored.anchoredAt,
      });
      expect((await getBatch(f.publicClient, keyA()))?.anchoringKeyCompromised).to.equal(true);
      expect((await getCredentialStatus(f.publicClient, { registry, issuer, root, indices: [4] }))[0]).to.deep.include({ revoked: false, revocationPending: false, pending: null });
    });

    it("revokes a whole batch: pending from an operator key, final from the issuer's account", async () => {
      const pending = await revokeBatch(f.operator, { registry: f.registry, root: f.root, reason: 4 });
      expect(await getBatch(f.publicClient, keyA())).to.deep.include({
        status: "RevocationPending", revocationReason: 4, leafCount: 1000,
        revocation: { by: addr(f.operator), at: pending.timestamp, finalAt: pending.timestamp + DEFAULT_DELAY, final: false },
      });
      const final = await revokeBatch(f.issuer, { registry: f.registry, root: f.root, reason: 4 });
      expect(await getBatch(f.publicClient, keyA())).to.deep.include({
        status: "Revoked", revocationReason: 4, leafCount: 1000,
        revocation: { by: addr(f.issuer), at: final.timestamp, finalAt: final.timestamp, final: true },
      });
    });
  });

  describe("typed errors", () => {
    it("duplicate root: BatchAlreadyAnchoredError, found by simulation before anything is sent", async () => {
      const nonce = await getTransactionCount(f.publicClient, { address: addr(f.operator) });
      const err = await rejection(anchorBatch(f.operator, { registry: f.registry, root: f.root, leafCount: 5, manifestDigest: digest("x") }), BatchAlreadyAnchoredError);
      expect([err.issuer, err.root]).to.deep.equal([addr(f.issuer), f.root]);
      expect(err.message).to.include(f.root).and.include(addr(f.issuer));
      expect(await getTransactionCount(f.publicClient, { address: addr(f.operator) })).to.equal(nonce);
    });

    it("unknown batch, other issuer's batch, index out of range, and other reverts", async () => {
      const nope = digest("nope");
      const unknown = await rejection(revokeCredentials(f.operator, { registry: f.registry, root: nope, indices: [1], reason: 1 }), UnknownBatchError);
      expect([unknown.issuer, unknown.root]).to.deep.equal([addr(f.issuer), nope]);
      // Issuer B's operator touching A's root finds no batch of B's.
      const foreign = await rejection(revokeBatch(f.operatorB, { registry: f.registry, root: f.root, reason: 1 }), UnknownBatchError);
      expect([foreign.root, foreign.issuer]).to.deep.equal([f.root, addr(f.issuerB)]);
      const range = await rejection(revokeCredentials(f.operator, { registry: f.registry, root: f.root, indices: [5, 1000], reason: 1 }), IndexOutOfRangeError);
      expect([range.root, range.index, range.leafCount]).to.deep.equal([f.root, 1000n, 1000]);
      expect(range.message).to.include("1000").and.include(f.root);

      await revokeBatch(f.issuer, { registry: f.registry, root: f.root, reason: 1 }); // the issuer's account: final
      const revoked = await rejection(suspendCredentials(f.operator, { registry: f.registry, root: f.root, indices: [1] }), ContractRevertError);
      expect([revoked.errorName, revoked.args]).to.deep.equal(["BatchIsRevoked", [addr(f.issuer), f.root]]);
      // A sentence, not the raw revert; the raw form stays in `details`.
      expect(revoked.shortMessage).to.equal(`Batch ${f.root} of issuer ${addr(f.issuer)} is revoked for good; its credentials can no longer change status.`);
      expect(revoked.details).to.include("`credstack batch status <dir>`");
      expect(revoked.details).to.include(`suspendCredentials reverted with BatchIsRevoked(issuer=${addr(f.issuer)}, root=${f.root}).`);
      const t = await time.latest();
      const role = await rejection(
        accreditIssuer(f.stranger, { registry: f.registry, issuer: addr(f.stranger), profileDigest: digest("p"), maxEqfLevel: 3, validFrom: t, validUntil: t + YEAR }),
        ContractRevertError,
      );
      expect(role.errorName).to.equal("AccessControlUnauthorizedAccount");
      expect(role.shortMessage).to.equal(`Account ${addr(f.stranger)} does not hold ACCREDITOR_ROLE.`);
      expect(role.details).to.include(`account=${addr(f.stranger)}`);
      await rejection(revokeCredentials(f.operator, { registry: f.registry, root: f.root, indices: [1, -2], reason: 1 }), ValidationError);
    });

    it("not an operator: NotOperatorError naming the caller", async () => {
      const err = await rejection(anchorBatch(f.stranger, { registry: f.registry, root: digest("y"), leafCount: 1, manifestDigest: digest("m") }), NotOperatorError);
      expect(err.caller).to.equal(addr(f.stranger));
      expect(err.message).to.include(addr(f.stranger));
    });

    it("issuer not accredited: IssuerNotAccreditedError naming the issuer", async () => {
      await suspendIssuer(f.accreditor, { registry: f.registry, issuer: addr(f.issuer), effectiveFrom: await time.latest() });
      const err = await rejection(anchorBatch(f.operator, { registry: f.registry, root: digest("s"), leafCount: 1, manifestDigest: digest("m") }), IssuerNotAccreditedError);
      expect(err.issuer).to.equal(addr(f.issuer));
      // A suspended issuer can still revoke what it issued, from an operator key (pending) or its account (final).
      await revokeCredentials(f.operator, { registry: f.registry, root: f.root, indices: [9], reason: 1 });
      await revokeCredentials(f.issuer, { registry: f.registry, root: f.root, indices: [8], reason: 1 });
      expect((await getCredentialStatus(f.publicClient, { ...keyA(), indices: [9, 8] })).map((s) => [s.revocationPending, s.revoked])).to.deep.equal([
        [true, false],
        [false, true],
      ]);
    });

    it("wrong chain: WrongChainError with the expected and the actual chain id", async () => {
      const err = await rejection(assertRegistry(f.publicClient, f.registry, 1), WrongChainError);
      expect([err.expected, err.actual]).to.deep.equal([1, 31337]);
      // A wallet configured for mainnet but connected to the local node never sends.
      const wallet = createWalletClient({ account: f.operator.account, chain: mainnet, transport: custom(provider) });
      const write = await rejection(anchorBatch(wallet, { registry: f.registry, root: digest("w"), leafCount: 1, manifestDigest: digest("m") }), WrongChainError);
      expect([write.expected, write.actual]).to.deep.equal([1, 31337]);
    });

    it("registry not deployed: an empty address, an account, or a contract that is not a registry", async () => {
      const random = privateKeyToAccount(generatePrivateKey()).address;
      for (const address of [random, addr(f.stranger)]) {
        const err = await rejection(assertRegistry(f.publicClient, address), RegistryNotDeployedError);
        expect([err.address, err.chainId, err.reason]).to.deep.equal([address, 31337, "no-code"]);
        expect(err.message).to.include(address);
      }
      const bare = await viem.deployContract("BareAnchor");
      expect((await rejection(assertRegistry(f.publicClient, bare.address), RegistryNotDeployedError)).reason).to.equal("not-a-registry");
      const read = await rejection(getBatch(f.publicClient, { registry: random, issuer: addr(f.issuer), root: f.root }), RegistryNotDeployedError);
      expect([read.address, read.reason]).to.deep.equal([random, "no-data"]);
      const write = await rejection(anchorBatch(f.operator, { registry: random, root: digest("z"), leafCount: 1, manifestDigest: digest("m") }), RegistryNotDeployedError);
      expect([write.address, write.reason]).to.deep.equal([random, "no-code"]);
    });

    it("insufficient funds: InsufficientFundsError naming the account", async () => {
      const poor = freshWallet();
      await addOperator(f.issuer, { registry: f.registry, consent: await consentOf(poor.account, f.registry, addr(f.issuer)) });
      const err = await rejection(anchorBatch(poor, { registry: f.registry, root: digest("poor"), leafCount: 1, manifestDigest: digest("m") }), InsufficientFundsError);
      expect(err.account).to.equal(addr(poor));
      expect(err.message).to.include(addr(poor));
    });

    it("nonce: NonceError for a stale and for a future nonce", async () => {
      const account = addr(f.operator);
      const low = await rejection(anchorBatch(f.operator, { registry: f.registry, root: digest("n1"), leafCount: 1, manifestDigest: digest("m"), nonce: 0 }), NonceError);
      expect([low.account, low.kind]).to.deep.equal([account, "too-low"]);
      expect(low.message).to.include(account);
      const next = await getTransactionCount(f.publicClient, { address: account });
      const high = await rejection(anchorBatch(f.operator, { registry: f.registry, root: digest("n2"), leafCount: 1, manifestDigest: digest("m"), nonce: next + 5 }), NonceError);
      expect(high.kind).to.equal("too-high");
    });

    it("RPC unreachable: RpcUnreachableError naming the URL, for reads, checks and writes", async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const transport = http(url, { retryCount: 0 });
      const client = createPublicClient({ chain: f.publicClient.chain, transport });
      for (const attempt of [() => getBatch(client, keyA()), () => assertRegistry(client, f.registry)]) {
        const err = await rejection(attempt(), RpcUnreachableError);
        expect(err.url).to.equal(url);
        expect(err.message).to.include(url);
      }
      const wallet = createWalletClient({ account: privateKeyToAccount(generatePrivateKey()), chain: f.publicClient.chain, transport });
      const write = await rejection(anchorBatch(wallet, { registry: f.registry, root: digest("u"), leafCount: 1, manifestDigest: digest("m") }), RpcUnreachableError);
      expect(write.url).to.equal(url);
    });

    describe("while blocks are mined by hand", () => {
      beforeEach(() => provider.request({ method: "evm_setAutomine", params: [false] }));
      afterEach(() => provider.request({ method: "evm_setAutomine", params: [true] }));

      /** Resolves once `count` transactions wait in the mempool. */
      async function pending(count: number) {
        for (let i = 0; i < 500; i++) {
          const txs = (await provider.request({ method: "eth_pendingTransactions", params: [] })) as unknown[];
          if (txs.length >= count) return;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error(`${count} transactions never became pending`);
      }

      it("receipt timeout: TransactionTimeoutError with the hash; findAnchor recovers the anchoring later", async () => {
        const root = digest("slow");
        const err = await rejection(anchorBatch(f.operator, { registry: f.registry, root, leafCount: 3, manifestDigest: digest("m"), timeout: 300 }), TransactionTimeoutError);
        expect(err.txHash).to.match(/^0x[0-9a-f]{64}$/);
        expect(err.message).to.include(err.txHash!);
        await mine();
        const anchor = await findAnchor(f.publicClient, keyA(root));
        expect(anchor?.txHash).to.equal(err.txHash);
      });

      it("a mined revert (another operator of the issuer took the root first) is replayed and named", async () => {
        const root = digest("raced");
        // A second operator key of issuer A.
        await provider.request({ method: "evm_setAutomine", params: [true] });
        await addOperator(f.issuer, { registry: f.registry, consent: await consentOf(devAccount(DEV.stranger), f.registry, addr(f.issuer)) });
        await provider.request({ method: "evm_setAutomine", params: [false] });
        const ours = anchorBatch(f.operator, { registry: f.registry, root, leafCount: 1, manifestDigest: digest("m") });
        ours.catch(() => {}); // awaited below
        await pending(1);
        // A's other operator key sends the same root with a higher tip: mined first in the same block.
        await f.stranger.writeContract({
          address: f.registry, abi: credentialRegistryAbi, functionName: "anchorBatch", args: [root, 1, digest("m")],
          gas: 200_000n, maxPriorityFeePerGas: parseGwei("50"), maxFeePerGas: parseGwei("500"),
        });
        // Issuer B's operator anchoring the same root in that block is no conflict: batches are keyed by issuer.
        await f.operatorB.writeContract({
          address: f.registry, abi: credentialRegistryAbi, functionName: "anchorBatch", args: [root, 2, digest("m")],
          gas: 200_000n, maxPriorityFeePerGas: parseGwei("50"), maxFeePerGas: parseGwei("500"),
        });
        await pending(3);
        await mine();
        const err = await rejection(ours, BatchAlreadyAnchoredError);
        expect([err.issuer, err.root]).to.deep.equal([addr(f.issuer), root]);
        expect((await getBatch(f.publicClient, keyA(root)))?.anchoringKey).to.equal(addr(f.stranger));
        expect(await getBatch(f.publicClient, { registry: f.registry, issuer: addr(f.issuerB), root })).to.deep.include({ anchoringKey: addr(f.operatorB), leafCount: 2 });
      });

      it("a transaction cancelled by another with its nonce: TransactionReplacedError naming both", async () => {
        const root = digest("cancelled");
        const ours = anchorBatch(f.operator, { registry: f.registry, root, leafCount: 1, manifestDigest: digest("m") });
        ours.catch(() => {}); // awaited below
        await pending(1);
        const [sent] = (await provider.request({ method: "eth_pendingTransactions", params: [] })) as { hash: Hex; nonce: Hex }[];
        const cancel = await f.operator.sendTransaction({
          to: addr(f.operator), value: 0n, nonce: Number(sent!.nonce), maxPriorityFeePerGas: parseGwei("50"), maxFeePerGas: parseGwei("500"),
        });
        await mine();
        const err = await rejection(ours, TransactionReplacedError);
        expect([err.txHash, err.replacementHash, err.reason]).to.deep.equal([sent!.hash, cancel, "cancelled"]);
        expect(await getBatch(f.publicClient, keyA(root))).to.equal(null);
      });
    });
  });

  describe("ethers v6 adapter", () => {
    const signer = async (address: Address) => ethers.getSigner(address);

    it("anchors and revokes with an ethers signer; viem and ethers reads agree", async () => {
      const operator = await signer(addr(f.operator));
      const root = digest("ethers batch");
      const result = await anchorBatchWithEthers(operator, { registry: f.registry, root, leafCount: 300, manifestDigest: digest("me") });
      expect(result.anchoredAt).to.equal(result.timestamp);
      expect((await findAnchor(f.publicClient, keyA(root)))?.txHash).to.equal(result.txHash);
      const viaViem = await getBatch(f.publicClient, keyA(root));
      expect(viaViem).to.deep.equal({
        root, issuer: addr(f.issuer), anchoringKey: addr(f.operator), anchoredAt: result.anchoredAt, leafCount: 300, status: "Active",
        revocationReason: 0, revocation: null, anchoringKeyCompromised: false,
      });
      expect(await getBatchWithEthers(ethers.provider, keyA(root))).to.deep.equal(viaViem);

      const revoked = await revokeCredentialsWithEthers(operator, { registry: f.registry, root, indices: [1, 299], reason: 2 });
      expect(revoked.blockNumber).to.equal(result.blockNumber + 1n);
      expect((await getCredentialStatus(f.publicClient, { ...keyA(root), indices: [1, 2, 299] })).map((s) => s.revocationPending)).to.deep.equal([true, false, true]);
      const issuer = await signer(addr(f.issuer));
      await revokeCredentialsWithEthers(issuer, { registry: f.registry, root, indices: [2], reason: 2 });
      expect((await getCredentialStatus(f.publicClient, { ...keyA(root), indices: [1, 2, 299] })).map((s) => s.revoked)).to.deep.equal([false, true, false]);
      await revokeBatchWithEthers(operator, { registry: f.registry, root, reason: 5 });
      expect(await getBatchWithEthers(ethers.provider, keyA(root))).to.deep.include({ status: "RevocationPending", revocationReason: 5 });
      await revokeBatchWithEthers(issuer, { registry: f.registry, root, reason: 5 });
      expect(await getBatchWithEthers(ethers.provider, keyA(root))).to.deep.include({ status: "Revoked", revocationReason: 5 });
      expect(await getBatchWithEthers(ethers.provider, keyA(digest("never")))).to.equal(null);
    });

    it("duplicate root and non-operator: the same typed errors as the viem actions", async () => {
      const operator = await signer(addr(f.operator));
      const dup = await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: f.root, leafCount: 1, manifestDigest: digest("m") }), BatchAlreadyAnchoredError);
      expect([dup.issuer, dup.root]).to.deep.equal([addr(f.issuer), f.root]);
      const stranger = await signer(addr(f.stranger));
      const notOp = await rejection(anchorBatchWithEthers(stranger, { registry: f.registry, root: digest("s"), leafCount: 1, manifestDigest: digest("m") }), NotOperatorError);
      expect(notOp.caller).to.equal(addr(f.stranger));
      const notIssuer = await rejection(revokeCredentialsWithEthers(stranger, { registry: f.registry, root: f.root, indices: [1], reason: 1 }), ContractRevertError);
      expect([notIssuer.errorName, notIssuer.args]).to.deep.equal(["NotIssuerOrOperator", [addr(f.stranger)]]);
      const unknown = await rejection(revokeBatchWithEthers(operator, { registry: f.registry, root: digest("nope"), reason: 1 }), UnknownBatchError);
      expect([unknown.issuer, unknown.root]).to.deep.equal([addr(f.issuer), digest("nope")]);
    });

    it("funds, nonce, wrong chain and missing registry through an ethers Wallet", async () => {
      const poorKey = generatePrivateKey();
      const poor = new Wallet(poorKey, ethers.provider);
      await addOperator(f.issuer, { registry: f.registry, consent: await consentOf(privateKeyToAccount(poorKey), f.registry, addr(f.issuer)) });
      const funds = await rejection(anchorBatchWithEthers(poor, { registry: f.registry, root: digest("p"), leafCount: 1, manifestDigest: digest("m") }), InsufficientFundsError);
      expect(funds.account).to.equal(poor.address);

      const [funder] = await ethers.getSigners();
      await (await funder!.sendTransaction({ to: poor.address, value: ethersParseEther("1") })).wait();
      await anchorBatchWithEthers(poor, { registry: f.registry, root: digest("p"), leafCount: 1, manifestDigest: digest("m") });
      const nonce = await rejection(anchorBatchWithEthers(poor, { registry: f.registry, root: digest("q"), leafCount: 1, manifestDigest: digest("m"), nonce: 0 }), NonceError);
      expect([nonce.account, nonce.kind]).to.deep.equal([poor.address, "too-low"]);

      const chain = await rejection(anchorBatchWithEthers(poor, { registry: f.registry, root: digest("r"), leafCount: 1, manifestDigest: digest("m"), chainId: 1 }), WrongChainError);
      expect([chain.expected, chain.actual]).to.deep.equal([1, 31337]);
      const missing = poor.address as Address;
      const none = await rejection(anchorBatchWithEthers(poor, { registry: missing, root: digest("r"), leafCount: 1, manifestDigest: digest("m") }), RegistryNotDeployedError);
      expect([none.address, none.reason]).to.deep.equal([missing, "no-code"]);
      expect((await rejection(getBatchWithEthers(ethers.provider, { registry: missing, issuer: addr(f.issuer), root: f.root }), RegistryNotDeployedError)).reason).to.equal("no-data");
    });

    it("ethers' own error shapes (a JSON-RPC provider, not Hardhat's) map to the same typed errors", async () => {
      // BrowserProvider goes through ethers' JSON-RPC error coalescing: CALL_EXCEPTION, NONCE_EXPIRED, BAD_DATA.
      const browser = new BrowserProvider(provider as Eip1193Provider);
      const operator = await browser.getSigner(addr(f.operator));
      expect((await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: f.root, leafCount: 1, manifestDigest: digest("m") }), BatchAlreadyAnchoredError)).root).to.equal(f.root);
      const stranger = await browser.getSigner(addr(f.stranger));
      expect((await rejection(anchorBatchWithEthers(stranger, { registry: f.registry, root: digest("s"), leafCount: 1, manifestDigest: digest("m") }), NotOperatorError)).caller).to.equal(addr(f.stranger));
      const notIssuer = await rejection(revokeBatchWithEthers(stranger, { registry: f.registry, root: f.root, reason: 1 }), ContractRevertError);
      expect([notIssuer.errorName, notIssuer.args]).to.deep.equal(["NotIssuerOrOperator", [addr(f.stranger)]]);
      const nonce = await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: digest("n"), leafCount: 1, manifestDigest: digest("m"), nonce: 0 }), NonceError);
      expect([nonce.account, nonce.kind]).to.deep.equal([addr(f.operator), "too-low"]);
      const eoa = await rejection(getBatchWithEthers(browser, { registry: addr(f.stranger), issuer: addr(f.issuer), root: f.root }), RegistryNotDeployedError);
      expect([eoa.address, eoa.chainId, eoa.reason]).to.deep.equal([addr(f.stranger), 31337, "no-data"]);

      const url = `http://127.0.0.1:${await freePort()}`;
      const dead = new JsonRpcProvider(url, Network.from(31337), { staticNetwork: true });
      try {
        const err = await rejection(getBatchWithEthers(dead, keyA()), RpcUnreachableError);
        expect(err.url).to.equal(url);
        expect(err.details).to.include("ECONNREFUSED");
      } finally {
        dead.destroy();
      }
    });
  });
});
