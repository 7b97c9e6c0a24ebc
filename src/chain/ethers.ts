import { Contract, isError, type ContractRunner, type Provider, type Signer, type TransactionReceipt, type TransactionResponse } from "ethers";
import { createPublicClient, custom, getAddress, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hex } from "viem";
import { credentialRegistryAbi } from "./abi.js";
import {
  ChainError,
  RegistryNotDeployedError,
  TransactionReplacedError,
  TransactionRevertedError,
  TransactionTimeoutError,
  WrongChainError,
} from "./errors.js";
import { toBatchRecord, toIndexMasks, type AnchorResult, type BatchRecord, type TxResult } from "./records.js";
import { revertError, toChainError, type ChainErrorContext } from "./to-chain-error.js";
import type { RegistryReadClient } from "./actions/client.js";

/**
 * The ethers v6 adapter: an issuer who already holds an ethers `Signer` / `Provider` anchors and
 * revokes with it. Same return shapes and the same typed errors as the viem actions
 * (./actions/): `staticCall` before sending plays the part of viem's `simulateContract`.
 */

type RegistryAbi = typeof credentialRegistryAbi;
type WriteName = ContractFunctionName<RegistryAbi, "nonpayable">;

/** Options of every ethers write. */
export interface EthersWriteOptions {
  /** Blocks to wait for before resolving; 1 (the default) = mined. */
  confirmations?: number;
  /** Explicit nonce; by default the signer's next nonce. */
  nonce?: number;
  /** How long to wait for the receipt, in milliseconds. */
  timeout?: number;
  /** Expected chain id: throws `WrongChainError` when the provider serves another chain. */
  chainId?: number;
  /** Called once the node has accepted the transaction, with its hash, before the receipt is awaited. */
  onSent?: (txHash: Hex) => void | Promise<void>;
}

