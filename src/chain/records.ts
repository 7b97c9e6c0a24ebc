import { getAddress, type Address, type Hash, type Hex } from "viem";
import { ValidationError } from "../credential/errors.js";

/** `ICredentialRegistry.BatchStatus`, by value. */
export const BATCH_STATUSES = ["None", "Active", "Revoked"] as const;
/** `IAccreditationRegistry.AccreditationStatus`, by value. */
export const ACCREDITATION_STATUSES = ["None", "Active", "Suspended", "Withdrawn"] as const;
export type AccreditationStatus = (typeof ACCREDITATION_STATUSES)[number];

/** An anchored batch (`batchOf`), status by name. */
export interface BatchRecord {
  root: Hex;
  issuer: Address;
  /** Block timestamp of the anchoring (unix seconds). */
  anchoredAt: number;
  leafCount: number;
  status: "Active" | "Revoked";
  /** Reason code of a whole-batch revocation (0 while Active). */
  revocationReason: number;
}

/** An accreditation as it stood at some time (`accreditationAt`), status by name. */
export interface Accreditation {
  status: AccreditationStatus;
  maxEqfLevel: number;
  /** Validity window [validFrom, validUntil), unix seconds. */
  validFrom: number;
  validUntil: number;
  /** When this state took effect (0 if the issuer was never accredited by then). */
  effectiveFrom: number;
}

/** The revocation and suspension bits of one credential of a batch. */
export interface CredentialStatus {
  index: number;
  revoked: boolean;
  suspended: boolean;
}

/** A mined registry transaction. */
export interface TxResult {
  txHash: Hash;
  blockNumber: bigint;
  /** Timestamp of the block that holds the transaction (unix seconds). */
  timestamp: number;
}

/** A mined anchoring; `anchoredAt` is the batch's on-chain `anchoredAt` (the block timestamp). */
export interface AnchorResult extends TxResult {
  anchoredAt: number;
}

/** The `BatchAnchored` event of a root and the transaction that emitted it. */
export interface AnchorEvent extends TxResult {
  root: Hex;
  issuer: Address;
  leafCount: number;
  manifestDigest: Hex;
  /** Position of the log in its block. */
  logIndex: number;
}

type Numeric = number | bigint;

/** A chain timestamp (unix seconds) as ISO 8601, whole seconds: `2026-06-30T00:00:00Z`. */
export const isoTime = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

/**
 * The typed record of a raw `batchOf` result (viem or ethers), or null when the root was never
 * anchored (status None).
 *
 * @example
 * toBatchRecord(root, await readContract(client, { address, abi, functionName: "batchOf", args: [root] }));
 */
export function toBatchRecord(
  root: Hex,
  raw: { issuer: string; anchoredAt: Numeric; leafCount: Numeric; status: Numeric; revocationReason: Numeric },
): BatchRecord | null {
  const status = BATCH_STATUSES[Number(raw.status)];
  if (status === undefined || status === "None") return null;
  return {
    root,
    issuer: getAddress(raw.issuer),
    anchoredAt: Number(raw.anchoredAt),
    leafCount: Number(raw.leafCount),
    status,
    revocationReason: Number(raw.revocationReason),
  };
}

/**
 * The typed accreditation of a raw `accreditationAt` result (viem or ethers).
 *
 * @example
 * toAccreditation({ status: 1, maxEqfLevel: 7, validFrom: 0, validUntil: 1, effectiveFrom: 0 }).status; // "Active"
 */
export function toAccreditation(raw: {
  status: Numeric;
  maxEqfLevel: Numeric;
  validFrom: Numeric;
  validUntil: Numeric;
  effectiveFrom: Numeric;
}): Accreditation {
  return {
    status: ACCREDITATION_STATUSES[Number(raw.status)] ?? "None",
    maxEqfLevel: Number(raw.maxEqfLevel),
    validFrom: Number(raw.validFrom),
    validUntil: Number(raw.validUntil),
    effectiveFrom: Number(raw.effectiveFrom),
  };
}

/**
 * Credential indices as uint256 values; throws one ValidationError naming every bad entry.
 *
 * @example
 * toIndices([3, 4n]); // [3n, 4n]
 * toIndices([1, -2]); // throws ValidationError: indices[1]: must be a non-negative integer, got -2
 */
export function toIndices(indices: readonly Numeric[]): bigint[] {
  const issues = indices.flatMap((value, i) =>
    (typeof value === "bigint" ? value >= 0n : Number.isSafeInteger(value) && value >= 0)
      ? []
      : [{ field: `indices[${i}]`, message: `must be a non-negative integer, got ${String(value)}` }],
  );
  if (issues.length > 0) throw new ValidationError("credential indices", issues);
  return indices.map((i) => BigInt(i));
}

/**
 * Revocation and suspension bits of `indices` from `statusWords` words. Bit layout (see
 * CredentialRegistry): credential `i` is bit `i & 0xff` of word `i >> 8`.
 *
 * @example
 * bitsOf(700n, 1n << 188n, 0n); // { index: 700, revoked: true, suspended: false }  (700 = 2·256 + 188)
 */
export function bitsOf(index: bigint, revokedWord: bigint, suspendedWord: bigint): CredentialStatus {
  const bit = index & 0xffn;
  return { index: Number(index), revoked: ((revokedWord >> bit) & 1n) === 1n, suspended: ((suspendedWord >> bit) & 1n) === 1n };
}
