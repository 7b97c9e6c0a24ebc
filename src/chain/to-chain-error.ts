import { decodeErrorResult, getAddress, isAddress, type Address, type Hex } from "viem";
import { credentialRegistryAbi, stackingRegistryAbi } from "./abi.js";
import {
  BatchAlreadyAnchoredError,
  ChainError,
  ContractRevertError,
  IndexOutOfRangeError,
  InsufficientFundsError,
  IssuerNotAccreditedError,
  NonceError,
  NotOperatorError,
  RegistryNotDeployedError,
  RpcUnreachableError,
  TransactionTimeoutError,
  UnknownBatchError,
  WrongChainError,
} from "./errors.js";

/** What the failing operation was about: fills the fields the error itself does not carry. */
export interface ChainErrorContext {
  /** Registry function (or action) that failed, e.g. `anchorBatch`. */
  functionName?: string;
  registry?: Address;
  chainId?: number;
  /** The sending account (for funds and nonce errors). */
  account?: Address;
  /** JSON-RPC URL, when the transport has one. */
  url?: string;
  /** Hash of the transaction being waited for, if it was sent. */
  txHash?: Hex;
}

type Obj = Record<string, unknown>;

/** Every custom error a credstack contract can revert with: the registry's, then the stacking registry's. */
type ErrorItem = Extract<(typeof credentialRegistryAbi | typeof stackingRegistryAbi)[number], { type: "error" }>;
const errorsOf = (abi: readonly { type: string }[]) => abi.filter((i) => i.type === "error") as ErrorItem[];
const ERROR_ABI: readonly ErrorItem[] = [
  ...errorsOf(credentialRegistryAbi),
  ...errorsOf(stackingRegistryAbi).filter((i) => !errorsOf(credentialRegistryAbi).some((r) => r.name === i.name)),
];

const FUNDS = /insufficient funds|doesn't have enough funds|exceeds transaction sender account balance/i;
const NONCE_LOW = /nonce too low|nonce has already been used|already known|transaction already imported/i;
const NONCE_HIGH = /nonce too high/i;
const UNDERPRICED = /replacement (transaction )?underpriced|replacement fee too low/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|fetch failed|socket hang up/i;

/**
 * Maps any error thrown by viem, ethers v6 or a Hardhat provider while talking to a registry to a
 * typed {@link ChainError}: contract reverts decoded through the registry ABI (to
 * `NotOperatorError`, `BatchAlreadyAnchoredError`, … or `ContractRevertError`), wrong chain,
 * missing registry, funds, nonce, receipt timeout and unreachable RPC. Anything else becomes a
 * plain `ChainError` with a one-line message; the original error is always kept as `cause`.
 *
 * @example
 * try {
 *   await walletClient.writeContract({ address, abi: credentialRegistryAbi, functionName: "anchorBatch", args });
 * } catch (err) {
 *   throw toChainError(err, { functionName: "anchorBatch", registry: address, account: walletClient.account.address });
 * }
 */
