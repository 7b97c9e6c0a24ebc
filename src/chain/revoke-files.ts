import path from "node:path";
import { getAddress, type Address, type Hex } from "viem";
import { checkCredentialFile, readCredentialFile, readManifest } from "../batch/files.js";
import { CREDENTIAL_FORMAT_V3 } from "../batch/format.js";
import { ValidationError, type FieldIssue } from "../credential/errors.js";
import { credentialFacts, type MicroCredentialInput } from "../credential/credential-schema.js";
import {
  assertRegistry,
  getBatch,
  getCredentialStatus,
  getOperatorKey,
  type RegistryReadClient,
  type RegistryWalletClient,
  type WriteOptions,
} from "./actions/index.js";
import { revokeBatch, revokeCredentials } from "./actions/batches.js";
import { IssuerMismatchError, RegistryMismatchError, UnknownBatchError } from "./errors.js";
import type { TxResult } from "./records.js";

/** Revocation from the issuer's files: credential files grouped by batch, or a whole batch directory. */

export interface RevokeOptions extends Pick<WriteOptions, "confirmations" | "timeout"> {
  /** The registry the caller means; every file (or the manifest) must name it. Default: theirs. */
  registry?: Address;
  /** Called before each transaction is sent. */
  onProgress?: (progress: { root: Hex; indices: number[] }) => void;
}

/** One batch's revocation by {@link revokeFromFiles}. */
export interface CredentialsRevocation {
  root: Hex;
  registry: Address;
  issuer: Address;
  /**
   * Whether the revocation is final at once (signed by the issuer's own account) or pending for
   * the issuer's revocation delay (signed by an operator key; the issuer can cancel it until then).
   */
  final: boolean;
  /** Indices of the given files in this batch, ascending. */
  indices: number[];
  /** Those already revoked before the call (not sent again). */
  alreadyRevoked: number[];
  /** The `revokeCredentials` transaction, or null when every index was already revoked. */
  tx: TxResult | null;
  /** The files of this batch, as given. */
  files: string[];
}

/**
 * Revokes the credentials of the given credential files (what an issuer handed to learners, or
 * extracted with `extractCredential`): every file is validated and its digest, leaf and proof
 * re-checked, the files are grouped by batch root, and each batch gets one `revokeCredentials`
 * transaction with its indices in ascending order. Indices already revoked are not sent again; a
 * batch whose indices were all revoked gets no transaction (idempotent). Chain and registry are
 * checked against the files' leaves (`WrongChainError`, `RegistryMismatchError`,
 * `RegistryNotDeployedError`); an unanchored batch throws `UnknownBatchError` before anything is sent.
 *
 * @example
 * const [batch] = await revokeFromFiles(operatorWallet, publicClient, ["S1003.json"], 2);
 * batch.tx?.txHash;
 */
export async function revokeFromFiles(
  wallet: RegistryWalletClient,
  publicClient: RegistryReadClient,
  files: readonly string[],
  reason = 0,
  options: RevokeOptions = {},
): Promise<CredentialsRevocation[]> {
  const issues: FieldIssue[] = [];
  type Group = { root: Hex; registry: Address; issuer: Address; chainId: number; indices: Set<number>; files: string[] };
  const groups = new Map<string, Group>();
  for (const file of files) {
    const credential = await readCredentialFile(file);
    for (const message of checkCredentialFile(credential)) issues.push({ field: file, message });
    const registry = getAddress(credential.leaf.registry);
    if (options.registry && registry !== getAddress(options.registry)) throw new RegistryMismatchError(registry, options.registry, { source: `The credential ${file}` });
    if (issues.length) continue;
    const root = credential.proof.root.toLowerCase() as Hex;
    const issuer = credential.format === CREDENTIAL_FORMAT_V3 ? credential.leaf.issuer : credentialFacts(credential.credential as MicroCredentialInput).issuer;
    const key = `${credential.leaf.chainId}:${registry}:${issuer}:${root}`;
    const group = groups.get(key) ?? { root, registry, issuer, chainId: credential.leaf.chainId, indices: new Set<number>(), files: [] };
    group.indices.add(credential.leaf.index);
    group.files.push(file);
    groups.set(key, group);
  }
  if (issues.length) throw new ValidationError("credential files", issues);

  // Check everything before sending anything: chain, registry, the signer's issuer, and that each batch is anchored.
  const plans: { group: Group; indices: number[]; alreadyRevoked: number[]; final: boolean }[] = [];
  for (const group of groups.values()) {
    await assertRegistry(publicClient, group.registry, group.chainId);
    const final = await signsAsIssuer(wallet, publicClient, group.registry, group.issuer, group.root);
    const batch = { registry: group.registry, issuer: group.issuer, root: group.root };
    if (!(await getBatch(publicClient, batch))) throw new UnknownBatchError(group.issuer, group.root);
    const indices = [...group.indices].sort((a, b) => a - b);
    const status = await getCredentialStatus(publicClient, { ...batch, indices });
    // A final revocation is never sent again; a pending one only to make it final (from the issuer's account).
    const done = status.filter((s) => s.revoked || (s.revocationPending && !final)).map((s) => s.index);
    plans.push({ group, indices, alreadyRevoked: done, final });
  }

  const results: CredentialsRevocation[] = [];
  for (const { group, indices, alreadyRevoked, final } of plans) {
    const toRevoke = indices.filter((i) => !alreadyRevoked.includes(i));
    let tx: TxResult | null = null;
    if (toRevoke.length) {
      options.onProgress?.({ root: group.root, indices: toRevoke });
      tx = await revokeCredentials(wallet, { registry: group.registry, root: group.root, indices: toRevoke, reason, ...writeOptions(options) });
    }
    results.push({ root: group.root, registry: group.registry, issuer: group.issuer, final, indices, alreadyRevoked, tx, files: group.files });
  }
  return results;
}

