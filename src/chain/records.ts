import { getAddress, type Address, type Hash, type Hex } from "viem";
import { ValidationError } from "../credential/errors.js";

/** `ICredentialRegistry.BatchStatus`, by value. */
export const BATCH_STATUSES = ["None", "Active", "RevocationPending", "Revoked"] as const;
/** `IAccreditationRegistry.AccreditationStatus`, by value. */
export const ACCREDITATION_STATUSES = ["None", "Active", "Suspended", "Withdrawn"] as const;
export type AccreditationStatus = (typeof ACCREDITATION_STATUSES)[number];

/** A revocation: who made it, when, and when it is (or became) final. */
export interface Revocation {
  /** The issuer's own account, or one of its operator keys. */
  by: Address;
  /** When it was made (unix seconds). */
  at: number;
  /** When it is or became final (unix seconds); a pending revocation can be cancelled by the issuer until then. */
  finalAt: number;
  /** Whether it is final now (`finalAt` has passed, or the issuer's account made it). */
  final: boolean;
}

/** An anchored batch of an issuer (`batchOf(issuer, root)`), status by name. */
export interface BatchRecord {
  root: Hex;
  /** The issuer the batch belongs to (batches are keyed by issuer and root). */
  issuer: Address;
  /** The operator key that anchored it. */
  anchoringKey: Address;
  /** Block timestamp of the anchoring (unix seconds). */
  anchoredAt: number;
  leafCount: number;
  /**
   * `RevocationPending`: revoked by an operator key, cancellable by the issuer until
   * `revocation.finalAt`; `Revoked`: final.
   */
  status: "Active" | "RevocationPending" | "Revoked";
  /** Reason code of a whole-batch revocation (0 while Active). */
  revocationReason: number;
  /** The whole-batch revocation, if any. */
  revocation: Revocation | null;
  /** The issuer declared the anchoring key compromised since a time at or before the anchoring. */
  anchoringKeyCompromised: boolean;
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
  /** The accreditor responsible for the issuer then (zero address if never accredited). */
  accreditor: Address;
  /** The profile digest (keccak256 of RFC 8785 `{country, name}`) in force then. */
  profileDigest: Hex;
}

/** The status of one credential of a batch. */
export interface CredentialStatus {
  index: number;
  /** Revoked finally (by the issuer's account, or by an operator key past the delay). */
  revoked: boolean;
  /** Revoked by an operator key, not yet final: the issuer can cancel it until `pending.finalAt`. */
  revocationPending: boolean;
  /** Who made the pending revocations of this credential's word (256 neighbours), and when they become final. */
  pending: Revocation | null;
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
  /** The operator key that anchored. */
  operator: Address;
  leafCount: number;
  manifestDigest: Hex;
  /** Position of the log in its block. */
  logIndex: number;
}

type Numeric = number | bigint;

/** A chain timestamp (unix seconds) as ISO 8601, whole seconds: `2026-06-30T00:00:00Z`. */
export const isoTime = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

type RawBatch = {
  anchoringKey: string;
  anchoredAt: Numeric;
  leafCount: Numeric;
  status: Numeric;
  revocationReason: Numeric;
  revokedBy: string;
  revokedAt: Numeric;
  revocationFinalAt: Numeric;
  anchoringKeyCompromised: boolean;
};

/**
 * The typed record of a raw `batchOf` result (viem or ethers), or null when the issuer never
 * anchored the root (status None). `now` (unix seconds) decides whether a revocation is final.
 *
 * @example
 * toBatchRecord(issuer, root, await readContract(client, { address, abi, functionName: "batchOf", args: [issuer, root] }));
 */
export function toBatchRecord(issuer: Address, root: Hex, raw: RawBatch): BatchRecord | null {
  const status = BATCH_STATUSES[Number(raw.status)];
  if (status === undefined || status === "None") return null;
  return {
    root,
    issuer: getAddress(issuer),
    anchoringKey: getAddress(raw.anchoringKey),
    anchoredAt: Number(raw.anchoredAt),
    leafCount: Number(raw.leafCount),
    status,
    revocationReason: Number(raw.revocationReason),
    revocation:
      status === "Active"
        ? null
        : {
            by: getAddress(raw.revokedBy),
            at: Number(raw.revokedAt),
            finalAt: Number(raw.revocationFinalAt),
            final: status === "Revoked",
          },
    anchoringKeyCompromised: raw.anchoringKeyCompromised,
  };
}

