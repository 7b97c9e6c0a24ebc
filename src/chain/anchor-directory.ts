import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Signer } from "ethers";
import { getAddress, type Address, type BlockNumber, type BlockTag, type Hash, type Hex } from "viem";
import { getTransactionCount, waitForTransactionReceipt } from "viem/actions";
import { manifestDigest } from "../batch/build.js";
import { checkBatch, readCredentials, readManifest, writeFileAtomic } from "../batch/files.js";
import { claimedIssuerProfile, type IssuerProfile } from "../credential/issuer-profile.js";
import type { BatchManifest } from "../batch/format.js";
import {
  assertRegistry,
  countCredentialStatus,
  findAnchor,
  getAccreditationAt,
  getBatch,
  getOperatorKey,
  isAccredited,
  type RegistryReadClient,
  type RegistryWalletClient,
} from "./actions/index.js";
import { anchorBatch } from "./actions/batches.js";
import { latestTimestamp, readContext, transportUrl } from "./actions/client.js";
import {
  AnchorMismatchError,
  BatchAlreadyAnchoredError,
  ChainError,
  IssuerMismatchError,
  RegistryMismatchError,
  WrongChainError,
} from "./errors.js";
import { anchorBatchWithEthers, ethersReadClient } from "./ethers.js";
import { checkIssuerCanIssue } from "./preflight.js";
import type { Accreditation, AnchorEvent, AnchorResult, BatchRecord } from "./records.js";
import { toChainError } from "./to-chain-error.js";

/**
 * Anchoring a batch directory, idempotently and crash-safely, and reporting its status: the
 * issuer's workflow on top of the actions (./actions/) and the batch files (../batch/files.ts).
 */

/** The anchor written into a batch manifest (`manifest.anchor`). */
export interface ManifestAnchor {
  txHash: Hash;
  blockNumber: number;
  /** Block timestamp of the anchoring (unix seconds), the batch's on-chain `anchoredAt`. */
  anchoredAt: number;
}

/** Progress of {@link anchorBatchDirectory}. */
export type AnchorProgress =
  /** Re-verifying the batch's credentials: `done` of `total`. */
  | { phase: "check"; done: number; total: number }
  /** Checking chain, registry, issuer and the root's record on chain. */
  | { phase: "chain" }
  /** Waiting for the account's pending transactions before deciding whether to send. */
  | { phase: "pending"; account: Address }
  /** The anchoring transaction was accepted by the node; waiting for its receipt. */
  | { phase: "sent"; txHash: Hash; confirmations: number }
  /** Writing the anchor into the manifest. */
  | { phase: "write"; anchor: ManifestAnchor };

export interface AnchorDirectoryOptions {
  /**
   * The registry the caller means (e.g. `--registry`); must be the manifest's, or a
   * `RegistryMismatchError` names both. Default: the manifest's.
   */
  registry?: Address;
  /** Blocks to wait for before writing the anchor; 1 (the default) = mined. */
  confirmations?: number;
  /** How long to wait for the receipt, in milliseconds. */
  timeout?: number;
  /**
   * First block searched for the anchoring event of a root found on chain (public RPC providers
   * cap log ranges): the registry's deployment block is a good value. Default: the earliest block.
   */
  fromBlock?: BlockNumber | BlockTag;
  /** Skip re-verifying every credential (the manifest is still validated). Default false. */
  skipCheck?: boolean;
  /** How long to wait for the account's pending transactions to be mined before deciding (default 120 s). */
  pendingTimeoutMs?: number;
  onProgress?: (progress: AnchorProgress) => void;
  /**
   * Called with the transaction hash as soon as the node accepted it, before the receipt (and the
   * manifest) are written. If the process dies after this point, the next run finds the anchor on
   * chain and completes the manifest.
   */
  onSent?: (txHash: Hash) => void | Promise<void>;
}

