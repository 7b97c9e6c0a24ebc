import { revocationReason } from "../../../credential/revocation-reasons.js";
import type { Check, VerificationReport } from "../../../verify/report.js";

/**
 * A credential's status on its card, from the verifier's report (the seven checks, src/verify): valid; not valid
 * (revoked, suspended, expired, …) with the reason; could not be checked (the chain did not answer); or, apart
 * from those, an issuer this wallet does not know (a credential naming another registry or chain than the trusted
 * one, or an accreditor not trusted): a warning, not a verdict against the credential. No DOM.
 */

/** `checking` until the report is in. */
export type CardState = "checking" | "valid" | "invalid" | "error" | "untrusted";

/** How the issuer's standing reads: accredited on the trusted registry, unknown, or not known yet. */
export type Trust = "trusted" | "unknown" | "unchecked";

export interface CardStatus {
  state: CardState;
  /** A few words: "valid", "revoked", "could not check", "unknown issuer". */
  label: string;
  /** Why (the check's sentence, with a revocation reason when the registry gives one). */
  reason?: string;
  /** The code of the check that decided it (e.g. CS-STATUS-REVOKED). */
  code?: string;
  trust: Trust;
  trustText: string;
}

/** Codes saying the credential is anchored where this wallet does not look, or accredited by someone it does not trust. */
export const UNKNOWN_ISSUER_CODES: ReadonlySet<string> = new Set([
  "CS-ANCHOR-WRONG-CHAIN",
  "CS-ANCHOR-WRONG-REGISTRY",
  "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR",
]);

/** The words for the codes that make a credential not valid. */
const LABELS: Record<string, string> = {
  "CS-STATUS-REVOKED": "revoked",
  "CS-STATUS-BATCH-REVOKED": "revoked",
  "CS-STATUS-REVOCATION-PENDING": "revocation pending",
  "CS-STATUS-BATCH-REVOCATION-PENDING": "revocation pending",
  "CS-STATUS-SUSPENDED": "suspended",
  "CS-VALIDITY-EXPIRED": "expired",
  "CS-VALIDITY-NOT-YET-VALID": "not yet valid",
  "CS-ANCHOR-NOT-FOUND": "not anchored",
  "CS-ANCHOR-KEY-COMPROMISED": "issued with a compromised key",
  "CS-ACCREDITATION-NONE": "issuer not accredited",
  "CS-ACCREDITATION-SUSPENDED": "issuer's accreditation suspended",
  "CS-ACCREDITATION-WITHDRAWN": "issuer's accreditation withdrawn",
  "CS-ACCREDITATION-OUTSIDE-WINDOW": "issuer not accredited then",
  "CS-ACCREDITATION-EQF-EXCEEDED": "beyond the issuer's accreditation",
  "CS-ACCREDITATION-PROFILE-MISMATCH": "issuer named wrongly",
};

const CHECKING: CardStatus = {
  state: "checking",
  label: "checking…",
  trust: "unchecked",
  trustText: "Checking the issuer on the registry…",
};

/** A revocation's reason, from the check's details (whole batches record a reason code on chain). */
function reasonOf(c: Check): string {
  const code = c.details?.reason;
  const reason = typeof code === "number" ? revocationReason(code) : undefined;
  return reason ? `${c.message} Reason: ${reason.name} — ${reason.meaning}` : c.message;
}

/**
 * The card status of a report (undefined: still checking).
 *
 * @example
 * cardStatus(report, "eip155:31337:0x5FbD…"); // { state: "invalid", label: "revoked", reason: "Credential 0 of the batch was revoked…", … }
 */
export function cardStatus(report: VerificationReport | undefined, trustedRegistry: string): CardStatus {
  if (!report) return CHECKING;
  const unknownIssuer = report.checks.find((c) => UNKNOWN_ISSUER_CODES.has(c.code));
  const anchored = report.checks.find((c) => c.id === "anchored");
  const accredited = report.checks.find((c) => c.id === "accredited");
  const trust: Trust = unknownIssuer
    ? "unknown"
    : anchored?.status === "VALID" && accredited?.status === "VALID"
    ? "trusted"
    : "unchecked";
  const trustText = unknownIssuer
    ? `Unknown issuer: ${unknownIssuer.message} This wallet trusts ${trustedRegistry}.`
    : trust === "trusted"
    ? `Accredited issuer on the trusted registry ${trustedRegistry}.`
    : [anchored, accredited].some((c) => c?.status === "ERROR")
    ? "The issuer was not checked: the chain did not answer."
    : "The issuer's accreditation could not be confirmed.";
  const others = report.checks.filter((c) => !UNKNOWN_ISSUER_CODES.has(c.code));
  const failed = others.find((c) => c.status === "INVALID");
  if (failed) {
    return {
      state: "invalid",
      label: LABELS[failed.code] ?? "not valid",
      reason: reasonOf(failed),
      code: failed.code,
      trust,
      trustText,
    };
  }
  const error = others.find((c) => c.status === "ERROR");
  if (error) {
    const reason = `${error.message} The credential itself is intact; its status on the chain is unknown until the chain answers.`;
    return { state: "error", label: "could not check", reason, code: error.code, trust, trustText };
  }
  if (unknownIssuer) {
    const reason =
      "Intact, but anchored or accredited outside what this wallet trusts: a verifier trusting the same registry would not accept it.";
    return { state: "untrusted", label: "unknown issuer", reason, code: unknownIssuer.code, trust, trustText };
  }
  return { state: "valid", label: "valid", code: "CS-STATUS-VALID", trust, trustText };
}
