import { getAddress, type Address, type BlockNumber, type BlockTag, type Hex } from "viem";
import { getBlock, getContractEvents } from "viem/actions";
import { credentialRegistryAbi } from "../abi.js";
import {
  statusOf,
  toAccreditation,
  toBatchRecord,
  toIndices,
  type Accreditation,
  type AnchorEvent,
  type BatchRecord,
  type CredentialStatus,
  type RawStatusWord,
} from "../records.js";
import { ChainError } from "../errors.js";
import { toChainError } from "../to-chain-error.js";
import { readContext, readRegistry, type RegistryReadClient } from "./client.js";

/** Batch reads: the batch record, credential status, and the anchoring event of a root. Batches are keyed by issuer and root. */

/** Which batch: the issuer it belongs to and its root. */
export interface BatchKey {
  registry: Address;
  issuer: Address;
  root: Hex;
}

/**
 * The record of batch `root` of `issuer`, or `null` when that issuer never anchored the root.
 * Reads never throw `UnknownBatchError` (writes do): absence is an answer, not a failure.
 *
 * @example
 * const batch = await getBatch(publicClient, { registry, issuer, root });
 * if (batch === null) throw new Error("not anchored");
 * batch.status; // "Active" | "RevocationPending" | "Revoked"
 */
export async function getBatch(client: RegistryReadClient, params: BatchKey): Promise<BatchRecord | null> {
  return toBatchRecord(params.issuer, params.root, await readRegistry(client, params.registry, "batchOf", [params.issuer, params.root]));
}

/** What a verifier needs about one batch: {@link getVerificationRecord}. */
export interface VerificationRecord {
  /** The batch record, or null when the issuer never anchored the root. */
  batch: BatchRecord | null;
  /**
   * The accreditation of the batch's issuer as it stood when the batch was anchored, with the
   * accreditor and the profile digest in force then (status None for an unknown batch).
   */
  accreditation: Accreditation;
  /** The status of the credentials asked for, in the order given. */
  credentials: CredentialStatus[];
}

/** The distinct words (index / 256) of `indices`, in first-seen order. */
function wordsOf(indices: readonly bigint[]): bigint[] {
  return [...new Set(indices.map((i) => i >> 8n))];
}

/** Maps status words read for `words` back onto `indices`; never reads a missing word as "not revoked". */
function statusesOf(indices: readonly bigint[], words: readonly bigint[], answers: readonly RawStatusWord[], where: string): CredentialStatus[] {
  if (answers.length !== words.length) {
    throw new ChainError(`The registry returned ${answers.length} status words for ${words.length} asked.`, { details: where });
  }
  const byWord = new Map(words.map((w, k) => [w, answers[k]!]));
  return indices.map((index) => statusOf(index, byWord.get(index >> 8n)!));
}

/**
 * Everything a verifier needs about batch `root` of `issuer` in a single `eth_call`
 * (`verificationOf`): the batch record, its issuer's accreditation at the anchoring time, and the
 * status of credentials `indices`. With a client whose transport batches JSON-RPC requests
 * (`http(url, { batch: true })`), the records of many batches travel in one HTTP request.
 *
 * @example
 * const { batch, accreditation, credentials } = await getVerificationRecord(publicClient, { registry, issuer, root, indices: [0, 7] });
 * batch?.status;          // "Active" | "RevocationPending" | "Revoked" (null: never anchored by this issuer)
 * accreditation.status;   // "Active" when the issuer was accredited at batch.anchoredAt
 * credentials[1].revoked; // false
 */
export async function getVerificationRecord(
  client: RegistryReadClient,
  params: BatchKey & { indices: readonly (number | bigint)[] },
): Promise<VerificationRecord> {
  const indices = toIndices(params.indices);
  const words = wordsOf(indices);
  const [rawBatch, rawAccreditation, status] = await readRegistry(client, params.registry, "verificationOf", [params.issuer, params.root, words]);
  return {
    batch: toBatchRecord(params.issuer, params.root, rawBatch),
    accreditation: toAccreditation(rawAccreditation),
    credentials: statusesOf(indices, words, status, `Registry ${params.registry}, issuer ${params.issuer}, root ${params.root}.`),
  };
}

/** Most words read in one `statusWords` call. */
const MAX_WORDS_PER_CALL = 1024;

/** Reads the status words `words`, at most {@link MAX_WORDS_PER_CALL} a call, calls in parallel. */
async function readStatusWords(client: RegistryReadClient, params: BatchKey, words: readonly bigint[]): Promise<RawStatusWord[]> {
  const calls: Promise<readonly RawStatusWord[]>[] = [];
  for (let from = 0; from < words.length; from += MAX_WORDS_PER_CALL) {
    calls.push(readRegistry(client, params.registry, "statusWords", [params.issuer, params.root, words.slice(from, from + MAX_WORDS_PER_CALL)]));
  }
  return (await Promise.all(calls)).flat();
}

