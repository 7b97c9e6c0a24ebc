import { getAddress, isAddress, type Address, type Hex } from "viem";
import { CredstackError } from "../credential/errors.js";
import { revertSentence } from "./revert-messages.js";

/**
 * Typed errors of the chain layer. Every message names the address, root, index or transaction
 * involved; `details` carries the node's own words where they help. The original error stays
 * reachable as `cause`. {@link toChainError} (./to-chain-error.ts) turns any viem or ethers error
 * into one of these.
 */

/** Addresses in error fields are checksummed, whatever case the caller or the node used. */
function checksum<T extends string | undefined>(address: T): T {
  return (address !== undefined && isAddress(address, { strict: false }) ? getAddress(address) : address) as T;
}

/** Base of every chain-layer error; also what an error nothing more specific matches becomes. */
export class ChainError extends CredstackError {
  override name = "ChainError";
}

/** The JSON-RPC endpoint did not answer (connection refused, DNS, timeout, HTTP failure). */
export class RpcUnreachableError extends ChainError {
  override name = "RpcUnreachableError";
  constructor(
    readonly url: string | undefined,
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(`Cannot reach the JSON-RPC endpoint ${url ?? "(URL unknown)"}.`, options);
  }
}

/** The node serves another chain than the one expected. */
export class WrongChainError extends ChainError {
  override name = "WrongChainError";
  constructor(
    readonly expected: number,
    readonly actual: number,
    options: { cause?: unknown } = {},
  ) {
    super(`Connected to chain ${actual}, expected chain ${expected}.`, {
      details: "Point the client at an RPC URL of the expected chain, or fix the expected chain id.",
      ...options,
    });
  }
}

/** Nothing at `address` answers like a credstack CredentialRegistry. */
export class RegistryNotDeployedError extends ChainError {
  override name = "RegistryNotDeployedError";
  readonly address: Address;
  constructor(
    address: Address,
    readonly chainId: number | undefined,
    /**
     * `no-code`: no contract at the address; `not-a-registry`: a contract that is not a registry;
     * `no-data`: a registry call returned nothing (either of the two).
     */
    readonly reason: "no-code" | "not-a-registry" | "no-data",
    options: { cause?: unknown } = {},
  ) {
    address = checksum(address);
    super(`No credstack registry at ${address} on chain ${chainId ?? "(unknown)"}.`, {
      details: {
        "no-code": "There is no contract code at this address (an account, or nothing deployed yet).",
        "not-a-registry": "The contract at this address does not answer like a credstack CredentialRegistry.",
        "no-data": "A registry call returned no data: no contract at this address, or one without the registry's functions.",
      }[reason],
      ...options,
    });
    this.address = address;
  }
}

/** The sender is not a current operator key of any issuer (`NotOperator`). */
export class NotOperatorError extends ChainError {
  override name = "NotOperatorError";
  readonly caller: Address;
  constructor(caller: Address, options: { cause?: unknown } = {}) {
    caller = checksum(caller);
    super(`${caller} is not a current operator key of any issuer.`, {
      details:
        "The key signs its consent with `credstack issuer operator consent --issuer <addr>`; the issuer then runs `credstack issuer operator add <key> --consent <file>`. A removed key can never be added again.",
      ...options,
    });
    this.caller = caller;
  }
}

/** The sender's issuer is not accredited right now: suspended, withdrawn, or outside its window (`IssuerNotAccredited`). */
export class IssuerNotAccreditedError extends ChainError {
  override name = "IssuerNotAccreditedError";
  readonly issuer: Address;
  constructor(issuer: Address, options: { cause?: unknown } = {}) {
    issuer = checksum(issuer);
    super(`Issuer ${issuer} is not accredited now (suspended, withdrawn, or outside its validity window).`, {
      details: "See `credstack issuer status <issuer>`; only its accreditor can renew or reinstate it (`credstack issuer accredit`).",
      ...options,
    });
    this.issuer = issuer;
  }
}