export interface AnchorDirectoryResult {
  dir: string;
  root: Hex;
  leafCount: number;
  issuer: Address;
  chainId: number;
  registry: Address;
  manifestDigest: Hex;
  anchor: ManifestAnchor;
  /**
   * `anchored`: this call sent the anchoring transaction; `recovered`: the root was already on
   * chain (an earlier run died after sending, or another copy of the batch was anchored) and the
   * anchor was written into the manifest without a transaction; `already-anchored`: the manifest
   * held an anchor, which was verified against the chain; nothing was sent or written.
   */
  outcome: "anchored" | "recovered" | "already-anchored";
  /** Things worth knowing that do not stop the anchoring (e.g. a different manifest digest on chain). */
  warnings: string[];
}

/** How a batch directory gets anchored: a viem wallet client or an ethers signer. */
interface Sender {
  account(): Promise<Address>;
  /** The chain id the sender is configured for, if it has one (viem), to catch a misconfigured wallet early. */
  chainId?: number;
  anchor(params: { registry: Address; root: Hex; leafCount: number; manifestDigest: Hex; chainId: number; confirmations?: number; timeout?: number; onSent: (txHash: Hash) => Promise<void> }): Promise<AnchorResult>;
}

const lower = (s: string) => s.toLowerCase();
const sameAddress = (a: string, b: string) => lower(a) === lower(b);

/**
 * Anchors a batch directory with a viem wallet client (an operator key of the batch's issuer):
 *
 * 1. loads the manifest and checks the chain id and the registry against it (`WrongChainError`,
 *    `RegistryMismatchError`, `RegistryNotDeployedError`), before any long step;
 * 2. if the manifest already holds an anchor, verifies it against the chain
 *    (`AnchorMismatchError`) and does nothing else;
 * 3. re-verifies every credential against the manifest (streaming: one file each or JSON Lines
 *    shards; `ValidationError` listing every bad one), unless `skipCheck`;
 * 4. if the batch's issuer already anchored the root (an earlier run died after sending, or a copy
 *    of the batch was anchored), recovers the anchoring transaction and writes it into the
 *    manifest: no second transaction (another issuer anchoring the same root is another batch;
 *    an anchoring by a key since declared compromised is anchored again);
 * 5. otherwise checks that the key operates for the batch's issuer, simulates, sends
 *    `anchorBatch(root, leafCount, manifestDigest)`, waits for the receipt (`confirmations`) and
 *    writes `manifest.anchor = { txHash, blockNumber, anchoredAt }` atomically (temp file + rename).
 *
 * The manifest is only ever written in full, once the anchor is known; any failure leaves it
 * byte-identical. Errors are typed (`ChainError` subclasses, `ValidationError` for a bad batch).
 *
 * @example
 * const result = await anchorBatchDirectory(operatorWallet, publicClient, "batches/2026-06", { confirmations: 2 });
 * result.outcome; // "anchored" | "recovered" | "already-anchored"
 * result.anchor;  // { txHash, blockNumber, anchoredAt }, also in batches/2026-06/manifest.json
 */
export function anchorBatchDirectory(
  wallet: RegistryWalletClient,
  publicClient: RegistryReadClient,
  dir: string,
  options: AnchorDirectoryOptions = {},
): Promise<AnchorDirectoryResult> {
  const sender: Sender = {
    account: async () => getAddress(wallet.account.address),
    chainId: wallet.chain.id,
    anchor: ({ chainId: _chainId, ...params }) => anchorBatch(wallet, params),
  };
  return anchorDirectory(sender, publicClient, dir, options);
}

/**
 * {@link anchorBatchDirectory} with an ethers v6 signer (connected to a provider). Reads go
 * through `publicClient` when given, else through the signer's provider (any provider with a
 * JSON-RPC `send`, such as `JsonRpcProvider` or `BrowserProvider`); the anchoring transaction is
 * signed and sent by the signer.
 *
 * @example
 * const signer = new Wallet(process.env.OPERATOR_KEY!, new JsonRpcProvider(rpcUrl));
 * const { anchor } = await anchorBatchDirectoryWithEthers(signer, "batches/2026-06");
 */
