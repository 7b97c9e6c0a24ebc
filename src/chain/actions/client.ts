import type {
  Account,
  Address,
  Chain,
  Client,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
  Hash,
  Transport,
} from "viem";
import { getBlock, getChainId, getCode, readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { credentialRegistryAbi, stackingRegistryAbi } from "../abi.js";
import { RegistryNotDeployedError, TransactionReplacedError, TransactionRevertedError, WrongChainError } from "../errors.js";
import type { TxResult } from "../records.js";
import { revertError, toChainError, type ChainErrorContext } from "../to-chain-error.js";

/** Plumbing shared by the actions (not part of the public API): one place that sends, waits, reads and maps errors. */

type RegistryAbi = typeof credentialRegistryAbi;
type WriteName = ContractFunctionName<RegistryAbi, "nonpayable">;
type ReadName = ContractFunctionName<RegistryAbi, "view" | "pure">;
type StackingAbi = typeof stackingRegistryAbi;
type StackingWriteName = ContractFunctionName<StackingAbi, "nonpayable">;
type StackingReadName = ContractFunctionName<StackingAbi, "view" | "pure">;

/** A client that can sign and send: a viem WalletClient (or any Client) with an account and a chain. */
export type RegistryWalletClient = Client<Transport, Chain, Account>;
/** A client that can read: a viem PublicClient, a WalletClient, or any Client. */
export type RegistryReadClient = Client<Transport, Chain | undefined, Account | undefined>;

/** Options of every write action. */
export interface WriteOptions {
  /** Blocks to wait for before resolving; 1 (the default) = mined. */
  confirmations?: number;
  /** Explicit nonce; by default the node's next nonce for the account. */
  nonce?: number;
  /** How long to wait for the receipt, in milliseconds (viem's default otherwise). */
  timeout?: number;
  /**
   * Called once the node has accepted the transaction, with its hash, before the receipt is awaited
   * (for progress output, or to journal the hash). The action waits for it; an error it throws
   * propagates as is.
   */
  onSent?: (txHash: Hash) => void | Promise<void>;
}

/** @internal The JSON-RPC URL of an http/websocket transport, for error messages. */
export function transportUrl(client: Client): string | undefined {
  const url = (client.transport as { url?: unknown }).url;
  return typeof url === "string" ? url : undefined;
}

/** @internal The error context of a read. */
export function readContext(client: RegistryReadClient, registry: Address, functionName: string): ChainErrorContext {
  return { functionName, registry, chainId: client.chain?.id, url: transportUrl(client) };
}

/**
 * @internal Sends `functionName(args)` to the registry and waits for it: checks the chain, the code at the
 * registry and simulates the call (in parallel, so reverts surface as typed errors before anything
 * is signed), sends, waits for the receipt, and returns hash, block and block timestamp. A mined
 * revert (a race with another transaction) is replayed at its block to name the reason.
 */
export function sendRegistryTx<const name extends WriteName>(
  client: RegistryWalletClient,
  registry: Address,
  functionName: name,
  args: ContractFunctionArgs<RegistryAbi, "nonpayable", name>,
  options: WriteOptions = {},
): Promise<TxResult> {
  return sendContractTx(client, registry, credentialRegistryAbi, functionName, args, options);
}

/** @internal {@link sendRegistryTx} for the stacking registry. */
export function sendStackingTx<const name extends StackingWriteName>(
  client: RegistryWalletClient,
  stacking: Address,
  functionName: name,
  args: ContractFunctionArgs<StackingAbi, "nonpayable", name>,
  options: WriteOptions = {},
): Promise<TxResult> {
  return sendContractTx(client, stacking, stackingRegistryAbi, functionName, args, options);
}

async function sendContractTx(
  client: RegistryWalletClient,
  registry: Address,
  abi: RegistryAbi | StackingAbi,
  functionName: string,
  args: unknown,
  options: WriteOptions,
): Promise<TxResult> {
  const { account, chain } = client;
  const context: ChainErrorContext = { functionName, registry, chainId: chain.id, account: account.address, url: transportUrl(client) };
  const call = { address: registry, abi, functionName, args, account } as never;

  let txHash: Hash;
  try {
    const [chainId, code, simulation] = await Promise.allSettled([
      getChainId(client),
      getCode(client, { address: registry }),
      simulateContract(client, call),
    ]);
    if (chainId.status === "rejected") throw chainId.reason;
    if (chainId.value !== chain.id) throw new WrongChainError(chain.id, chainId.value);
    if (code.status === "rejected") throw code.reason;
    if (!code.value || code.value === "0x") throw new RegistryNotDeployedError(registry, chain.id, "no-code");
    if (simulation.status === "rejected") throw simulation.reason;
    txHash = await writeContract(client, { ...(call as object), chain, nonce: options.nonce } as never);
  } catch (err) {
    throw toChainError(err, context);
  }
  await options.onSent?.(txHash);

  try {
    let replaced: { reason: "cancelled" | "replaced" | "repriced"; hash: Hash } | undefined;
    const receipt = await waitForTransactionReceipt(client, {
      hash: txHash,
      confirmations: options.confirmations ?? 1,
      onReplaced: (r) => (replaced = { reason: r.reason, hash: r.transaction.hash }),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
    if (replaced && replaced.reason !== "repriced") throw new TransactionReplacedError(txHash, replaced.hash, replaced.reason);
    const minedHash = receipt.transactionHash; // a repriced replacement carries our call under a new hash
    if (receipt.status === "reverted") {
      // Replayed against the state after its block: names the reason when another transaction changed the state first.
      const replay = await simulateContract(client, { ...(call as object), blockNumber: receipt.blockNumber } as never).then(
        () => undefined,
        (err: unknown) => revertError(err, context),
      );
      throw replay ?? new TransactionRevertedError(minedHash);
    }
    const block = await getBlock(client, { blockNumber: receipt.blockNumber });
    return { txHash: minedHash, blockNumber: receipt.blockNumber, timestamp: Number(block.timestamp) };
  } catch (err) {
    throw toChainError(err, { ...context, txHash });
  }
}

/** @internal Reads `functionName(args)` from the registry, errors mapped. */
export async function readRegistry<const name extends ReadName, const args extends ContractFunctionArgs<RegistryAbi, "view" | "pure", name>>(
  client: RegistryReadClient,
  registry: Address,
  functionName: name,
  args: args,
): Promise<ContractFunctionReturnType<RegistryAbi, "view" | "pure", name, args>> {
  try {
    return (await readContract(client, { address: registry, abi: credentialRegistryAbi, functionName, args } as never)) as never;
  } catch (err) {
    throw toChainError(err, readContext(client, registry, functionName));
  }
}

/** @internal {@link readRegistry} for the stacking registry. */
export async function readStacking<
  const name extends StackingReadName,
  const args extends ContractFunctionArgs<StackingAbi, "view" | "pure", name>,
>(
  client: RegistryReadClient,
  stacking: Address,
  functionName: name,
  args: args,
): Promise<ContractFunctionReturnType<StackingAbi, "view" | "pure", name, args>> {
  try {
    return (await readContract(client, { address: stacking, abi: stackingRegistryAbi, functionName, args } as never)) as never;
  } catch (err) {
    throw toChainError(err, readContext(client, stacking, functionName));
  }
}

/** @internal Timestamp of the latest block: "now" as the chain sees it. */
export async function latestTimestamp(client: RegistryReadClient, context: ChainErrorContext): Promise<number> {
  try {
    return Number((await getBlock(client)).timestamp);
  } catch (err) {
    throw toChainError(err, context);
  }
}
