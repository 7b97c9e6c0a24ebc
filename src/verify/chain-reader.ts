import type { Address, Hex } from "viem";
import { getVerificationRecord, type CredentialStatus, type RegistryReadClient, type VerificationRecord } from "../chain/actions/index.js";

/**
 * Reading what verification needs from the chain: one `verificationOf` call per distinct batch
 * (issuer and root), and a cache of the answers.
 */

/** A cache of batch records shared by verifications (e.g. a verifier service's lifetime). */
export interface VerificationCache {
  /** The record of a batch with the status of every index in `indices`, when cached and fresh. */
  get(key: string, indices: readonly number[]): VerificationRecord | undefined;
  /** Stores (merges) what was read about a root. */
  set(key: string, record: VerificationRecord): void;
  /** Forgets everything. */
  clear(): void;
}

interface Entry {
  expires: number;
  batch: VerificationRecord["batch"];
  accreditation: VerificationRecord["accreditation"];
  bits: Map<number, CredentialStatus>;
}

/**
 * A cache of batch records for {@link verifyCredentials}: a record is reused for `ttlMs` (default
 * 30 s), so a revocation shows within that time. Without a cache, each call still reads each root
 * once.
 *
 * @example
 * const cache = createVerificationCache({ ttlMs: 10_000 });
 * await verifyCredentials(files, { client, registry, cache });
 * await verifyCredentials(moreFiles, { client, registry, cache }); // roots read within 10 s are not read again
 */
export function createVerificationCache(options: { ttlMs?: number; maxEntries?: number } = {}): VerificationCache {
  const ttl = options.ttlMs ?? 30_000;
  const max = options.maxEntries ?? 100_000;
  const entries = new Map<string, Entry>();
  return {
    get(key, indices) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      const credentials: CredentialStatus[] = [];
      for (const index of indices) {
        const bits = entry.bits.get(index);
        if (!bits) return undefined;
        credentials.push(bits);
      }
      return { batch: entry.batch, accreditation: entry.accreditation, credentials };
    },
    set(key, record) {
      let entry = entries.get(key);
      if (!entry || entry.expires <= Date.now()) {
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entry = { expires: Date.now() + ttl, batch: record.batch, accreditation: record.accreditation, bits: new Map() };
        entries.set(key, entry);
      }
      for (const c of record.credentials) entry.bits.set(c.index, c);
    },
    clear() {
      entries.clear();
    },
  };
}

/** A batch as the registry keys it: its issuer and its root. */
export interface BatchRef {
  issuer: Address;
  root: Hex;
}

/** The key of a batch (issuer and root) within one registry. */
export const batchKey = (b: BatchRef) => `${b.issuer.toLowerCase()}:${b.root.toLowerCase()}`;

/** The cache key of a batch on a registry of a chain. */
export const cacheKey = (chainId: number, registry: Address, b: BatchRef) => `${chainId}:${registry.toLowerCase()}:${batchKey(b)}`;

/**
 * The records of many batches (keyed by {@link batchKey}), one `verificationOf` call per batch not
 * in `cache`, at most `concurrency` in flight (a transport with `batch: true` sends each wave in
 * one HTTP request). A batch whose read failed maps to its (typed) error.
 */
export async function readRecords(
  client: RegistryReadClient,
  trusted: { chainId: number; registry: Address },
  wanted: ReadonlyMap<string, BatchRef & { indices: readonly number[] }>,
  cache: VerificationCache,
  concurrency: number,
): Promise<Map<string, VerificationRecord | Error>> {
  const results = new Map<string, VerificationRecord | Error>();
  const todo: [string, BatchRef & { indices: readonly number[] }][] = [];
  for (const [key, want] of wanted) {
    const hit = cache.get(cacheKey(trusted.chainId, trusted.registry, want), want.indices);
    if (hit) results.set(key, hit);
    else todo.push([key, want]);
  }
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const [key, want] = todo[next++]!;
      try {
        const record = await getVerificationRecord(client, { registry: trusted.registry, issuer: want.issuer, root: want.root, indices: want.indices });
        cache.set(cacheKey(trusted.chainId, trusted.registry, want), record);
        results.set(key, record);
      } catch (error) {
        results.set(key, error as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return results;
}