export function toChainError(err: unknown, context: ChainErrorContext = {}): ChainError {
  if (err instanceof ChainError) return err;
  const chain = causeChain(err);
  const options = { cause: err };
  const named = (name: string) => chain.find((e) => e.name === name);
  const codes = new Set(chain.map((e) => e.code));
  const text = chain.map((e) => [e.message, e.shortMessage, e.details].filter((s) => typeof s === "string").join("\n")).join("\n");
  const account = context.account ?? findAccount(chain);

  const mismatch = named("ChainMismatchError");
  if (mismatch) {
    const ids = /wallet \(id: (\d+)\).*target chain for the transaction \(id: (\d+)/s.exec(String(mismatch.message));
    if (ids) return new WrongChainError(Number(ids[2]), Number(ids[1]), options);
  }

  const revert = findRevert(chain);
  if (revert) return fromRevert(revert.errorName, revert.args, { ...options, functionName: context.functionName });

  if (named("InsufficientFundsError") || codes.has("INSUFFICIENT_FUNDS") || FUNDS.test(text)) {
    return new InsufficientFundsError(account, { ...options, details: nodeMessage(chain) });
  }
  const nonceKind =
    named("NonceTooHighError") || NONCE_HIGH.test(text)
      ? "too-high"
      : codes.has("REPLACEMENT_UNDERPRICED") || UNDERPRICED.test(text)
        ? "replacement-underpriced"
        : named("NonceTooLowError") || codes.has("NONCE_EXPIRED") || NONCE_LOW.test(text)
          ? "too-low"
          : undefined;
  if (nonceKind) return new NonceError(account, nonceKind, { ...options, details: nodeMessage(chain) });

  if (named("WaitForTransactionReceiptTimeoutError") || (context.txHash && codes.has("TIMEOUT"))) {
    const hash = /hash "(0x[0-9a-fA-F]{64})"/.exec(text)?.[1] as Hex | undefined;
    return new TransactionTimeoutError(context.txHash ?? hash, options);
  }

  const registry = context.registry ?? findAddress(chain, "contractAddress");
  const zeroData = named("ContractFunctionZeroDataError") || chain.some((e) => e.code === "BAD_DATA" && e.value === "0x");
  if (zeroData && registry) return new RegistryNotDeployedError(registry, context.chainId, "no-data", options);

  const transportNames = ["HttpRequestError", "TimeoutError", "SocketClosedError", "WebSocketRequestError"];
  if (chain.some((e) => transportNames.includes(String(e.name))) || codes.has("NETWORK_ERROR") || codes.has("TIMEOUT") || UNREACHABLE.test(text)) {
    return new RpcUnreachableError(context.url ?? findUrl(chain), { ...options, details: rootMessage(chain) });
  }

  const short = firstLine(chain[0]?.shortMessage ?? chain[0]?.message ?? String(err));
  return new ChainError(context.functionName ? `${context.functionName} failed: ${short}` : short, {
    details: nodeMessage(chain),
    cause: err,
  });
}

/**
 * The typed error of a contract revert in `err`'s chain (a registry custom error, `Error(string)`
 * or `Panic`), or undefined when `err` is not a decodable revert (RPC failure, missing state, …).
 * Used to name the reason of a mined revert by replaying the call.
 *
 * @example
 * const reason = await simulateContract(client, { ...call, blockNumber: receipt.blockNumber }).then(
 *   () => undefined,
 *   (err) => revertError(err, { functionName: "anchorBatch" }),
 * ); // e.g. BatchAlreadyAnchoredError
 */
export function revertError(err: unknown, context: ChainErrorContext = {}): ChainError | undefined {
  const revert = findRevert(causeChain(err));
  return revert ? fromRevert(revert.errorName, revert.args, { cause: err, functionName: context.functionName }) : undefined;
}

/** A decoded registry custom error, as a typed error. */
function fromRevert(errorName: string, args: readonly unknown[], options: { functionName?: string; cause: unknown }): ChainError {
  const [a, b, c] = args;
  switch (errorName) {
    case "NotOperator":
      return new NotOperatorError(a as Address, options);
    case "IssuerNotAccredited":
      return new IssuerNotAccreditedError(a as Address, options);
    case "BatchAlreadyAnchored":
      return new BatchAlreadyAnchoredError(a as Address, b as Hex, options);
    case "UnknownBatch":
      return new UnknownBatchError(a as Address, b as Hex, options);
    case "IndexOutOfRange":
      return new IndexOutOfRangeError(a as Hex, BigInt(b as bigint), Number(c), options);
    default: {
      const item = ERROR_ABI.find((i) => i.name === errorName);
      const builtIn: Record<string, string[]> = { Error: ["message"], Panic: ["code"] };
      const argNames = item && "inputs" in item ? item.inputs.map((input) => input.name) : builtIn[errorName];
      return new ContractRevertError(errorName, args, { ...options, argNames });
    }
  }
}

/** The outermost decodable revert in the chain: viem's decoded data, raw revert data (viem, ethers, Hardhat), or ethers' `revert`. */
function findRevert(chain: Obj[]): { errorName: string; args: readonly unknown[] } | undefined {
  for (const e of chain) {
    const decoded = e.data as { errorName?: unknown; args?: unknown } | undefined;
    if (e.name === "ContractFunctionRevertedError") {
      if (decoded && typeof decoded.errorName === "string") return { errorName: decoded.errorName, args: (decoded.args as unknown[]) ?? [] };
      if (typeof e.signature === "string") return { errorName: e.signature, args: [] };
      if (typeof e.reason === "string") return { errorName: "Error", args: [e.reason] };
    }
    for (const data of [e.data, e.raw]) {
      const found = typeof data === "string" ? decodeRevert(data) : undefined;
      if (found) return found;
    }
    const revert = e.revert as { name?: unknown; args?: unknown } | null | undefined;
    if (revert && typeof revert.name === "string") return { errorName: revert.name, args: Array.from((revert.args as ArrayLike<unknown>) ?? []) };
  }
  return undefined;
}

function decodeRevert(data: string): { errorName: string; args: readonly unknown[] } | undefined {
  if (!/^0x[0-9a-fA-F]{8}/.test(data)) return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: ERROR_ABI, data: data as Hex });
    return { errorName, args: args ?? [] };
  } catch {
    return undefined; // not an error of the registry (nor Error(string) / Panic)
  }
}

/** The error and its causes, outermost first: viem's `cause`, ethers' `error` and `info.error`. */
function causeChain(err: unknown): Obj[] {
  const out: Obj[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 32) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || out.includes(e as Obj)) continue;
    const o = e as Obj;
    out.push(o);
    queue.push(o.cause, o.error, (o.info as Obj | undefined)?.error);
  }
  return out;
}

function findAccount(chain: Obj[]): Address | undefined {
  for (const e of chain) {
    const account = e.sender ?? (e.account as Obj | undefined)?.address ?? e.account;
    if (typeof account === "string" && isAddress(account)) return getAddress(account);
  }
  return undefined;
}

function findAddress(chain: Obj[], key: string): Address | undefined {
  const found = chain.map((e) => e[key]).find((v) => typeof v === "string" && isAddress(v));
  return found ? getAddress(found as string) : undefined;
}

function findUrl(chain: Obj[]): string | undefined {
  for (const e of chain) {
    if (typeof e.url === "string") return e.url;
    const request = e.request as Obj | undefined; // ethers FetchRequest
    if (request && typeof request.url === "string") return request.url;
  }
  return undefined;
}

/** The node's own words: the innermost `details` or message (e.g. "Nonce too low. Expected nonce to be 1 but got 0."). */
function nodeMessage(chain: Obj[]): string | undefined {
  for (const e of [...chain].reverse()) {
    const text = e.details ?? e.shortMessage ?? e.message;
    if (typeof text === "string" && text.trim()) return firstLine(text);
  }
  return undefined;
}

/** The innermost cause's message, e.g. "connect ECONNREFUSED 127.0.0.1:40123". */
function rootMessage(chain: Obj[]): string | undefined {
  const last = chain[chain.length - 1];
  const text = last?.message ?? last?.shortMessage;
  return typeof text === "string" ? firstLine(text) : undefined;
}

function firstLine(text: unknown): string {
  return String(text).split("\n")[0]!.trim();
}