/** The JSON-RPC URL behind an ethers runner, when it has one (JsonRpcProvider), for error messages. */
function connectionUrl(runner: ContractRunner | null | undefined): string | undefined {
  const provider = (runner?.provider ?? runner) as { _getConnection?: () => { url?: unknown } } | null | undefined;
  try {
    const url = typeof provider?._getConnection === "function" ? provider._getConnection().url : undefined;
    return typeof url === "string" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The chain id of the runner's provider, or undefined when it cannot be had. */
async function chainIdOf(runner: ContractRunner): Promise<number | undefined> {
  try {
    return runner.provider ? Number((await runner.provider.getNetwork()).chainId) : undefined;
  } catch {
    return undefined;
  }
}

async function sendWithEthers<const name extends WriteName>(
  signer: Signer,
  registry: Address,
  functionName: name,
  args: ContractFunctionArgs<RegistryAbi, "nonpayable", name>,
  options: EthersWriteOptions,
): Promise<TxResult> {
  const provider = signer.provider;
  if (!provider) throw new ChainError(`The ethers signer has no provider: connect it to one before calling ${functionName}.`);
  const context: ChainErrorContext = { functionName, registry, chainId: options.chainId, url: connectionUrl(signer) };
  const fn = new Contract(registry, credentialRegistryAbi, signer).getFunction(functionName);
  const values = args as readonly unknown[];

  let tx: TransactionResponse;
  try {
    context.account = getAddress(await signer.getAddress());
    const [network, code, simulation] = await Promise.allSettled([provider.getNetwork(), provider.getCode(registry), fn.staticCall(...values)]);
    if (network.status === "rejected") throw network.reason;
    const chainId = Number(network.value.chainId);
    if (options.chainId !== undefined && chainId !== options.chainId) throw new WrongChainError(options.chainId, chainId);
    context.chainId = chainId;
    if (code.status === "rejected") throw code.reason;
    if (code.value === "0x") throw new RegistryNotDeployedError(registry, chainId, "no-code");
    if (simulation.status === "rejected") throw simulation.reason;
    tx = await fn.send(...values, options.nonce !== undefined ? { nonce: options.nonce } : {});
  } catch (err) {
    throw toChainError(err, context);
  }

  const txHash = tx.hash as Hex;
  await options.onSent?.(txHash);
  try {
    const receipt = await waitMined(tx, options);
    const minedHash = receipt.hash as Hex; // a repriced replacement carries our call under a new hash
    if (receipt.status === 0) {
      // Replayed against the state after its block: names the reason when another transaction changed the state first.
      const replay = await fn.staticCall(...values, { blockTag: receipt.blockNumber }).then(
        () => undefined,
        (err: unknown) => revertError(err, context),
      );
      throw replay ?? new TransactionRevertedError(minedHash);
    }
    const block = await provider.getBlock(receipt.blockNumber);
    if (!block) throw new ChainError(`Block ${receipt.blockNumber} of transaction ${minedHash} is not available from the provider.`);
    return { txHash: minedHash, blockNumber: BigInt(receipt.blockNumber), timestamp: block.timestamp };
  } catch (err) {
    throw toChainError(err, { ...context, txHash });
  }
}

/**
 * The receipt of `tx`, reverted or not (ethers throws CALL_EXCEPTION for a reverted one; that
 * receipt is returned), or of the transaction that repriced it. Throws `TransactionReplacedError`
 * when it was cancelled or replaced by another call, `TransactionTimeoutError` when not mined in time.
 */
async function waitMined(tx: TransactionResponse, options: EthersWriteOptions): Promise<TransactionReceipt> {
  const txHash = tx.hash as Hex;
  try {
    const receipt = await tx.wait(options.confirmations ?? 1, options.timeout);
    if (!receipt) throw new TransactionTimeoutError(txHash);
    return receipt;
  } catch (err) {
    if (isError(err, "CALL_EXCEPTION") && err.receipt) return err.receipt;
    if (isError(err, "TRANSACTION_REPLACED")) {
      if (err.reason === "repriced") return err.receipt;
      throw new TransactionReplacedError(txHash, err.replacement.hash as Hex, err.reason, { cause: err });
    }
    throw err;
  }
}

/**
 * Anchors a batch with an ethers signer (a current operator key of an accredited issuer).
 *
 * @example
 * const signer = new Wallet(process.env.OPERATOR_KEY!, new JsonRpcProvider(rpcUrl));
 * const { txHash, anchoredAt } = await anchorBatchWithEthers(signer, { registry, root, leafCount, manifestDigest });
 */
export async function anchorBatchWithEthers(
  signer: Signer,
  params: { registry: Address; root: Hex; leafCount: number; manifestDigest: Hex } & EthersWriteOptions,
): Promise<AnchorResult> {
  const { registry, root, leafCount, manifestDigest, ...options } = params;
  const result = await sendWithEthers(signer, registry, "anchorBatch", [root, leafCount, manifestDigest], options);
  return { ...result, anchoredAt: result.timestamp };
}

/**
 * Revokes credentials of a batch by leaf index with an ethers signer: final from the issuer's own
 * account, pending for the issuer's delay from one of its operator keys.
 *
 * @example
 * await revokeCredentialsWithEthers(signer, { registry, root, indices: [3, 4], reason: 4 });
 */
export async function revokeCredentialsWithEthers(
  signer: Signer,
  params: { registry: Address; root: Hex; indices: readonly (number | bigint)[]; reason: number } & EthersWriteOptions,
): Promise<TxResult> {
  const { registry, root, indices, reason, ...options } = params;
  const { words, masks } = toIndexMasks(indices);
  return sendWithEthers(signer, registry, "revokeCredentials", [root, words, masks, reason], options);
}

/**
 * Revokes a whole batch with an ethers signer: final from the issuer's account, pending from an operator key.
 *
 * @example
 * await revokeBatchWithEthers(signer, { registry, root, reason: 1 });
 */
export async function revokeBatchWithEthers(
  signer: Signer,
  params: { registry: Address; root: Hex; reason: number } & EthersWriteOptions,
): Promise<TxResult> {
  const { registry, root, reason, ...options } = params;
  return sendWithEthers(signer, registry, "revokeBatch", [root, reason], options);
}

/**
 * The record of batch `root` of `issuer` through an ethers provider (or signer), or `null` when
 * that issuer never anchored it.
 *
 * @example
 * const batch = await getBatchWithEthers(provider, { registry, issuer, root });
 */
export async function getBatchWithEthers(
  runner: ContractRunner,
  params: { registry: Address; issuer: Address; root: Hex },
): Promise<BatchRecord | null> {
  const { registry, issuer, root } = params;
  try {
    const raw = await new Contract(registry, credentialRegistryAbi, runner).getFunction("batchOf").staticCall(issuer, root);
    return toBatchRecord(issuer, root, raw);
  } catch (err) {
    const chainId = isError(err, "BAD_DATA") ? await chainIdOf(runner) : undefined;
    throw toChainError(err, { functionName: "batchOf", registry, chainId, url: connectionUrl(runner) });
  }
}

/**
 * A viem read client over an ethers provider's JSON-RPC connection, so that the viem read actions
 * (getBatch, findAnchor, assertRegistry, …) serve an issuer who holds an ethers provider. Needs a
 * provider that speaks JSON-RPC (`send(method, params)`: JsonRpcProvider, BrowserProvider,
 * Hardhat's); throws a ChainError otherwise.
 *
 * @example
 * const publicClient = ethersReadClient(new JsonRpcProvider(rpcUrl));
 * await getBatch(publicClient, { registry, root });
 */
export function ethersReadClient(provider: Provider): RegistryReadClient {
  const send = (provider as { send?: unknown }).send;
  if (typeof send !== "function") {
    throw new ChainError("The ethers provider does not expose JSON-RPC (no send method): pass a viem publicClient for reads.");
  }
  const request = ({ method, params }: { method: string; params?: unknown }) =>
    (send as (method: string, params: unknown[]) => Promise<unknown>).call(provider, method, (params as unknown[] | undefined) ?? []);
  return createPublicClient({ transport: custom({ request }, { retryCount: 0 }) }) as RegistryReadClient;
}