/** The issuer already anchored this root (`BatchAlreadyAnchored`). */
export class BatchAlreadyAnchoredError extends ChainError {
  override name = "BatchAlreadyAnchoredError";
  readonly issuer: Address;
  constructor(
    issuer: Address,
    readonly root: Hex,
    options: { cause?: unknown } = {},
  ) {
    issuer = checksum(issuer);
    super(`Issuer ${issuer} already anchored batch root ${root}.`, {
      details:
        "Roots are never overwritten. If this retries an anchoring of yours, `credstack batch anchor <dir>` records it from the chain (findAnchor).",
      ...options,
    });
    this.issuer = issuer;
  }
}

/** The issuer never anchored a batch with this root (`UnknownBatch`). */
export class UnknownBatchError extends ChainError {
  override name = "UnknownBatchError";
  readonly issuer: Address;
  constructor(
    issuer: Address,
    readonly root: Hex,
    options: { cause?: unknown } = {},
  ) {
    issuer = checksum(issuer);
    super(`Issuer ${issuer} has no batch with root ${root} in this registry.`, {
      details: "Check the registry and the key's issuer with `credstack batch status <dir>`; anchor first with `credstack batch anchor <dir>`.",
      ...options,
    });
    this.issuer = issuer;
  }
}

/** A credential index is not below the batch's leaf count (`IndexOutOfRange`). */
export class IndexOutOfRangeError extends ChainError {
  override name = "IndexOutOfRangeError";
  constructor(
    readonly root: Hex,
    readonly index: bigint,
    readonly leafCount: number,
    options: { cause?: unknown } = {},
  ) {
    super(`Credential index ${index} is out of range for batch ${root}, which has ${leafCount} leaves.`, options);
  }
}

/** The sending account cannot pay for the transaction. */
export class InsufficientFundsError extends ChainError {
  override name = "InsufficientFundsError";
  readonly account: Address | undefined;
  constructor(account: Address | undefined, options: { details?: string; cause?: unknown } = {}) {
    account = checksum(account);
    super(`Account ${account ?? "(unknown)"} has insufficient funds to pay for the transaction.`, options);
    this.account = account;
  }
}

/** The node rejected the transaction's nonce: too low (already used), too high, or a replacement underpriced. */
export class NonceError extends ChainError {
  override name = "NonceError";
  readonly account: Address | undefined;
  constructor(
    account: Address | undefined,
    readonly kind: "too-low" | "too-high" | "replacement-underpriced",
    options: { details?: string; cause?: unknown } = {},
  ) {
    const what = {
      "too-low": "is already used",
      "too-high": "is ahead of the account's next nonce",
      "replacement-underpriced": "belongs to a pending transaction and the replacement's fee is too low",
    }[kind];
    account = checksum(account);
    super(`The nonce of the transaction from ${account ?? "(unknown account)"} ${what}.`, options);
    this.account = account;
  }
}

/**
 * The registry reverted with a custom error that has no class of its own (or `Error(string)` /
 * `Panic`). The message is a sentence (./revert-messages.ts) naming the values involved and what
 * to do; `errorName` and `args` keep the raw revert.
 */
export class ContractRevertError extends ChainError {
  override name = "ContractRevertError";
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    options: { argNames?: readonly string[]; functionName?: string; cause?: unknown } = {},
  ) {
    const named = Object.fromEntries(args.map((value, i) => [options.argNames?.[i] ?? String(i), value]));
    const sentence = revertSentence(errorName, named);
    const shown = args.map((value, i) => {
      const name = options.argNames?.[i];
      return name ? `${name}=${formatValue(value)}` : formatValue(value);
    });
    const raw = `${options.functionName ?? "The call"} reverted with ${errorName}(${shown.join(", ")}).`;
    super(sentence ? sentence.message : raw, { details: sentence ? [sentence.hint, raw].filter(Boolean).join(" ") : undefined, cause: options.cause });
  }
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return typeof value === "string" && !value.startsWith("0x") ? JSON.stringify(value) : String(value);
}

/** A sent transaction was not mined (with the requested confirmations) in time. It may still be mined later. */
export class TransactionTimeoutError extends ChainError {
  override name = "TransactionTimeoutError";
  constructor(
    readonly txHash: Hex | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(`Transaction ${txHash ?? "(hash unknown)"} was not confirmed in time.`, {
      details: "It may still be mined: look it up by hash (or findAnchor for an anchoring) before sending again.",
      ...options,
    });
  }
}