/**
 * The status of credentials `indices` of batch `root` of `issuer`, in the order given (one
 * 256-bit word of the registry covers 256 neighbouring indices). Credentials only: a batch
 * revoked as a whole shows in {@link getBatch}; indices beyond the leaf count read as valid.
 *
 * @example
 * const [a, b] = await getCredentialStatus(publicClient, { registry, issuer, root, indices: [3, 700] });
 * a; // { index: 3, revoked: false, revocationPending: true, pending: { by, at, finalAt, final: false }, suspended: false }
 */
export async function getCredentialStatus(
  client: RegistryReadClient,
  params: BatchKey & { indices: readonly (number | bigint)[] },
): Promise<CredentialStatus[]> {
  const indices = toIndices(params.indices);
  const words = wordsOf(indices);
  return statusesOf(indices, words, await readStatusWords(client, params, words), `Registry ${params.registry}, root ${params.root}.`);
}

/** How many credentials of a batch are revoked, pending revocation and suspended (see {@link countCredentialStatus}). */
export interface StatusCounts {
  revoked: number;
  revocationPending: number;
  suspended: number;
}

function popcount(word: bigint): number {
  let n = 0;
  for (let w = word; w !== 0n; w &= w - 1n) n++;
  return n;
}

/**
 * Counts the revoked, pending and suspended credentials of a batch of `leafCount` credentials, by
 * reading every status word (256 credentials a word, 1,024 words a call: 4 calls for a million).
 * Credentials only: a batch revoked as a whole shows in {@link getBatch}.
 *
 * @example
 * const { revoked, revocationPending, suspended } = await countCredentialStatus(publicClient, { registry, issuer, root, leafCount: 24 });
 */
export async function countCredentialStatus(client: RegistryReadClient, params: BatchKey & { leafCount: number }): Promise<StatusCounts> {
  const words = Array.from({ length: Math.ceil(params.leafCount / 256) }, (_, i) => BigInt(i));
  const counts = { revoked: 0, revocationPending: 0, suspended: 0 };
  for (const w of await readStatusWords(client, params, words)) {
    counts.revoked += popcount(BigInt(w.revoked));
    counts.revocationPending += popcount(BigInt(w.pending));
    counts.suspended += popcount(BigInt(w.suspended));
  }
  return counts;
}

/**
 * The `BatchAnchored` event of `root` by `issuer` and its transaction, or `null` if that issuer did
 * not anchor the root in the block range (another issuer anchoring the same root does not count). For crash recovery: after a send whose outcome is unknown, this finds the
 * anchoring transaction of a root already on chain. Public RPC providers cap log ranges: pass the
 * registry's deployment block (`DeploymentRecord.deployedAtBlock`) as `fromBlock`.
 *
 * @example
 * const anchor = await findAnchor(publicClient, { registry, issuer, root, fromBlock: BigInt(deployment.deployedAtBlock) });
 * if (anchor) console.log(`anchored in ${anchor.txHash} at block ${anchor.blockNumber}`);
 */
export async function findAnchor(
  client: RegistryReadClient,
  params: BatchKey & { fromBlock?: BlockNumber | BlockTag; toBlock?: BlockNumber | BlockTag },
): Promise<AnchorEvent | null> {
  const { registry, root, issuer } = params;
  try {
    const logs = await getContractEvents(client, {
      address: registry,
      abi: credentialRegistryAbi,
      eventName: "BatchAnchored",
      args: { root, issuer },
      fromBlock: params.fromBlock ?? "earliest",
      toBlock: params.toBlock ?? "latest",
      strict: true,
    });
    // An issuer anchors a root once, or again after declaring the anchoring key compromised: the
    // latest anchoring is the batch's. A reorg may have removed a log.
    const log = logs.filter((l) => !l.removed && l.transactionHash !== null && l.blockHash !== null).at(-1);
    if (!log) return null;
    const block = await getBlock(client, { blockHash: log.blockHash! });
    return {
      root,
      issuer: getAddress(log.args.issuer),
      operator: getAddress(log.args.operator),
      leafCount: Number(log.args.leafCount),
      manifestDigest: log.args.manifestDigest,
      txHash: log.transactionHash!,
      blockNumber: log.blockNumber!,
      logIndex: Number(log.logIndex),
      timestamp: Number(block.timestamp),
    };
  } catch (err) {
    throw toChainError(err, readContext(client, registry, "findAnchor"));
  }
}
