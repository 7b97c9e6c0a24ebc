import { availableParallelism } from "node:os";
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { WorkerPool } from "../batch/pool.js";
import { keccakReady } from "../credential/keccak.js";
import { nodeChainId, type RegistryReadClient } from "../chain/actions/index.js";
import { WrongChainError } from "../chain/errors.js";
import { CHAIN_CHECKS } from "./codes.js";
import { chainChecks, chainErrorChecks, checkTarget } from "./chain-checks.js";
import { batchKey, createVerificationCache, readRecords, type BatchRef, type VerificationCache } from "./chain-reader.js";
import { offlineChecks, type Pending, type VerifyInput } from "./offline.js";
import { MAX_CREDENTIAL_BYTES } from "./offline-checks.js";
import type { OfflineTask } from "./offline-worker.js";
import type { DidDocuments } from "../credential/sign/index.js";
import { check, completeChecks, overallStatus, type Check, type VerificationReport } from "./report.js";
import { statusWithComponents, verifyComponents } from "./components.js";

export type { VerifyInput } from "./offline.js";

/** Options of {@link verifyCredential} and {@link verifyCredentials}. */
export interface VerifyOptions {
  /**
   * A viem client (PublicClient) of the chain the trusted registry is on: any EVM JSON-RPC URL, no
   * explorer. Use `http(url, { batch: true })` so that many batch reads share one HTTP request.
   */
  client?: RegistryReadClient;
  /**
   * The registry this verifier trusts (the accreditation authority's deployment). A credential that
   * names another registry or chain is INVALID, never looked up elsewhere: whoever deploys a
   * registry can accredit themselves on it.
   */
  registry?: Address;
  /**
   * The chain the trusted registry is on. When given, a node that serves another chain makes the
   * chain checks ERROR (`CS-RPC-WRONG-CHAIN`: a misconfigured RPC URL) rather than every
   * credential INVALID. Default: whatever chain the node serves.
   */
  chainId?: number;
  /**
   * The accreditors this verifier trusts on that registry (a trust list). When given, a credential
   * whose issuer was accredited, when its batch was anchored, by any other accreditor is INVALID
   * (`CS-ACCREDITATION-UNTRUSTED-ACCREDITOR`): a second accreditor on the same registry cannot lend
   * an existing institution's name to another address unnoticed. Default: every accreditor the
   * registry's governance appointed.
   */
  accreditors?: readonly Address[];
  /** Verification time for the validity window (Date or unix seconds). Default: now. Revocation status is always the current one. */
  at?: Date | number;
  /** Check format, integrity, inclusion and the validity window only; skip (and mark) the chain checks. */
  offline?: boolean;
  /** Batch records shared between calls ({@link createVerificationCache}); default: a cache for this call only. */
  cache?: VerificationCache;
  /** Largest credential file accepted, in bytes (JSON text input). Default 1 MiB. */
  maxBytes?: number;
  /**
   * Check the issuer signatures (`eddsa-rdfc-2022`) v3 credentials carry, with `@digitalbazaar/vc`
   * (about 8 ms each). Default true. A signature that does not verify makes the credential INVALID
   * (`CS-INTEGRITY-SIGNATURE-INVALID`).
   */
  signatures?: boolean;
  /** DID documents of did:web issuers, by DID (nothing is fetched); without one, a did:web signature is not checked (said in the report). */
  didDocuments?: DidDocuments;
}

/** The verification time in unix seconds; a RangeError for an invalid one (a caller's bug, not a credential's fault). */
function toSeconds(at: Date | number | undefined): number {
  const seconds = at === undefined ? Math.floor(Date.now() / 1000) : at instanceof Date ? Math.floor(at.getTime() / 1000) : Math.floor(at);
  // Dates beyond ±8.64e12 s (year ±275,760) have no calendar form.
  if (!Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12) throw new RangeError(`Invalid verification time: ${String(at)}.`);
  return seconds;
}

/**
 * Lists this long or longer get worker threads (one per core but this one) beside this thread by
 * default: 2,000 once they run; 10,000 before, as a worker needs ~1.3 s of CPU to start and this
 * thread checks ~5,500 credentials/s meanwhile. Measured on 2 cores (`BENCH_ONLY=verify npm run bench`).
 */
const WORKER_THRESHOLD = { warm: 2_000, cold: 10_000 };
/** Credentials per worker task. */
const CHUNK = 256;

// One pool per process, kept between calls (a verifier service verifies again and again); its idle
// workers do not keep the process alive.
let shared: { pool: WorkerPool; size: number } | undefined;

