import { getAddress, isAddress, type Address, type Hex } from "viem";
import type { RegistryReadClient } from "../chain/actions/index.js";
import { CHAIN_CHECKS } from "./codes.js";
import { chainChecks, chainErrorChecks, checkTarget } from "./chain-checks.js";
import { createVerificationCache, nodeChainId, readRecords, type VerificationCache } from "./chain-reader.js";
import { checkFormat, checkInclusion, checkIntegrity, checkValidity, MAX_CREDENTIAL_BYTES, type CredentialInput, type ParsedCredential } from "./offline-checks.js";
import { check, completeChecks, overallStatus, type Check, type VerificationReport } from "./report.js";

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
  /** Verification time for the validity window (Date or unix seconds). Default: now. Revocation status is always the current one. */
  at?: Date | number;
  /** Check format, integrity, inclusion and the validity window only; skip (and mark) the chain checks. */
  offline?: boolean;
  /** Batch records shared between calls ({@link createVerificationCache}); default: a cache for this call only. */
  cache?: VerificationCache;
  /** Largest credential file accepted, in bytes (JSON text input). Default 1 MiB. */
  maxBytes?: number;
}

/** A credential to verify: JSON text, its bytes, a parsed file, or any of those with a source name for the report. */
export type VerifyInput = CredentialInput | { source: string; input: CredentialInput };

const isSourced = (x: unknown): x is { source: string; input: CredentialInput } =>
  typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as { source?: unknown }).source === "string" && "input" in x && !("format" in x);

const toSeconds = (at: Date | number | undefined) => (at === undefined ? Math.floor(Date.now() / 1000) : at instanceof Date ? Math.floor(at.getTime() / 1000) : Math.floor(at));

interface Pending {
  source?: string;
  checks: Check[];
  parsed?: ParsedCredential;
  /** The offline checks passed: the chain checks may run. */
  intact: boolean;
}

/** Runs the offline checks of one credential; never throws. */
function offlineChecks(item: VerifyInput, at: number, maxBytes: number): Pending {
  const { source, input } = isSourced(item) ? item : { source: undefined, input: item };
  try {
    const format = checkFormat(input, maxBytes);
    if (!format.parsed) return { source, checks: [format.check], intact: false };
    const p = format.parsed;
    const integrity = checkIntegrity(p);
    const inclusion = checkInclusion(p);
    const intact = integrity.status === "VALID" && inclusion.status === "VALID";
    const checks = [format.check, integrity, inclusion];
    if (intact) checks.push(checkValidity(p, at));
    return { source, checks, parsed: p, intact };
  } catch (error) {
    // A bug, not the credential's fault: report it as an error of the check that was running.
    return { source, checks: [check("format", "CS-INTERNAL-ERROR", `Verification failed unexpectedly: ${(error as Error)?.message ?? String(error)}`)], intact: false };
  }
}

function finish(p: Pending, at: number, offline: boolean): VerificationReport {
  const checks = completeChecks(p.checks);
  return {
    status: overallStatus(checks),
    offline,
    verifiedAt: at,
    ...(p.source !== undefined ? { source: p.source } : {}),
    ...(p.parsed ? { credential: p.parsed.summary } : {}),
    checks,
  };
}

/**
 * Verifies many credentials: the offline checks of each, then one registry read
 * (`verificationOf`) per distinct batch root, not per credential, with `concurrency` reads in
 * flight (default 64). Reports come back in input order; this never throws for a bad credential or
 * an unreachable node: those are in the reports (INVALID, ERROR).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545", { batch: true }) });
 * const reports = await verifyCredentials(files.map((f) => readFileSync(f, "utf8")), { client, registry });
 * reports.filter((r) => r.status !== "VALID").length; // 0
 */
export async function verifyCredentials(inputs: readonly VerifyInput[], options: VerifyOptions & { concurrency?: number } = {}): Promise<VerificationReport[]> {
  const at = toSeconds(options.at);
  const offline = options.offline === true;
  const pending = inputs.map((item) => offlineChecks(item, at, options.maxBytes ?? MAX_CREDENTIAL_BYTES));
  const intact = pending.filter((p) => p.intact);
  if (offline) {
    for (const p of intact) p.checks.push(...CHAIN_CHECKS.map((id) => check(id, "CS-SKIPPED-OFFLINE", "Not checked on chain (offline verification).")));
    return pending.map((p) => finish(p, at, true));
  }
  if (intact.length > 0) {
    const { client, registry } = options;
    if (!client || !registry || !isAddress(registry, { strict: false })) {
      const message = !client ? "Could not check: no chain client given (or verify offline)." : "Could not check: no trusted registry address given.";
      for (const p of intact) p.checks.push(...CHAIN_CHECKS.map((id) => check(id, "CS-CONFIG-NO-REGISTRY", message)));
    } else {
      await runChainChecks(intact, client, getAddress(registry), at, options.at !== undefined, options.cache ?? createVerificationCache(), options.concurrency ?? 64);
    }
  }
  return pending.map((p) => finish(p, at, false));
}

async function runChainChecks(intact: Pending[], client: RegistryReadClient, registry: Address, at: number, atGiven: boolean, cache: VerificationCache, concurrency: number) {
  let chainId: number;
  try {
    chainId = await nodeChainId(client);
  } catch (error) {
    for (const p of intact) p.checks.push(...chainErrorChecks(error));
    return;
  }
  const trusted = { chainId, registry };
  const wanted = new Map<Hex, number[]>();
  const lookups: Pending[] = [];
  for (const p of intact) {
    const target = checkTarget(p.parsed!, trusted);
    if (target) {
      p.checks.push(target);
      continue;
    }
    const root = p.parsed!.file.proof.root.toLowerCase() as Hex;
    let indices = wanted.get(root);
    if (!indices) wanted.set(root, (indices = []));
    indices.push(p.parsed!.file.leaf.index);
    lookups.push(p);
  }
  const records = await readRecords(client, trusted, new Map([...wanted].map(([root, indices]) => [root, [...new Set(indices)]])), cache, concurrency);
  for (const p of lookups) {
    const record = records.get(p.parsed!.file.proof.root.toLowerCase() as Hex)!;
    try {
      p.checks.push(...(record instanceof Error ? chainErrorChecks(record) : chainChecks(p.parsed!, record, at, atGiven)));
    } catch (error) {
      p.checks.push(check("anchored", "CS-INTERNAL-ERROR", `Verification failed unexpectedly: ${(error as Error)?.message ?? String(error)}`));
    }
  }
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