/** A sent transaction was mined but reverted, and replaying it did not reveal a reason. */
export class TransactionRevertedError extends ChainError {
  override name = "TransactionRevertedError";
  constructor(
    readonly txHash: Hex,
    options: { cause?: unknown } = {},
  ) {
    super(`Transaction ${txHash} was mined but reverted.`, options);
  }
}

/**
 * A sent transaction was replaced by another one from the same account and nonce (cancelled, or
 * replaced by a different call), so its call did not happen. A mere repricing (same call, higher
 * fee) is not an error: the action resolves with the replacement's hash.
 */
export class TransactionReplacedError extends ChainError {
  override name = "TransactionReplacedError";
  constructor(
    readonly txHash: Hex,
    readonly replacementHash: Hex,
    readonly reason: "cancelled" | "replaced",
    options: { cause?: unknown } = {},
  ) {
    super(`Transaction ${txHash} was ${reason} by ${replacementHash} (same account and nonce); its call did not happen.`, options);
  }
}

/** A batch (or credential) was built for another registry than the one given. */
export class RegistryMismatchError extends ChainError {
  override name = "RegistryMismatchError";
  /** The registry the batch manifest (or credential) names. */
  readonly expected: Address;
  /** The registry the caller asked for (`--registry`, the `registry` option). */
  readonly actual: Address;
  constructor(expected: Address, actual: Address, options: { source?: string; cause?: unknown } = {}) {
    expected = checksum(expected);
    actual = checksum(actual);
    super(`${options.source ?? "The batch"} was built for registry ${expected}, not for registry ${actual}.`, {
      details: "Leaves bind the registry address: a batch can only be anchored in the registry it was built for. Drop --registry, or rebuild the batch for this registry.",
      cause: options.cause,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * An anchor recorded in a batch manifest does not match the chain: the root is not anchored there
 * (another chain, or a local chain that was restarted), or by another transaction, block or time.
 */
export class AnchorMismatchError extends ChainError {
  override name = "AnchorMismatchError";
  constructor(
    readonly root: Hex,
    /** The manifest field that disagrees: `root` (not anchored on chain), `txHash`, `blockNumber`, `anchoredAt` or `leafCount`. */
    readonly field: "root" | "txHash" | "blockNumber" | "anchoredAt" | "leafCount",
    /** The value in the manifest. */
    readonly recorded: string,
    /** The value on chain (`none` when absent). */
    readonly onChain: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      field === "root"
        ? `The manifest records an anchor of ${root} (transaction ${recorded}), but the root is not anchored on this chain and registry.`
        : `The manifest's anchor of ${root} disagrees with the chain: ${field} is ${recorded} in the manifest, ${onChain} on chain.`,
      {
        details: "The manifest is left unchanged. Check that --rpc points at the chain the batch was anchored on.",
        ...options,
      },
    );
  }
}

/**
 * The batch names another issuer than the one involved on chain: the sending key operates for
 * another issuer (`operator`), or the root was anchored by another issuer (`anchored`).
 */
export class IssuerMismatchError extends ChainError {
  override name = "IssuerMismatchError";
  /** The issuer the batch manifest names. */
  readonly batchIssuer: Address;
  /** The sending key's issuer (`operator`) or the issuer that anchored the root (`anchored`). */
  readonly otherIssuer: Address;
  constructor(
    readonly root: Hex,
    batchIssuer: Address,
    otherIssuer: Address,
    readonly reason: "operator" | "anchored",
    options: { key?: Address; cause?: unknown } = {},
  ) {
    batchIssuer = checksum(batchIssuer);
    otherIssuer = checksum(otherIssuer);
    const key = checksum(options.key);
    super(
      reason === "operator"
        ? `Key ${key ?? "(unknown)"} operates for issuer ${otherIssuer}, but batch ${root} is issued by ${batchIssuer}.`
        : `Batch root ${root} is already anchored by issuer ${otherIssuer}, not by the batch's issuer ${batchIssuer}.`,
      {
        details:
          reason === "operator"
            ? "Anchor with an operator key of the batch's issuer (the awarding body's address in the course)."
            : "Roots are never overwritten; this batch cannot be anchored for its issuer in this registry.",
        cause: options.cause,
      },
    );
    this.batchIssuer = batchIssuer;
    this.otherIssuer = otherIssuer;
  }
}
