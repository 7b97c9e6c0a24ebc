import { expect } from "chai";
import { readFileSync } from "node:fs";
import { network } from "hardhat";
import { BrowserProvider, JsonRpcProvider, Network, Wallet, parseEther as ethersParseEther, type Eip1193Provider } from "ethers";
import { createPublicClient, createWalletClient, custom, http, getAddress, keccak256, parseGwei, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { getTransactionCount } from "viem/actions";
import { mainnet } from "viem/chains";
import { credentialRegistryAbi } from "../../src/chain/abi.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  assertRegistry,
  findAnchor,
  getAccreditationAt,
  getBatch,
  getCredentialStatus,
  getOperators,
  isAccredited,
  isOperator,
  reinstateCredentials,
  reinstateIssuer,
  removeOperator,
  revokeBatch,
  revokeCredentials,
  suspendCredentials,
  suspendIssuer,
  withdrawIssuer,
} from "../../src/chain/actions/index.js";
import {
  BatchAlreadyAnchoredError,
  ContractRevertError,
  IndexOutOfRangeError,
  InsufficientFundsError,
  IssuerNotAccreditedError,
  NonceError,
  NotBatchIssuerError,
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

const { viem, ethers, networkHelpers, provider } = await network.create();
const { loadFixture, time, mine } = networkHelpers;

const YEAR = 365 * 86_400;
const digest = (s: string): Hex => keccak256(toHex(s));
const ARTIFACT = "artifacts/contracts/registry/CredentialRegistry.sol/CredentialRegistry.json";

async function deployFixture() {
  const [admin, accreditor, issuer, operator, issuerB, operatorB, stranger] = await viem.getWalletClients();
  if (!admin || !accreditor || !issuer || !operator || !issuerB || !operatorB || !stranger) throw new Error("need 7 accounts");
  const publicClient = await viem.getPublicClient();
  const contract = await viem.deployContract("CredentialRegistry", [admin.account.address]);
  const registry = contract.address;
  await contract.write.grantRole([await contract.read.ACCREDITOR_ROLE(), accreditor.account.address], { account: admin.account });
  const now = await time.latest();
  for (const who of [issuer, issuerB]) {
    await accreditIssuer(accreditor, { registry, issuer: who.account.address, profileDigest: digest("profile"), maxEqfLevel: 7, validFrom: now, validUntil: now + 5 * YEAR });
  }
  await addOperator(issuer, { registry, key: operator.account.address });
  await addOperator(issuerB, { registry, key: operatorB.account.address });
  const root = digest("batch-1");
  const anchored = await anchorBatch(operator, { registry, root, leafCount: 1000, manifestDigest: digest("manifest-1") });
  return { publicClient, registry, admin, accreditor, issuer, operator, issuerB, operatorB, stranger, root, anchored, start: now };
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

/** A wallet client for a fresh local key (no ETH) on the in-process network. */
function freshWallet() {
  const account = privateKeyToAccount(generatePrivateKey());
  return createWalletClient({ account, chain: f.publicClient.chain, transport: custom(provider) });
}

describe("chain layer (viem actions, ethers adapter, typed errors)", () => {
  beforeEach(async () => {
    f = await loadFixture(deployFixture);
  });

  it("src/chain/abi.ts is in sync with the compiled artifact (else run `npm run abi`)", () => {
    const artifact = JSON.parse(readFileSync(ARTIFACT, "utf8")) as { abi: unknown[] };
    expect(credentialRegistryAbi).to.deep.equal(artifact.abi);
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
      const added = await addOperator(f.issuer, { registry: f.registry, key });
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
      expect(await getBatch(f.publicClient, { registry: f.registry, root })).to.deep.equal({
        root, issuer: addr(f.issuer), anchoredAt: result.anchoredAt, leafCount: 7, status: "Active", revocationReason: 0,
      });
      const anchor = await findAnchor(f.publicClient, { registry: f.registry, root });
      expect(anchor).to.deep.include({
        root, issuer: addr(f.issuer), leafCount: 7, manifestDigest: digest("m2"),
        txHash: result.txHash, blockNumber: result.blockNumber, timestamp: result.timestamp,
      });
      expect(await getBatch(f.publicClient, { registry: f.registry, root: digest("never") })).to.equal(null);
      expect(await findAnchor(f.publicClient, { registry: f.registry, root: digest("never") })).to.equal(null);
    });

    it("revokes, suspends and reinstates credentials; reads their bits in few calls", async () => {
      const { registry, root } = f;
      await revokeCredentials(f.operator, { registry, root, indices: [3, 700, 4], reason: 2 });
      await suspendCredentials(f.operator, { registry, root, indices: [10, 11] });
      await reinstateCredentials(f.operator, { registry, root, indices: [10n] });
      const status = await getCredentialStatus(f.publicClient, { registry, root, indices: [700, 3, 5, 10, 11, 999, 3] });
      expect(status).to.deep.equal([
        { index: 700, revoked: true, suspended: false },
        { index: 3, revoked: true, suspended: false },
        { index: 5, revoked: false, suspended: false },
        { index: 10, revoked: false, suspended: false },
        { index: 11, revoked: false, suspended: true },
        { index: 999, revoked: false, suspended: false },
        { index: 3, revoked: true, suspended: false },
      ]);

      // Far-apart indices are read in separate statusWords ranges.
      const big = digest("big batch");
      await anchorBatch(f.operator, { registry, root: big, leafCount: 1_000_000, manifestDigest: digest("mb") });
      await revokeCredentials(f.operator, { registry, root: big, indices: [5, 999_999], reason: 1 });
      expect((await getCredentialStatus(f.publicClient, { registry, root: big, indices: [999_999, 6, 5] })).map((s) => s.revoked)).to.deep.equal([true, false, true]);
    });

    it("revokes a whole batch", async () => {
      await revokeBatch(f.operator, { registry: f.registry, root: f.root, reason: 4 });
      expect(await getBatch(f.publicClient, { registry: f.registry, root: f.root })).to.deep.include({ status: "Revoked", revocationReason: 4, leafCount: 1000 });
    });
  });

  describe("typed errors", () => {
    it("duplicate root: BatchAlreadyAnchoredError, found by simulation before anything is sent", async () => {
      const nonce = await getTransactionCount(f.publicClient, { address: addr(f.operator) });
      const err = await rejection(anchorBatch(f.operator, { registry: f.registry, root: f.root, leafCount: 5, manifestDigest: digest("x") }), BatchAlreadyAnchoredError);
      expect(err.root).to.equal(f.root);
      expect(err.message).to.include(f.root);
      expect(await getTransactionCount(f.publicClient, { address: addr(f.operator) })).to.equal(nonce);
    });

    it("unknown batch, other issuer's batch, index out of range, and other reverts", async () => {
      const nope = digest("nope");
      const unknown = await rejection(revokeCredentials(f.operator, { registry: f.registry, root: nope, indices: [1], reason: 1 }), UnknownBatchError);
      expect(unknown.root).to.equal(nope);
      const foreign = await rejection(revokeBatch(f.operatorB, { registry: f.registry, root: f.root, reason: 1 }), NotBatchIssuerError);
      expect([foreign.root, foreign.issuer]).to.deep.equal([f.root, addr(f.issuerB)]);
      const range = await rejection(revokeCredentials(f.operator, { registry: f.registry, root: f.root, indices: [5, 1000], reason: 1 }), IndexOutOfRangeError);
      expect([range.root, range.index, range.leafCount]).to.deep.equal([f.root, 1000n, 1000]);
      expect(range.message).to.include("1000").and.include(f.root);

      await revokeBatch(f.operator, { registry: f.registry, root: f.root, reason: 1 });
      const revoked = await rejection(suspendCredentials(f.operator, { registry: f.registry, root: f.root, indices: [1] }), ContractRevertError);
      expect([revoked.errorName, revoked.args]).to.deep.equal(["BatchIsRevoked", [f.root]]);
      expect(revoked.message).to.equal(`suspendCredentials reverted with BatchIsRevoked(root=${f.root}).`);
      const t = await time.latest();
      const role = await rejection(
        accreditIssuer(f.stranger, { registry: f.registry, issuer: addr(f.stranger), profileDigest: digest("p"), maxEqfLevel: 3, validFrom: t, validUntil: t + YEAR }),
        ContractRevertError,
      );
      expect(role.errorName).to.equal("AccessControlUnauthorizedAccount");
      expect(role.message).to.include(`account=${addr(f.stranger)}`);
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
      // A suspended issuer can still revoke what it issued.
      await revokeCredentials(f.operator, { registry: f.registry, root: f.root, indices: [9], reason: 1 });
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
      const read = await rejection(getBatch(f.publicClient, { registry: random, root: f.root }), RegistryNotDeployedError);
      expect([read.address, read.reason]).to.deep.equal([random, "no-data"]);
      const write = await rejection(anchorBatch(f.operator, { registry: random, root: digest("z"), leafCount: 1, manifestDigest: digest("m") }), RegistryNotDeployedError);
      expect([write.address, write.reason]).to.deep.equal([random, "no-code"]);
    });

    it("insufficient funds: InsufficientFundsError naming the account", async () => {
      const poor = freshWallet();
      await addOperator(f.issuer, { registry: f.registry, key: addr(poor) });
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
      for (const attempt of [() => getBatch(client, { registry: f.registry, root: f.root }), () => assertRegistry(client, f.registry)]) {
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
        const anchor = await findAnchor(f.publicClient, { registry: f.registry, root });
        expect(anchor?.txHash).to.equal(err.txHash);
      });

      it("a mined revert (another operator's transaction took the root first) is replayed and named", async () => {
        const root = digest("raced");
        const ours = anchorBatch(f.operator, { registry: f.registry, root, leafCount: 1, manifestDigest: digest("m") });
        ours.catch(() => {}); // awaited below
        await pending(1);
        // Issuer B's operator sends the same root with a higher tip: mined first in the same block.
        await f.operatorB.writeContract({
          address: f.registry, abi: credentialRegistryAbi, functionName: "anchorBatch", args: [root, 1, digest("m")],
          gas: 200_000n, maxPriorityFeePerGas: parseGwei("50"), maxFeePerGas: parseGwei("500"),
        });
        await pending(2);
        await mine();
        const err = await rejection(ours, BatchAlreadyAnchoredError);
        expect(err.root).to.equal(root);
        expect((await getBatch(f.publicClient, { registry: f.registry, root }))?.issuer).to.equal(addr(f.issuerB));
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
        expect(await getBatch(f.publicClient, { registry: f.registry, root })).to.equal(null);
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
      expect((await findAnchor(f.publicClient, { registry: f.registry, root }))?.txHash).to.equal(result.txHash);
      const viaViem = await getBatch(f.publicClient, { registry: f.registry, root });
      expect(viaViem).to.deep.equal({ root, issuer: addr(f.issuer), anchoredAt: result.anchoredAt, leafCount: 300, status: "Active", revocationReason: 0 });
      expect(await getBatchWithEthers(ethers.provider, { registry: f.registry, root })).to.deep.equal(viaViem);

      const revoked = await revokeCredentialsWithEthers(operator, { registry: f.registry, root, indices: [1, 299], reason: 2 });
      expect(revoked.blockNumber).to.equal(result.blockNumber + 1n);
      expect((await getCredentialStatus(f.publicClient, { registry: f.registry, root, indices: [1, 2, 299] })).map((s) => s.revoked)).to.deep.equal([true, false, true]);
      await revokeBatchWithEthers(operator, { registry: f.registry, root, reason: 5 });
      expect(await getBatchWithEthers(ethers.provider, { registry: f.registry, root })).to.deep.include({ status: "Revoked", revocationReason: 5 });
      expect(await getBatchWithEthers(ethers.provider, { registry: f.registry, root: digest("never") })).to.equal(null);
    });

    it("duplicate root and non-operator: the same typed errors as the viem actions", async () => {
      const operator = await signer(addr(f.operator));
      const dup = await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: f.root, leafCount: 1, manifestDigest: digest("m") }), BatchAlreadyAnchoredError);
      expect(dup.root).to.equal(f.root);
      const stranger = await signer(addr(f.stranger));
      const notOp = await rejection(revokeCredentialsWithEthers(stranger, { registry: f.registry, root: f.root, indices: [1], reason: 1 }), NotOperatorError);
      expect(notOp.caller).to.equal(addr(f.stranger));
      const unknown = await rejection(revokeBatchWithEthers(operator, { registry: f.registry, root: digest("nope"), reason: 1 }), UnknownBatchError);
      expect(unknown.root).to.equal(digest("nope"));
    });

    it("funds, nonce, wrong chain and missing registry through an ethers Wallet", async () => {
      const poor = new Wallet(generatePrivateKey(), ethers.provider);
      await addOperator(f.issuer, { registry: f.registry, key: poor.address as Address });
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
      expect((await rejection(getBatchWithEthers(ethers.provider, { registry: missing, root: f.root }), RegistryNotDeployedError)).reason).to.equal("no-data");
    });

    it("ethers' own error shapes (a JSON-RPC provider, not Hardhat's) map to the same typed errors", async () => {
      // BrowserProvider goes through ethers' JSON-RPC error coalescing: CALL_EXCEPTION, NONCE_EXPIRED, BAD_DATA.
      const browser = new BrowserProvider(provider as Eip1193Provider);
      const operator = await browser.getSigner(addr(f.operator));
      expect((await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: f.root, leafCount: 1, manifestDigest: digest("m") }), BatchAlreadyAnchoredError)).root).to.equal(f.root);
      const stranger = await browser.getSigner(addr(f.stranger));
      expect((await rejection(revokeBatchWithEthers(stranger, { registry: f.registry, root: f.root, reason: 1 }), NotOperatorError)).caller).to.equal(addr(f.stranger));
      const nonce = await rejection(anchorBatchWithEthers(operator, { registry: f.registry, root: digest("n"), leafCount: 1, manifestDigest: digest("m"), nonce: 0 }), NonceError);
      expect([nonce.account, nonce.kind]).to.deep.equal([addr(f.operator), "too-low"]);
      const eoa = await rejection(getBatchWithEthers(browser, { registry: addr(f.stranger), root: f.root }), RegistryNotDeployedError);
      expect([eoa.address, eoa.chainId, eoa.reason]).to.deep.equal([addr(f.stranger), 31337, "no-data"]);

      const url = `http://127.0.0.1:${await freePort()}`;
      const dead = new JsonRpcProvider(url, Network.from(31337), { staticNetwork: true });
      try {
        const err = await rejection(getBatchWithEthers(dead, { registry: f.registry, root: f.root }), RpcUnreachableError);
        expect(err.url).to.equal(url);
        expect(err.details).to.include("ECONNREFUSED");
      } finally {
        dead.destroy();
      }
    });
  });
});
