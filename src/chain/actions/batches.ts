import type { Address, Hex } from "viem";
import { toIndexMasks, type AnchorResult, type TxResult } from "../records.js";
import { sendRegistryTx, type RegistryWalletClient, type WriteOptions } from "./client.js";

/** Batch writes, sent by an operator key of an issuer. */

export interface AnchorBatchParameters extends WriteOptions {
  registry: Address;
  /** Merkle root of the batch. */
  root: Hex;
  /** Number of leaves (credentials) in the batch. */
  leafCount: number;
  /** Digest committing to the off-chain batch manifest. */
  manifestDigest: Hex;
}

/**
 * Anchors a batch for the issuer the client's account (an operator key) operates for; the key must
 * be current and its issuer accredited now. The batch belongs to that issuer: another issuer
 * anchoring the same root does not affect it. Throws `BatchAlreadyAnchoredError` when this issuer
 * anchored the root before (use {@link findAnchor} to recover the transaction of an earlier
 * attempt), `NotOperatorError`, `IssuerNotAccreditedError`.
 *
 * @example
 * const { txHash, blockNumber, anchoredAt } = await anchorBatch(operatorWallet, {
 *   registry, root: batch.manifest.root, leafCount: batch.manifest.leafCount,
 *   manifestDigest: manifestDigest(batch.manifest),
 * });
 */
export async function anchorBatch(client: RegistryWalletClient, params: AnchorBatchParameters): Promise<AnchorResult> {
  const { registry, root, leafCount, manifestDigest, ...options } = params;
  const result = await sendRegistryTx(client, registry, "anchorBatch", [root, leafCount, manifestDigest], options);
  return { ...result, anchoredAt: result.timestamp };
}

export interface RevokeBatchParameters extends WriteOptions {
  registry: Address;
  root: Hex;
  /** Reason code (0..255; see credential/revocation-reasons.ts), recorded in the batch and the event. */
  reason: number;
}

/**
 * Revokes a whole batch of the client's issuer. From the issuer's own account the revocation is
 * final at once; from an operator key it is pending (the batch fails verification at once) and
 * becomes final after the issuer's revocation delay, until when the issuer can cancel it with
 * {@link cancelBatchRevocation}. A lapsed issuer can still revoke.
 *
 * @example
 * await revokeBatch(operatorWallet, { registry, root, reason: 9 });
 */
export async function revokeBatch(client: RegistryWalletClient, params: RevokeBatchParameters): Promise<TxResult> {
  const { registry, root, reason, ...options } = params;
  return sendRegistryTx(client, registry, "revokeBatch", [root, reason], options);
}

/**
 * Cancels an operator key's pending revocation of a whole batch. The client's account must be the
 * issuer's own account; a final revocation cannot be cancelled.
 *
 * @example
 * await cancelBatchRevocation(issuerWallet, { registry, root });
 */
export async function cancelBatchRevocation(client: RegistryWalletClient, params: { registry: Address; root: Hex } & WriteOptions): Promise<TxResult> {
  const { registry, root, ...options } = params;
  return sendRegistryTx(client, registry, "cancelBatchRevocation", [root], options);
}

export interface CredentialIndicesParameters extends WriteOptions {
  registry: Address;
  root: Hex;
  /** Leaf indices; sent as one 256-bit mask per word of 256 neighbours (see toIndexMasks). */
  indices: readonly (number | bigint)[];
}

/**
 * Revokes credentials of a batch by leaf index: final at once from the issuer's own account,
 * pending from an operator key (they fail verification at once; final after the issuer's delay,
 * cancellable by the issuer until then with {@link cancelRevocations}). Idempotent: revoked
 * credentials stay revoked and a retry does not restart a delay. Throws `IndexOutOfRangeError`.
 *
 * @example
 * await revokeCredentials(operatorWallet, { registry, root, indices: [3, 4, 700], reason: 4 });
 */
export async function revokeCredentials(
  client: RegistryWalletClient,
  params: CredentialIndicesParameters & { reason: number },
): Promise<TxResult> {
  const { registry, root, indices, reason, ...options } = params;
  const { words, masks } = toIndexMasks(indices);
  return sendRegistryTx(client, registry, "revokeCredentials", [root, words, masks, reason], options);
}

/**
 * Cancels pending (not yet final) revocations of credentials. The client's account must be the
 * issuer's own account.
 *
 * @example
 * await cancelRevocations(issuerWallet, { registry, root, indices: [3] });
 */
export async function cancelRevocations(client: RegistryWalletClient, params: CredentialIndicesParameters): Promise<TxResult> {
  const { registry, root, indices, ...options } = params;
  const { words, masks } = toIndexMasks(indices);
  return sendRegistryTx(client, registry, "cancelRevocations", [root, words, masks], options);
}

/**
 * Suspends credentials of a batch by leaf index (reversible with {@link reinstateCredentials}).
 *
 * @example
 * await suspendCredentials(operatorWallet, { registry, root, indices: [10, 11] });
 */
export async function suspendCredentials(client: RegistryWalletClient, params: CredentialIndicesParameters): Promise<TxResult> {
  const { registry, root, indices, ...options } = params;
  const { words, masks } = toIndexMasks(indices);
  return sendRegistryTx(client, registry, "suspendCredentials", [root, words, masks], options);
}

/**
 * Lifts the suspension of credentials of a batch.
 *
 * @example
 * await reinstateCredentials(operatorWallet, { registry, root, indices: [10] });
 */
export async function reinstateCredentials(client: RegistryWalletClient, params: CredentialIndicesParameters): Promise<TxResult> {
  const { registry, root, indices, ...options } = params;
  const { words, masks } = toIndexMasks(indices);
  return sendRegistryTx(client, registry, "reinstateCredentials", [root, words, masks], options);
}