function workerPool(size: number): WorkerPool {
  if (!shared || shared.size !== size) {
    void shared?.pool.close();
    // A larger young generation than V8's default: verification allocates many short-lived objects.
    shared = { pool: new WorkerPool(new URL("./worker-entry.mjs", import.meta.url), size, { maxYoungGenerationSizeMb: 64 }, true), size };
  }
  return shared.pool;
}

/**
 * The offline checks of every input, in input order: inline, or on this thread and `threads` worker
 * threads together. Chunks come from one queue, and a worker takes its first chunk only once it has
 * started (a cold worker needs ~1.3 s to load the SDK): this thread works meanwhile, and a short list
 * is done before any worker is up, without waiting for one.
 */
async function runOffline(inputs: readonly VerifyInput[], at: number, maxBytes: number, threads: number): Promise<Pending[]> {
  const inline = (chunk: readonly VerifyInput[]) => chunk.map((item) => offlineChecks(item, at, maxBytes));
  if (threads <= 0 || inputs.length === 0) return inline(inputs);
  const pool = workerPool(threads);
  const total = Math.ceil(inputs.length / CHUNK);
  const results: Pending[][] = [];
  let next = 0;
  let completed = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const take = (): [number, readonly VerifyInput[]] | undefined => {
    if (next >= inputs.length) return undefined;
    const k = next / CHUNK;
    return [k, inputs.slice(next, (next += CHUNK))];
  };
  const store = (k: number, result: Pending[]) => {
    results[k] = result;
    if (++completed === total) allDone();
  };
  const onWorker = async () => {
    try {
      await pool.run({ inputs: [], at, maxBytes } satisfies OfflineTask); // started
    } catch {
      return; // this thread does the work
    }
    for (let job = take(); job; job = take()) {
      const [k, chunk] = job;
      const task: OfflineTask = { inputs: chunk as VerifyInput[], at, maxBytes };
      // A worker that fails (it crashed, or an input cannot be copied to it) costs speed, not results.
      const result = await pool.run<Pending[]>(task).catch((error: unknown) => {
        // An input that cannot be copied to a thread leaves the pool sound; a crashed worker closed it.
        if ((error as Error)?.name !== "DataCloneError" && shared?.pool === pool) shared = undefined;
        return inline(chunk);
      });
      store(k, result);
    }
  };
  const onThisThread = async () => {
    for (let job = take(); job; job = take()) {
      store(job[0], inline(job[1]));
      await new Promise((resolve) => setImmediate(resolve)); // let the workers' results through
    }
  };
  for (let i = 0; i < threads; i++) void onWorker();
  await onThisThread();
  await finished;
  return results.flat();
}

/**
 * Starts the worker threads that {@link verifyCredentials} uses for long lists, and waits until
 * they are ready (each loads the SDK and compiles the OB 3.0 schema: about a second). Optional: a
 * verifier service calls it at start-up so that its first large request does not pay for it.
 *
 * @example
 * await prepareVerifierWorkers(); // at service start
 */
export async function prepareVerifierWorkers(workers = availableParallelism() - 1): Promise<void> {
  if (workers < 1) return;
  const pool = workerPool(workers);
  const warmUp: OfflineTask = { inputs: [], at: 0, maxBytes: 0 };
  await Promise.all(Array.from({ length: workers }, () => pool.run(warmUp)));
}

function finish(p: Pending, at: number, offline: boolean, trusted?: VerificationReport["trusted"]): VerificationReport {
  const checks = completeChecks(p.checks);
  return {
    status: overallStatus(checks),
    offline,
    verifiedAt: at,
    ...(trusted ? { trusted } : {}),
    ...(p.source !== undefined ? { source: p.source } : {}),
    ...(p.summary ? { credential: p.summary } : {}),
    checks,
  };
}

/**
 * Verifies many credentials: the offline checks of each (on worker threads for long lists), then
 * one registry read (`verificationOf`) per distinct batch root, not per credential, with
 * `concurrency` reads in flight (default 64). Reports come back in input order. A bad credential
 * or an unreachable node never throws: they are in the reports (INVALID, ERROR). Only an invalid
 * `at` does (RangeError).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545", { batch: true }) });
 * const reports = await verifyCredentials(files.map((f) => readFileSync(f, "utf8")), { client, registry });
 * reports.filter((r) => r.status !== "VALID").length; // 0
 */