/** The result of {@link revokeBatchDirectory}. */
export interface BatchRevocation {
  dir: string;
  root: Hex;
  registry: Address;
  issuer: Address;
  /** Final at once (the issuer's account signed), or pending for the issuer's delay (an operator key signed). */
  final: boolean;
  /** True when the batch was revoked before the call (nothing sent; the reason on chain is `reason`). */
  alreadyRevoked: boolean;
  /** The reason code on chain. */
  reason: number;
  tx: TxResult | null;
}

/**
 * Revokes a whole batch, by its directory: checks chain and registry against the manifest and that
 * the root is anchored (`UnknownBatchError`), then sends `revokeBatch(root, reason)`: final from the
 * issuer's account, pending for the issuer's delay from an operator key. A batch already revoked
 * (or, from an operator key, already pending) is reported as such, without a transaction.
 *
 * @example
 * const { tx } = await revokeBatchDirectory(operatorWallet, publicClient, "batches/2026-06", 3);
 */
export async function revokeBatchDirectory(
  wallet: RegistryWalletClient,
  publicClient: RegistryReadClient,
  dir: string,
  reason = 0,
  options: RevokeOptions = {},
): Promise<BatchRevocation> {
  const manifest = await readManifest(dir);
  const registry = getAddress(manifest.registry);
  if (options.registry && registry !== getAddress(options.registry)) throw new RegistryMismatchError(registry, options.registry, { source: `The batch ${dir}` });
  const { root } = manifest;
  const issuer = getAddress(manifest.issuer);
  await assertRegistry(publicClient, registry, manifest.chainId);
  const final = await signsAsIssuer(wallet, publicClient, registry, issuer, root);
  const record = await getBatch(publicClient, { registry, issuer, root });
  if (!record) throw new UnknownBatchError(issuer, root);
  const result = { dir: path.resolve(dir), root, registry, issuer, final };
  const done = record.status === "Revoked" || (record.status === "RevocationPending" && !final);
  if (done) return { ...result, alreadyRevoked: true, reason: record.revocationReason, tx: null };
  options.onProgress?.({ root, indices: [] });
  const tx = await revokeBatch(wallet, { registry, root, reason, ...writeOptions(options) });
  return { ...result, alreadyRevoked: false, reason, tx };
}

/**
 * Whether the wallet signs as `issuer`'s own account (true: revocations are final) or as one of its
 * current operator keys (false: pending). Throws `IssuerMismatchError` for a key of another issuer.
 */
async function signsAsIssuer(
  wallet: RegistryWalletClient,
  client: RegistryReadClient,
  registry: Address,
  issuer: Address,
  root: Hex,
): Promise<boolean> {
  const signer = wallet.account.address;
  if (getAddress(signer) === issuer) return true;
  const key = await getOperatorKey(client, { registry, key: signer });
  if (key.current && key.issuer !== issuer) throw new IssuerMismatchError(root, issuer, key.issuer, "operator", { key: signer });
  return false;
}

function writeOptions(options: RevokeOptions): WriteOptions {
  return {
    ...(options.confirmations !== undefined ? { confirmations: options.confirmations } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  };
}