export function anchorBatchDirectoryWithEthers(
  signer: Signer,
  dir: string,
  options: AnchorDirectoryOptions & { publicClient?: RegistryReadClient } = {},
): Promise<AnchorDirectoryResult> {
  const { publicClient, ...rest } = options;
  if (!publicClient && !signer.provider) throw new ChainError("The ethers signer has no provider: connect it to one before anchoring.");
  const reader = publicClient ?? ethersReadClient(signer.provider!);
  const sender: Sender = {
    account: async () => getAddress(await signer.getAddress()),
    anchor: (params) => anchorBatchWithEthers(signer, params),
  };
  return anchorDirectory(sender, reader, dir, rest);
}

async function anchorDirectory(
  sender: Sender,
  client: RegistryReadClient,
  dir: string,
  options: AnchorDirectoryOptions,
): Promise<AnchorDirectoryResult> {
  const progress = options.onProgress ?? (() => undefined);
  // Cheap checks first (manifest, registry, chain), so that a misconfiguration fails at once,
  // before the credentials of a large batch are re-verified.
  const manifest = await readManifest(dir);
  if (options.registry && !sameAddress(options.registry, manifest.registry)) {
    throw new RegistryMismatchError(manifest.registry as Address, options.registry, { source: `The batch ${dir}` });
  }
  const { root, leafCount } = manifest;
  const registry = getAddress(manifest.registry);
  const issuer = getAddress(manifest.issuer);
  const digest = manifestDigest(manifest);
  const warnings: string[] = [];
  const done = (anchor: ManifestAnchor, outcome: AnchorDirectoryResult["outcome"]): AnchorDirectoryResult => ({
    dir: path.resolve(dir),
    root,
    leafCount,
    issuer,
    chainId: manifest.chainId,
    registry,
    manifestDigest: digest,
    anchor,
    outcome,
    warnings,
  });

  progress({ phase: "chain" });
  if (sender.chainId !== undefined && sender.chainId !== manifest.chainId) throw new WrongChainError(manifest.chainId, sender.chainId);
  await assertRegistry(client, registry, manifest.chainId);

  // Already anchored and recorded: verify the record against the chain; nothing to send or write —
  // unless the issuer has since declared the anchoring key compromised (since a time at or before
  // the anchoring): the batch then fails verification and is anchored again with a current key.
  let replacing: ManifestAnchor | undefined;
  if (manifest.anchor) {
    const event = await recordedEvent(client, manifest, manifest.anchor);
    const compromisedKey = await supersededBy(client, manifest, manifest.anchor, event);
    if (compromisedKey === null) {
      await verifyRecordedAnchor(client, manifest, manifest.anchor, event);
      return done(manifest.anchor, "already-anchored");
    }
    // The chain may already hold the new anchoring (an interrupted run, another registrar): recover() records it.
    replacing = manifest.anchor;
    warnings.push(`The recorded anchor (transaction ${manifest.anchor.txHash}) was made by key ${compromisedKey}, since declared compromised: anchoring again.`);
  }

  // Re-verify every credential (streaming) before anything is sent or recorded; and that the
  // issuer's accreditation covers the batch (level, name and country), or it could never verify.
  if (!options.skipCheck) await checkCredentials(dir, manifest, progress, replacing);
  await checkIssuerCanIssue(client, { registry, issuer, ...(await batchClaims(dir, manifest)) });

  /** The root's record on chain, written into the manifest; null when the root is not anchored. */
  const recover = async (): Promise<ManifestAnchor | null> => {
    const record = await getBatch(client, { registry, issuer, root });
    // A batch anchored by a key declared compromised is not ours to record: it is anchored again.
    if (!record || record.anchoringKeyCompromised) return null;
    const anchor = await anchorOfRecord(client, manifest, record, digest, options.fromBlock, warnings, account);
    const confirmations = options.confirmations ?? 1;
    if (confirmations > 1) {
      // As deep as a fresh anchoring would be before it is recorded.
      progress({ phase: "sent", txHash: anchor.txHash, confirmations });
      try {
        await waitForTransactionReceipt(client, { hash: anchor.txHash, confirmations, ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) });
      } catch (err) {
        throw toChainError(err, { ...readContext(client, registry, "anchorBatch"), txHash: anchor.txHash });
      }
    }
    progress({ phase: "write", anchor });
    await writeAnchor(dir, manifest, anchor, replacing);
    return anchor;
  };

  const account = await sender.account();
  await waitForPending(client, account, options.pendingTimeoutMs ?? 120_000, progress);
  const recovered = await recover();
  if (recovered) return done(recovered, "recovered");

  // The key must operate for the batch's issuer (a key of another issuer would anchor the root
  // under that issuer); a key that is no operator at all fails the simulation with NotOperatorError.
  const key = await getOperatorKey(client, { registry, key: account });
  if (key.current && !sameAddress(key.issuer, issuer)) throw new IssuerMismatchError(root, issuer, key.issuer, "operator", { key: account });

  const confirmations = options.confirmations ?? 1;
  let result: AnchorResult;
  try {
    result = await sender.anchor({
      registry,
      root,
      leafCount,
      manifestDigest: digest,
      chainId: manifest.chainId,
      confirmations,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      onSent: async (txHash) => {
        progress({ phase: "sent", txHash, confirmations });
        await options.onSent?.(txHash);
      },
    });
  } catch (err) {
    // Another run (or another copy of the batch) anchored the root between our check and our
    // transaction: take its anchor if it is the batch's issuer's.
    if (err instanceof BatchAlreadyAnchoredError) {
      const anchor = await recover();
      if (anchor) return done(anchor, "recovered");
    }
    throw err;
  }
  const anchor: ManifestAnchor = { txHash: result.txHash, blockNumber: Number(result.blockNumber), anchoredAt: result.anchoredAt };
  progress({ phase: "write", anchor });
  await writeAnchor(dir, manifest, anchor, replacing);
  return done(anchor, "anchored");
}