export async function verifyCredentials(
  inputs: readonly VerifyInput[],
  options: VerifyOptions & {
    /** Registry reads in flight (default 64). */
    concurrency?: number;
    /**
     * Worker threads for the offline checks (parsing, schemas, digests, proofs), beside this thread.
     * Default: one per core but this one, for lists of 10,000 or more, or of 2,000 or more once the
     * workers run (see {@link prepareVerifierWorkers}); none below, where a thread costs more than it saves.
     */
    workers?: number;
  } = {},
): Promise<VerificationReport[]> {
  const at = toSeconds(options.at);
  await keccakReady; // the wasm keccak (10× the JS fallback): the offline checks below run without a break
  const threshold = shared ? WORKER_THRESHOLD.warm : WORKER_THRESHOLD.cold;
  const workers = options.workers ?? (inputs.length >= threshold ? (shared?.size ?? availableParallelism() - 1) : 0);
  const pending = await runOffline(inputs, at, options.maxBytes ?? MAX_CREDENTIAL_BYTES, Math.max(0, workers));
  if (options.signatures !== false) await checkSignatures(pending, options.didDocuments ?? {});
  const cache = options.cache ?? createVerificationCache();
  // Stacked credentials: their embedded components, verified as credentials of their own (one call for all).
  const stacked = pending.filter((p) => p.components?.length);
  const verdicts = stacked.length ? await verifyComponents(stacked, (components) => verifyCredentials(components, { ...options, cache, workers: 0 })) : undefined;
  const withComponents = (p: Pending, report: VerificationReport): VerificationReport => {
    const verdict = verdicts?.get(p);
    return verdict ? { ...report, status: statusWithComponents(report.status, verdict), components: verdict } : report;
  };
  const reports = await chainReports(pending, { ...options, cache }, at);
  return pending.map((p, i) => withComponents(p, reports[i]!));
}

/**
 * The chain checks of credentials whose offline checks ran (`pending`), and their reports: offline, not configured,
 * or one registry read per distinct batch. Shared by {@link verifyCredentials} and presentations (src/present).
 */
export async function chainReports(
  pending: Pending[],
  options: VerifyOptions & { concurrency?: number },
  at: number,
): Promise<VerificationReport[]> {
  const offline = options.offline === true;
  const intact = pending.filter((p) => p.intact);
  const cache = options.cache ?? createVerificationCache();
  if (offline) {
    for (const p of intact) p.checks.push(...CHAIN_CHECKS.map((id) => check(id, "CS-SKIPPED-OFFLINE", "Not checked on chain (offline verification).")));
    return pending.map((p) => finish(p, at, true));
  }
  const { client, registry } = options;
  const configured = client !== undefined && registry !== undefined && isAddress(registry, { strict: false });
  let trusted: VerificationReport["trusted"];
  if (intact.length > 0) {
    if (!configured) {
      const message = !client ? "Could not check: no chain client given (or verify offline)." : "Could not check: no trusted registry address given.";
      for (const p of intact) p.checks.push(...CHAIN_CHECKS.map((id) => check(id, "CS-CONFIG-NO-REGISTRY", message)));
    } else {
      trusted = await runChainChecks(intact, client, { registry: getAddress(registry), chainId: options.chainId, accreditors: options.accreditors }, {
        at,
        atGiven: options.at !== undefined,
        cache,
        concurrency: options.concurrency ?? 64,
      });
    }
  }
  if (configured && !trusted) trusted = trustedOf(getAddress(registry), options.chainId, options.accreditors);
  return pending.map((p) => finish(p, at, false, trusted));
}

/** The verification time in unix seconds (default now); a RangeError for an invalid one. */
export const verificationSeconds = toSeconds;

/**
 * The issuer signatures of the intact signed credentials: one that verifies is named in the
 * integrity check; one that does not makes the credential INVALID there (and it is not looked up).
 */