/**
 * The typed accreditation of a raw `accreditationAt` result (viem or ethers).
 *
 * @example
 * toAccreditation({ status: 1, maxEqfLevel: 7, validFrom: 0, validUntil: 1, effectiveFrom: 0, accreditor, profileDigest }).status; // "Active"
 */
export function toAccreditation(raw: {
  status: Numeric;
  maxEqfLevel: Numeric;
  validFrom: Numeric;
  validUntil: Numeric;
  effectiveFrom: Numeric;
  accreditor: string;
  profileDigest: string;
}): Accreditation {
  return {
    status: ACCREDITATION_STATUSES[Number(raw.status)] ?? "None",
    maxEqfLevel: Number(raw.maxEqfLevel),
    validFrom: Number(raw.validFrom),
    validUntil: Number(raw.validUntil),
    effectiveFrom: Number(raw.effectiveFrom),
    accreditor: getAddress(raw.accreditor),
    profileDigest: raw.profileDigest as Hex,
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

/** A raw `StatusWord` (viem or ethers): the status of 256 neighbouring credentials. */
export interface RawStatusWord {
  revoked: Numeric;
  pending: Numeric;
  suspended: Numeric;
  pendingBy: string;
  pendingSince: Numeric;
  pendingFinalAt: Numeric;
}

/**
 * The status of credential `index` from its `StatusWord` (credential `i` is bit `i & 0xff` of word
 * `i >> 8`; see CredentialRegistry).
 *
 * @example
 * statusOf(700n, { revoked: 1n << 188n, pending: 0n, suspended: 0n, … }).revoked; // true (700 = 2·256 + 188)
 */
export function statusOf(index: bigint, word: RawStatusWord): CredentialStatus {
  const bit = index & 0xffn;
  const has = (w: Numeric) => ((BigInt(w) >> bit) & 1n) === 1n;
  return {
    index: Number(index),
    revoked: has(word.revoked),
    revocationPending: has(word.pending),
    // The word's latest pending group (statusWords leaves it out when void).
    pending: BigInt(word.pendingSince) !== 0n
      ? {
          by: getAddress(word.pendingBy),
          at: Number(word.pendingSince),
          finalAt: Number(word.pendingFinalAt),
          final: BigInt(word.pending) === 0n, // statusWords folds a group past its delay into `revoked`
        }
      : null,
    suspended: has(word.suspended),
  };
}

/**
 * Credential indices as the registry takes them: one 256-bit mask per word of 256 neighbouring
 * indices (`words[i]` = index / 256, bit index % 256 of `masks[i]`), words ascending. Lean calldata:
 * 100 neighbours cost one word and one mask.
 *
 * @example
 * toIndexMasks([3, 4, 700]); // { words: [0n, 2n], masks: [0b11000n, 1n << 188n] }
 */
export function toIndexMasks(indices: readonly Numeric[]): { words: bigint[]; masks: bigint[] } {
  const byWord = new Map<bigint, bigint>();
  for (const index of toIndices(indices)) byWord.set(index >> 8n, (byWord.get(index >> 8n) ?? 0n) | (1n << (index & 0xffn)));
  const words = [...byWord.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { words, masks: words.map((w) => byWord.get(w)!) };
}

/**
 * The indices a (words, masks) pair names, ascending (the inverse of {@link toIndexMasks}; for
 * decoding `CredentialsRevoked` events).
 *
 * @example
 * fromIndexMasks([0n, 2n], [0b11000n, 1n << 188n]); // [3, 4, 700]
 */
export function fromIndexMasks(words: readonly bigint[], masks: readonly bigint[]): number[] {
  const out: number[] = [];
  words.forEach((w, i) => {
    for (let bit = 0n, m = masks[i] ?? 0n; m !== 0n; bit++, m >>= 1n) if (m & 1n) out.push(Number(w * 256n + bit));
  });
  return out.sort((a, b) => a - b);
}