/** What a batch's credentials claim of their issuer (they share it): the EQF level and the profile. */
async function batchClaims(dir: string, manifest: BatchManifest): Promise<{ eqfLevel: number; profile: IssuerProfile }> {
  for await (const { file } of readCredentials(dir, manifest)) {
    const vc = file.credential as { issuer: Parameters<typeof claimedIssuerProfile>[0] };
    return { eqfLevel: file.leaf.eqfLevel, profile: claimedIssuerProfile(vc.issuer) };
  }
  throw new ChainError(`The batch ${dir} has no credentials.`);
}

/** Re-verifies every credential of the batch against its manifest (checkBatch), with progress. */
async function checkCredentials(
  dir: string,
  manifest: BatchManifest,
  progress: (p: AnchorProgress) => void,
  replacing?: ManifestAnchor,
): Promise<void> {
  const total = manifest.leafCount;
  let done = 0;
  progress({ phase: "check", done, total });
  const checked = await checkBatch(dir, () => {
    done++;
    if (done % 1024 === 0 || done === total) progress({ phase: "check", done, total });
  });
  if (checked.root !== manifest.root || checked.anchor?.txHash !== replacing?.txHash) {
    throw new ChainError(`The manifest of ${dir} changed while the batch was being checked; nothing was sent.`);
  }
}

/**
 * Waits (up to `timeoutMs`) until `account` has no pending transaction: after a crash on a chain
 * that does not mine at once, the earlier anchoring may still be in the mempool, and sending again
 * would pay for a transaction that reverts.
 */
