import { getAddress, type Address, type BlockNumber, type BlockTag, type Hex } from "viem";
import { getBlock, getContractEvents } from "viem/actions";
import { credentialRegistryAbi } from "../abi.js";
import { bitsOf, toAccreditation, toBatchRecord, toIndices, type Accreditation, type AnchorEvent, type BatchRecord, type CredentialStatus } from "../records.js";
import { ChainError } from "../errors.js";
import { toChainError } from "../to-chain-error.js";
import { readContext, readRegistry, type RegistryReadClient } from "./client.js";

/** Batch reads: the batch record, credential status bits, and the anchoring event of a root. */

/**
 * The record of batch `root`, or `null` when the root was never anchored. Reads never throw
 * `UnknownBatchError` (writes do): absence is an answer, not a failure.
 *
 * @example
 * const batch = await getBatch(publicClient, { registry, root });
 * if (batch === null) throw new Error("not anchored");
 * batch.status; // "Active" | "Revoked"
 */
export async function getBatch(client: RegistryReadClient, params: { registry: Address; root: Hex }): Promise<BatchRecord | null> {
  return toBatchRecord(params.root, await readRegistry(client, params.registry, "batchOf", [params.root]));
}

/** What a verifier needs about one batch: {@link getVerificationRecord}. */
export interface VerificationRecord {
  /** The batch record, or null when the root was never anchored. */
  batch: BatchRecord | null;
  /** The accreditation of the batch's issuer as it stood when the batch was anchored (status None for an unknown root). */
  accreditation: Accreditation;
  /** The profile digest the accreditor recorded for the batch's issuer (zero for an unknown root). */
  profileDigest: Hex;
  /** Revocation and suspension bits of the credentials asked for, in the order given. */
  credentials: CredentialStatus[];
}

/**
 * Everything a verifier needs about batch `root` in a single `eth_call` (`verificationOf`): the
 * batch record, its issuer's accreditation at the anchoring time, and the revocation and
 * suspension bits of `indices`. With a client whose transport batches JSON-RPC requests
 * (`http(url, { batch: true })`), the records of many roots travel in one HTTP request.
 *
 * @example
 * const { batch, accreditation, credentials } = await getVerificationRecord(publicClient, { registry, root, indices: [0, 7] });
 * batch?.status;          // "Active" | "Revoked" (null: never anchored)
 * accreditation.status;   // "Active" when the issuer was accredited at batch.anchoredAt
 * credentials[1].revoked; // false
 */
export async function getVerificationRecord(
  client: RegistryReadClient,
  params: { registry: Address; root: Hex; indices: readonly (number | bigint)[] },
): Promise<VerificationRecord> {
  const indices = toIndices(params.indices);
  const words = [...new Set(indices.map((i) => i >> 8n))];
  const [rawBatch, rawAccreditation, profileDigest, revoked, suspended] = await readRegistry(client, params.registry, "verificationOf", [params.root, words]);
  if (revoked.length !== words.length || suspended.length !== words.length) {
    // Never read a missing word as "not revoked".
    throw new ChainError(`verificationOf returned ${revoked.length} and ${suspended.length} status words for ${words.length} asked.`, {
      details: `Registry ${params.registry}, root ${params.root}.`,
    });
  }
  const byWord = new Map(words.map((w, k) => [w, [revoked[k]!, suspended[k]!] as const]));
  return {
    batch: toBatchRecord(params.root, rawBatch),
    accreditation: toAccreditation(rawAccreditation),
    profileDigest,
    credentials: indices.map((index) => {
      const [r, s] = byWord.get(index >> 8n)!;
      return bitsOf(index, r, s);
    }),
  };
}

/** Gaps of up to this many unused words are read rather than split into another call. */
const MAX_WORD_GAP = 4n;
/** Most words read in one `statusWords` call. */
const MAX_WORDS_PER_CALL = 1024n;

/**
 * Revocation and suspension bits of credentials `indices` of batch `root`, in the order given,
 * read with as few `statusWords` calls as the indices' spread allows (one 256-bit word covers 256
 * neighbouring indices). Bits only: a batch revoked as a whole shows in {@link getBatch}, and
 * indices beyond the leaf count read as neither revoked nor suspended.
 *
 * @example
 * const [a, b] = await getCredentialStatus(publicClient, { registry, root, indices: [3, 700] });
 * a; // { index: 3, revoked: true, suspended: false }
 */
