import type { Address, Hex } from "viem";
import { CHECK_IDS, VERIFICATION_CODES, type CheckId, type CheckStatus, type ComponentCode, type VerificationCode } from "./codes.js";

/** The outcome of one check. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** Stable code (see ./codes.ts), e.g. `CS-STATUS-REVOKED`. */
  code: VerificationCode;
  /** One human sentence: what was found. */
  message: string;
  /** Machine-readable facts behind the message (fields, addresses, times). */
  details?: Record<string, unknown>;
}

/** What a report says about the credential it checked (only when its format could be read). */
export interface CredentialSummary {
  id: string;
  title: string;
  issuer: { name: string; address: Address };
  holder: Address;
  /** ISO date-time the credential is valid from (its issuing date). */
  validFrom: string;
  validUntil?: string;
  chainId: number;
  registry: Address;
  root: Hex;
  index: number;
}

/** The result of verifying one credential. */
export interface VerificationReport {
  /**
   * VALID when every check that ran is VALID (all seven, or, offline, all but the chain checks);
   * ERROR when any check could not be made (RPC down, timeout, no registry) and none failed;
   * INVALID when any check failed.
   */
  status: "VALID" | "INVALID" | "ERROR";
  /** True when the chain checks were skipped on purpose (offline verification): not checked on chain. */
  offline: boolean;
  /** The verification time (unix seconds) the validity window was checked against. */
  verifiedAt: number;
  /**
   * The registry (and chain) the credential was checked against: the verifier's trust anchor,
   * present whenever the chain checks were configured.
   */
  trusted?: { registry: Address; chainId?: number; accreditors?: Address[] };
  /** Where the credential came from (a file name), when the caller said. */
  source?: string;
  /** What the credential claims (title, issuer, holder, …): established only when integrity is VALID. */
  credential?: CredentialSummary;
  /** One entry per check, always all seven, in the order of CHECK_IDS. */
  checks: Check[];
  /**
   * A stacked credential (CLR 2.0 `ClrCredential`) whose format could be read: the verdict over its
   * embedded components, each verified as a credential of its own. It counts in `status` as a check does.
   */
  components?: ComponentsVerdict;
}

/** One embedded component of a stacked credential and what its verification found. */
export interface ComponentResult {
  /** Its position in `credentialSubject.verifiableCredential`. */
  index: number;
  /** Its credential id and achievement, as it claims them. */
  id?: string;
  achievement?: string;
  code: ComponentCode;
  message: string;
  /** Its own report (all seven checks); absent for a component the verifier does not check (a nested CLR). */
  report?: VerificationReport;
}

/** The verdict over a stacked credential's components: the first that fails names the code. */
export interface ComponentsVerdict {
  status: "VALID" | "INVALID" | "ERROR";
  code: ComponentCode;
  message: string;
  results: ComponentResult[];
}

/** Whether two hex strings (addresses, hashes) are equal, whatever their case. */
export const sameHex = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A check result from its code (the status follows from the code). */
export function check(id: CheckId, code: VerificationCode, message: string, details?: Record<string, unknown>): Check {
  return { id, status: VERIFICATION_CODES[code].status, code, message, ...(details ? { details } : {}) };
}

/**
 * The overall status of a set of checks. INVALID wins over ERROR: a credential whose integrity fails
 * is invalid whether or not the node answered. SKIPPED checks do not count.
 */
export function overallStatus(checks: readonly Check[]): VerificationReport["status"] {
  if (checks.some((c) => c.status === "INVALID")) return "INVALID";
  if (checks.some((c) => c.status === "ERROR")) return "ERROR";
  return "VALID";
}

/** Orders checks as CHECK_IDS, filling any missing one as skipped because an earlier check did not pass. */
export function completeChecks(checks: readonly Check[]): Check[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  return CHECK_IDS.map((id) => byId.get(id) ?? check(id, "CS-SKIPPED-PRECONDITION", "Not checked: an earlier check did not pass."));
}

/** Up to `max` issues as one line (`field: message; …`), saying how many more there are. */
export const issuesText = (issues: readonly { field: string; message: string }[], max = 5): string =>
  issues
    .slice(0, max)
    .map((i) => `${i.field || "(root)"}: ${i.message}`)
    .join("; ") + (issues.length > max ? `; … ${issues.length - max} more` : "");