async function waitForPending(client: RegistryReadClient, account: Address, timeoutMs: number, progress: (p: AnchorProgress) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    let pending: number, latest: number;
    try {
      [pending, latest] = await Promise.all([
        getTransactionCount(client, { address: account, blockTag: "pending" }),
        getTransactionCount(client, { address: account, blockTag: "latest" }),
      ]);
    } catch (err) {
      throw toChainError(err, { functionName: "getTransactionCount", account, chainId: client.chain?.id, url: transportUrl(client) });
    }
    if (pending <= latest) return;
    if (Date.now() > deadline) {
      throw new ChainError(`Account ${account} still has ${pending - latest} pending transaction(s).`, {
        details: "One may be an earlier anchoring of this batch: wait until it is mined, then run again.",
      });
    }
    if (!announced) progress({ phase: "pending", account });
    announced = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The manifest anchor of a root found on chain: its record and its anchoring event. */
async function anchorOfRecord(
  client: RegistryReadClient,
  manifest: BatchManifest,
  record: BatchRecord,
  digest: Hex,
  fromBlock: BlockNumber | BlockTag | undefined,
  warnings: string[],
  signer?: Address,
): Promise<ManifestAnchor> {
  const { root } = manifest;
  if (record.leafCount !== manifest.leafCount) throw new AnchorMismatchError(root, "leafCount", String(manifest.leafCount), String(record.leafCount));
  const event = await findAnchor(client, { registry: manifest.registry as Address, issuer: getAddress(manifest.issuer), root, ...(fromBlock !== undefined ? { fromBlock } : {}) });
  if (!event) {
    throw new ChainError(`Batch ${root} is anchored on chain, but its BatchAnchored event was not found${fromBlock !== undefined ? ` from block ${fromBlock}` : ""}.`, {
      details: "The RPC provider may cap log queries: pass the registry's deployment block as fromBlock (--from-block).",
    });
  }
  if (signer && lower(event.operator) !== lower(signer)) {
    warnings.push(`The root was anchored by operator key ${event.operator}, not by this key (${signer}): check that it is one of yours.`);
  }
  if (lower(event.manifestDigest) !== lower(digest)) {
    warnings.push(`The manifest digest anchored on chain (${event.manifestDigest}) differs from this manifest's (${digest}): the same credentials, another manifest (a copy edited after anchoring?).`);
  }
  return { txHash: event.txHash, blockNumber: Number(event.blockNumber), anchoredAt: record.anchoredAt };
}

/** The `BatchAnchored` event in the block a manifest records, or null when the chain has none there. */
function recordedEvent(client: RegistryReadClient, manifest: BatchManifest, recorded: ManifestAnchor): Promise<AnchorEvent | null> {
  const block = BigInt(recorded.blockNumber);
  const batch = { registry: manifest.registry as Address, issuer: getAddress(manifest.issuer), root: manifest.root };
  return findAnchor(client, { ...batch, fromBlock: block, toBlock: block });
}

/**
 * The operator key of a recorded anchor (its `event`) when the issuer has since declared it
 * compromised (since a time at or before that anchoring), so that the batch is to be anchored
 * again; null otherwise (including when the recorded event is not on chain: {@link verifyRecordedAnchor} says so).
 */
async function supersededBy(client: RegistryReadClient, manifest: BatchManifest, recorded: ManifestAnchor, event: AnchorEvent | null): Promise<Address | null> {
  if (!event || lower(event.txHash) !== lower(recorded.txHash)) return null;
  const key = await getOperatorKey(client, { registry: manifest.registry as Address, key: event.operator });
  return key.compromisedSince !== 0 && key.compromisedSince <= recorded.anchoredAt ? event.operator : null;
}

/**
 * Checks the anchor a manifest records against the chain: the batch's record (keyed by the
 * manifest's issuer and root) and `event`, the anchoring event found in the recorded block.
 */
async function verifyRecordedAnchor(
  client: RegistryReadClient,
  manifest: BatchManifest,
  recorded: ManifestAnchor,
  event: AnchorEvent | null,
): Promise<void> {
  const { root } = manifest;
  const registry = manifest.registry as Address;
  const issuer = getAddress(manifest.issuer);
  const record = await getBatch(client, { registry, issuer, root });
  if (!record) throw new AnchorMismatchError(root, "root", recorded.txHash, "none");
  if (record.anchoredAt !== recorded.anchoredAt) throw new AnchorMismatchError(root, "anchoredAt", String(recorded.anchoredAt), String(record.anchoredAt));
  if (!event) {
    const actual = await findAnchor(client, { registry, issuer, root }).catch(() => null);
    throw new AnchorMismatchError(root, "blockNumber", String(recorded.blockNumber), actual ? String(actual.blockNumber) : "unknown");
  }
  if (lower(event.txHash) !== lower(recorded.txHash)) throw new AnchorMismatchError(root, "txHash", recorded.txHash, event.txHash);
}

/**
 * Writes `anchor` into the batch's manifest.json atomically, keeping the file exactly as it was
 * otherwise (the raw JSON is edited, not the parsed manifest re-serialised). Refuses if the
 * manifest changed since it was checked.
 */
async function writeAnchor(dir: string, manifest: BatchManifest, anchor: ManifestAnchor, replacing?: ManifestAnchor): Promise<void> {
  const file = path.join(dir, "manifest.json");
  const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const recorded = raw.anchor as ManifestAnchor | undefined;
  const unchanged = replacing ? recorded?.txHash === replacing.txHash : recorded === undefined;
  if (raw.root !== manifest.root || !unchanged) {
    throw new ChainError(`The manifest ${file} changed while the batch was being anchored; it was left as it is.`, {
      details: `The anchor of ${manifest.root}: transaction ${anchor.txHash}, block ${anchor.blockNumber}. Run the anchoring again to record it.`,
    });
  }
  raw.anchor = { txHash: anchor.txHash, blockNumber: anchor.blockNumber, anchoredAt: anchor.anchoredAt };
  await writeFileAtomic(file, JSON.stringify(raw, null, 2) + "\n");
}

// ---------------------------------------------------------------------------------------- status

/** An accreditation at some time, with the registry's verdict (Active and inside its window). */
export interface AccreditationAt extends Accreditation {
  /** The time asked about (unix seconds). */
  at: number;
  accredited: boolean;
}

/** What {@link batchStatus} reports: the manifest's facts, the chain's record, the issuer's accreditation. */
export interface BatchStatusReport {
  dir: string;
  manifest: {
    root: Hex;
    leafCount: number;
    issuer: Address;
    chainId: number;
    registry: Address;
    achievement: string;
    created: string;
    layout: "files" | "shards";
    manifestDigest: Hex;
    /** The anchor recorded in the manifest, if any. */
    anchor: ManifestAnchor | null;
  };
  /** The node's chain id. */
  chainId: number;
  /** The root's record on chain, or null when it is not anchored. */
  onChain: null | {
    issuer: Address;
    /** The operator key that anchored the batch. */
    anchoringKey: Address;
    /** The issuer declared that key compromised since a time at or before the anchoring. */
    anchoringKeyCompromised: boolean;
    anchoredAt: number;
    leafCount: number;
    status: BatchRecord["status"];
    revocationReason: number;
    /** The whole-batch revocation: who, when, final when. */
    revocation: BatchRecord["revocation"];
    /** Credentials revoked (final) / pending revocation / suspended one by one (a whole-batch revocation shows in `status`). */
    revokedCount: number | null;
    revocationPendingCount: number | null;
    suspendedCount: number | null;
    /** The anchoring transaction (from the manifest when recorded, else from the chain's event). */
    txHash: Hash | null;
    blockNumber: number | null;
    /** The manifest digest anchored with the root. */
    manifestDigest: Hex | null;
  };
  /** The issuer's accreditation now and, if anchored, at the anchoring time. */
  accreditation: { now: AccreditationAt; atAnchor: AccreditationAt | null };
  /** Inconsistencies between the manifest and the chain (empty when all agree). */
  problems: string[];
}

/** Above this many credentials, revocation bits are not counted by {@link batchStatus} (16,384 words). */
const MAX_COUNTED = 1 << 22;

/**
 * The status of a batch directory: the manifest's facts, the root's record on chain (anchored?
 * by whom, when, revoked? how many credentials revoked or suspended), and the issuer's
 * accreditation now and at anchoring time. Checks the chain id and registry like
 * {@link anchorBatchDirectory}; does not re-verify the credentials (see `checkBatch`).
 *
 * @example
 * const status = await batchStatus(publicClient, "batches/2026-06");
 * status.onChain?.status;                 // "Active" | "Revoked" (null: not anchored)
 * status.accreditation.atAnchor?.accredited;
 */
export async function batchStatus(
  client: RegistryReadClient,
  dir: string,
  options: { registry?: Address; fromBlock?: BlockNumber | BlockTag } = {},
): Promise<BatchStatusReport> {
  const manifest = await readManifest(dir);
  if (options.registry && !sameAddress(options.registry, manifest.registry)) {
    throw new RegistryMismatchError(manifest.registry as Address, options.registry, { source: `The batch ${dir}` });
  }
  const registry = getAddress(manifest.registry);
  const issuer = getAddress(manifest.issuer);
  const { root } = manifest;
  const { chainId } = await assertRegistry(client, registry, manifest.chainId);

  const problems: string[] = [];
  const recorded = manifest.anchor ?? null;
  const [record, now] = await Promise.all([getBatch(client, { registry, issuer, root }), latestTimestamp(client, readContext(client, registry, "batchStatus"))]);
  const accreditationAt = async (at: number): Promise<AccreditationAt> => {
    const [accreditation, accredited] = await Promise.all([
      getAccreditationAt(client, { registry, issuer, timestamp: at }),
      isAccredited(client, { registry, issuer, timestamp: at }),
    ]);
    return { ...accreditation, at, accredited };
  };

  let onChain: BatchStatusReport["onChain"] = null;
  if (record) {
    const counts = manifest.leafCount <= MAX_COUNTED ? await countCredentialStatus(client, { registry, issuer, root, leafCount: record.leafCount }) : null;
    // The event: in the recorded block when the manifest has the anchor (cheap), else searched.
    const block = recorded ? BigInt(recorded.blockNumber) : undefined;
    const event = await findAnchor(client, { registry, issuer, root, ...(block !== undefined ? { fromBlock: block, toBlock: block } : options.fromBlock !== undefined ? { fromBlock: options.fromBlock } : {}) }).catch(() => null);
    onChain = {
      issuer: record.issuer,
      anchoringKey: record.anchoringKey,
      anchoringKeyCompromised: record.anchoringKeyCompromised,
      anchoredAt: record.anchoredAt,
      leafCount: record.leafCount,
      status: record.status,
      revocationReason: record.revocationReason,
      revocation: record.revocation,
      revokedCount: counts?.revoked ?? null,
      revocationPendingCount: counts?.revocationPending ?? null,
      suspendedCount: counts?.suspended ?? null,
      txHash: event?.txHash ?? null,
      blockNumber: event ? Number(event.blockNumber) : null,
      manifestDigest: event?.manifestDigest ?? null,
    };
    if (record.leafCount !== manifest.leafCount) problems.push(`${record.leafCount} leaves on chain, ${manifest.leafCount} in the manifest`);
    if (recorded && !event) problems.push(`the manifest's anchor (block ${recorded.blockNumber}, transaction ${recorded.txHash}) is not where the chain has it`);
    if (recorded && event && lower(event.txHash) !== lower(recorded.txHash)) problems.push(`anchored by transaction ${event.txHash}, the manifest says ${recorded.txHash}`);
    if (recorded && recorded.anchoredAt !== record.anchoredAt) problems.push(`anchored at ${record.anchoredAt} on chain, ${recorded.anchoredAt} in the manifest`);
  } else if (recorded) {
    problems.push(`the manifest records an anchor (transaction ${recorded.txHash}), but the root is not anchored on chain ${chainId} in registry ${registry}`);
  }

  const [accreditedNow, accreditedAtAnchor] = await Promise.all([accreditationAt(now), record ? accreditationAt(record.anchoredAt) : Promise.resolve(null)]);
  return {
    dir: path.resolve(dir),
    manifest: {
      root,
      leafCount: manifest.leafCount,
      issuer,
      chainId: manifest.chainId,
      registry,
      achievement: manifest.achievement,
      created: manifest.created,
      layout: manifest.files ? "files" : "shards",
      manifestDigest: manifestDigest(manifest),
      anchor: recorded,
    },
    chainId,
    onChain,
    accreditation: { now: accreditedNow, atAnchor: accreditedAtAnchor },
    problems,
  };
}
