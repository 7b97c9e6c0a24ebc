import { subjectOf, type ChainSubject } from "./chain-checks.js";
import { checkFormat, checkInclusion, checkIntegrity, checkValidity, type CredentialInput } from "./offline-checks.js";
import { check, type Check, type CredentialSummary } from "./report.js";

/** The offline checks of one credential, as verifyCredentials runs them (inline or on a worker thread). */

/**
 * A credential to verify: JSON text, its bytes, a parsed file, or any of those with a source name for
 * the report (and the size of the file it was read from, as `readCredentialFile` gives it).
 */
export type VerifyInput = CredentialInput | { source: string; input: CredentialInput; size?: number };

/** A credential after its offline checks: plain data (it crosses threads). */
export interface Pending {
  source?: string;
  checks: Check[];
  summary?: CredentialSummary;
  /** Kept only for credentials the chain checks will look up (the parsed file is let go). */
  subject?: ChainSubject;
  /** The offline checks passed: the chain checks may run. */
  intact: boolean;
  /** An intact v3 credential with an issuer signature: the whole credential, for the (async) signature check. */
  signed?: Record<string, unknown>;
  /** A stacked credential whose format was read: its embedded components, verified after it (verifyCredentials). */
  components?: Record<string, unknown>[];
}

// A wrapper has exactly these members: a credential that also has `source` and `input` (a v3 VC
// has no `format`) is a credential, never taken for a wrapper around another one.
const WRAPPER_KEYS = new Set(["source", "input", "size"]);
const isSourced = (x: unknown): x is { source: string; input: CredentialInput; size?: number } =>
  typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as { source?: unknown }).source === "string" && "input" in x &&
  Object.keys(x).every((k) => WRAPPER_KEYS.has(k));

/** Format, integrity and inclusion, then the validity window of an intact credential; never throws. */
export function offlineChecks(item: VerifyInput, at: number, maxBytes: number): Pending {
  const { source, input, size } = isSourced(item) ? item : { source: undefined, input: item, size: undefined };
  try {
    const format = checkFormat(input, maxBytes, typeof size === "number" ? size : undefined);
    if (!format.parsed) return { source, checks: [format.check], intact: false };
    const p = format.parsed;
    const integrity = checkIntegrity(p);
    const inclusion = checkInclusion(p);
    const intact = integrity.status === "VALID" && inclusion.status === "VALID";
    const checks = [format.check, integrity, inclusion];
    if (intact) checks.push(checkValidity(p, at));
    return {
      source,
      checks,
      summary: p.summary,
      ...(intact ? { subject: subjectOf(p) } : {}),
      ...(intact && p.signed ? { signed: p.signed } : {}),
      ...(p.components ? { components: p.components } : {}),
      intact,
    };
  } catch (error) {
    // A bug, not the credential's fault: report it as an error of the check that was running.
    return { source, checks: [check("format", "CS-INTERNAL-ERROR", `Verification failed unexpectedly: ${(error as Error)?.message ?? String(error)}`)], intact: false };
  }
}