export async function getCredentialStatus(
  client: RegistryReadClient,
  params: { registry: Address; root: Hex; indices: readonly (number | bigint)[] },
): Promise<CredentialStatus[]> {
  const indices = toIndices(params.indices);
  const words = [...new Set(indices.map((i) => i >> 8n))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: { from: bigint; count: bigint }[] = [];
  for (const w of words) {
    const last = ranges[ranges.length - 1];
    if (last && w - (last.from + last.count) <= MAX_WORD_GAP && w - last.from < MAX_WORDS_PER_CALL) last.count = w - last.from + 1n;
    else ranges.push({ from: w, count: 1n });
  }
  const answers = await Promise.all(
    ranges.map((r) => readRegistry(client, params.registry, "statusWords", [params.root, r.from, r.count])),
  );
  const byWord = new Map<bigint, [bigint, bigint]>();
  ranges.forEach((r, k) => {
    const [revoked, suspended] = answers[k]!;
    for (let i = 0; i < Number(r.count); i++) byWord.set(r.from + BigInt(i), [revoked[i] ?? 0n, suspended[i] ?? 0n]);
  });
  return indices.map((index) => {
    const [revoked, suspended] = byWord.get(index >> 8n) ?? [0n, 0n];
    return bitsOf(index, revoked, suspended);
  });
}

/** How many credentials of a batch are revoked and suspended (bits only; see {@link countCredentialStatus}). */
export interface StatusCounts {
  revoked: number;
  suspended: number;
}

function popcount(word: bigint): number {
  let n = 0;
  for (let w = word; w !== 0n; w &= w - 1n) n++;
  return n;
}

/**
 * Counts the revoked and suspended credentials of a batch of `leafCount` credentials, by reading
 * every status word (256 credentials a word, 1,024 words a call: 4 calls for a million
 * credentials). Bits only: a batch revoked as a whole shows in {@link getBatch}.
 *
 * @example
 * const { revoked, suspended } = await countCredentialStatus(publicClient, { registry, root, leafCount: 24 });
 */
export async function countCredentialStatus(
  client: RegistryReadClient,
  params: { registry: Address; root: Hex; leafCount: number },
): Promise<StatusCounts> {
  const words = BigInt(Math.ceil(params.leafCount / 256));
  const calls: Promise<readonly [readonly bigint[], readonly bigint[]]>[] = [];
  for (let from = 0n; from < words; from += MAX_WORDS_PER_CALL) {
    const count = words - from < MAX_WORDS_PER_CALL ? words - from : MAX_WORDS_PER_CALL;
    calls.push(readRegistry(client, params.registry, "statusWords", [params.root, from, count]));
  }
  const counts = { revoked: 0, suspended: 0 };
  for (const [revoked, suspended] of await Promise.all(calls)) {
    for (const w of revoked) counts.revoked += popcount(w);
    for (const w of suspended) counts.suspended += popcount(w);
  }
  return counts;
}

/**
 * The `BatchAnchored` event of `root` and its transaction, or `null` if the root was not anchored
 * in the block range. For crash recovery: after a send whose outcome is unknown, this finds the
 * anchoring transaction of a root already on chain. Public RPC providers cap log ranges: pass the
 * registry's deployment block (`DeploymentRecord.deployedAtBlock`) as `fromBlock`.
 *
 * @example
 * const anchor = await findAnchor(publicClient, { registry, root, fromBlock: BigInt(deployment.deployedAtBlock) });
 * if (anchor) console.log(`anchored in ${anchor.txHash} at block ${anchor.blockNumber}`);
 */
export async function findAnchor(
  client: RegistryReadClient,
  params: { registry: Address; root: Hex; fromBlock?: BlockNumber | BlockTag; toBlock?: BlockNumber | BlockTag },
): Promise<AnchorEvent | null> {
  const { registry, root } = params;
  try {
    const logs = await getContractEvents(client, {
      address: registry,
      abi: credentialRegistryAbi,
      eventName: "BatchAnchored",
      args: { root },
      fromBlock: params.fromBlock ?? "earliest",
      toBlock: params.toBlock ?? "latest",
      strict: true,
    });
    // A root is anchored at most once; a reorg may have removed a log.
    const log = logs.find((l) => !l.removed && l.transactionHash !== null && l.blockHash !== null);
    if (!log) return null;
    const block = await getBlock(client, { blockHash: log.blockHash! });
    return {
      root,
      issuer: getAddress(log.args.issuer),
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
