import type { Address, Hex } from "viem";
import { toIndices, type AnchorResult, type TxResult } from "../records.js";
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
 * Anchors a batch. The client's account must be a current operator key of an issuer accredited
 * now. Throws `BatchAlreadyAnchoredError` for a root anchored before (use {@link findAnchor} to
 * recover the transaction of an earlier attempt), `NotOperatorError`, `IssuerNotAccreditedError`.
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
  /** Reason code (0..255), recorded in the batch and the event. */
  reason: number;
}

/**
 * Revokes a whole batch, irreversibly. The client's account must be a current operator of the
 * issuer that anchored it (accreditation not required: a lapsed issuer can still revoke).
 *
 * @example
 * await revokeBatch(operatorWallet, { registry, root, reason: 3 });
 */
export async function revokeBatch(client: RegistryWalletClient, params: RevokeBatchParameters): Promise<TxResult> {
  const { registry, root, reason, ...options } = params;
  return sendRegistryTx(client, registry, "revokeBatch", [root, reason], options);
}

export interface CredentialIndicesParameters extends WriteOptions {
  registry: Address;
  root: Hex;
  /** Leaf indices; neighbouring indices in ascending order make the cheapest transaction. */
  indices: readonly (number | bigint)[];
}

/**
 * Revokes credentials of a batch by leaf index, permanently (idempotent: revoked indices stay
 * revoked). Throws `IndexOutOfRangeError` naming the first index ≥ the leaf count.
 *
 * @example
 * await revokeCredentials(operatorWallet, { registry, root, indices: [3, 4, 700], reason: 2 });
 */
export async function revokeCredentials(
  client: RegistryWalletClient,
  params: CredentialIndicesParameters & { reason: number },
): Promise<TxResult> {
  const { registry, root, indices, reason, ...options } = params;
  return sendRegistryTx(client, registry, "revokeCredentials", [root, toIndices(indices), reason], options);
}

/**
 * Suspends credentials of a batch by leaf index (reversible with {@link reinstateCredentials}).
 *
 * @example
 * await suspendCredentials(operatorWallet, { registry, root, indices: [10, 11] });
 */
export async function suspendCredentials(client: RegistryWalletClient, params: CredentialIndicesParameters): Promise<TxResult> {
  const { registry, root, indices, ...options } = params;
  return sendRegistryTx(client, registry, "suspendCredentials", [root, toIndices(indices)], options);
}

/**
 * Lifts the suspension of credentials of a batch.
 *
 * @example
 * await reinstateCredentials(operatorWallet, { registry, root, indices: [10] });
 */
export async function reinstateCredentials(client: RegistryWalletClient, params: CredentialIndicesParameters): Promise<TxResult> {
  const { registry, root, indices, ...options } = params;
  return sendRegistryTx(client, registry, "reinstateCredentials", [root, toIndices(indices)], options);
}