async function checkSignatures(pending: Pending[], didDocuments: DidDocuments): Promise<void> {
  for (const p of pending) {
    if (!p.intact || !p.signed) continue;
    const index = p.checks.findIndex((c) => c.id === "integrity");
    const integrity = p.checks[index]!;
    const signed = p.signed;
    delete p.signed;
    const did = String((signed.issuer as { id?: unknown } | undefined)?.id ?? "");
    if (did.startsWith("did:web:") && !(did in didDocuments)) {
      const note = `The issuer signature was not checked: the DID document of ${did} was not given (nothing is fetched).`;
      p.checks[index] = { ...integrity, message: `${integrity.message} ${note}`, details: { ...integrity.details, signature: "unchecked" } };
      continue;
    }
    // The signature alone: the validity window is the validity check's (the library checks it too).
    // Loaded on first use: Digital Bazaar's libraries cost every verifier process ~60 ms otherwise.
    const { verifyIssuerSignature } = await import("../credential/sign/verify.js");
    const now = String(signed.validFrom ?? "");
    const result = await verifyIssuerSignature({ credential: signed, didDocuments, ...(Number.isFinite(Date.parse(now)) ? { now } : {}) });
    if (result.verified) {
      const message = `${integrity.message} The issuer signature (eddsa-rdfc-2022, ${did}) verifies.`;
      p.checks[index] = { ...integrity, message, details: { ...integrity.details, signature: "verified", signer: did } };
      continue;
    }
    p.checks[index] = check("integrity", "CS-INTEGRITY-SIGNATURE-INVALID", `The issuer signature (eddsa-rdfc-2022) does not verify: ${String(result.error).replace(/\.$/, "")}.`, { signer: did });
    p.checks.splice(index + 1);
    p.intact = false;
    delete p.subject;
  }
}

/** What a report names as its trust anchor. */
function trustedOf(
  registry: Address,
  chainId: number | undefined,
  accreditors: readonly Address[] | undefined,
): NonNullable<VerificationReport["trusted"]> {
  return {
    registry,
    ...(chainId !== undefined ? { chainId } : {}),
    ...(accreditors ? { accreditors: accreditors.map((a) => getAddress(a)) } : {}),
  };
}

/** The chain checks of the intact credentials; resolves to the registry and chain they were checked against. */
async function runChainChecks(
  intact: Pending[],
  client: RegistryReadClient,
  trust: { registry: Address; chainId: number | undefined; accreditors: readonly Address[] | undefined },
  run: { at: number; atGiven: boolean; cache: VerificationCache; concurrency: number },
): Promise<NonNullable<VerificationReport["trusted"]>> {
  const { registry, accreditors } = trust;
  let chainId: number;
  try {
    chainId = await nodeChainId(client);
    if (trust.chainId !== undefined && chainId !== trust.chainId) throw new WrongChainError(trust.chainId, chainId);
  } catch (error) {
    for (const p of intact) p.checks.push(...chainErrorChecks(error));
    return trustedOf(registry, trust.chainId, accreditors);
  }
  const trusted = { ...trustedOf(registry, chainId, accreditors), chainId };
  const wanted = new Map<string, BatchRef & { indices: Set<number> }>();
  const lookups: Pending[] = [];
  for (const p of intact) {
    const target = checkTarget(p.subject!, trusted);
    if (target) {
      p.checks.push(target);
      continue;
    }
    const key = batchKey(p.subject!);
    let want = wanted.get(key);
    if (!want) wanted.set(key, (want = { issuer: p.subject!.issuer, root: p.subject!.root, indices: new Set() }));
    want.indices.add(p.subject!.index);
    lookups.push(p);
  }
  const lists = new Map([...wanted].map(([key, w]) => [key, { ...w, indices: [...w.indices] }]));
  const records = await readRecords(client, trusted, lists, run.cache, run.concurrency);
  const memo = new Map<string, Check>();
  for (const p of lookups) {
    const record = records.get(batchKey(p.subject!))!;
    try {
      p.checks.push(...(record instanceof Error ? chainErrorChecks(record) : chainChecks(p.subject!, record, trusted, run.at, run.atGiven, memo)));
    } catch (error) {
      p.checks.push(check("anchored", "CS-INTERNAL-ERROR", `Verification failed unexpectedly: ${(error as Error)?.message ?? String(error)}`));
    }
  }
  return trusted;
}

/**
 * Verifies one credential file and reports each check: format, integrity, inclusion, anchored,
 * accredited, status, validity, each VALID | INVALID | ERROR | SKIPPED with a stable code and a
 * message. Overall VALID only when every check is VALID (offline: every check that ran); ERROR,
 * not INVALID, when the chain could not be read. Never throws for bad input or a node that is down.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const report = await verifyCredential(readFileSync("alice.json", "utf8"), { client, registry });
 * report.status;                          // "VALID"
 * report.checks.map((c) => c.code);       // ["CS-FORMAT-VALID", "CS-INTEGRITY-VALID", …]
 * console.log(formatReport(report));      // ✔ Format … ✔ Anchored on chain …
 */
export async function verifyCredential(input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationReport> {
  const [report] = await verifyCredentials([input], options);
  return report!;
}
