/**
 * Revocation reason codes: the `uint8 reason` of `revokeBatch` and `revokeCredentials` (recorded in
 * the batch record for a whole batch, and in the `BatchRevoked` / `CredentialsRevoked` events).
 *
 * Codes 0–10 are X.509 `CRLReason` (RFC 5280 §5.3.1), numbers unchanged, read for credentials:
 * the holder's key is the learner's wallet, the CA is the issuer, the attribute authority the
 * accreditor. `certificateHold` (6) and `removeFromCRL` (8) are not revocations here: suspension is
 * `suspendCredentials` / `reinstateCredentials`; 7 is unused in RFC 5280 too. Code 11 is credstack's
 * own; 12–127 are reserved for credstack; 128–255 are the issuer's own (private use).
 */

/** One defined reason code. */
export interface RevocationReason {
  code: number;
  /** credstack's name, e.g. `superseded`; what the CLI prints and accepts. */
  name: string;
  /** The RFC 5280 `CRLReason` name with this number, or null for credstack's own codes. */
  x509: string | null;
  /** What it means for a micro-credential. */
  meaning: string;
  /** False for codes that must not be used to revoke (6, 8: suspension has its own functions; 7). */
  usable: boolean;
}

/** Every defined or reserved code below 12, in code order. */
export const REVOCATION_REASONS: readonly RevocationReason[] = Object.freeze([
  { code: 0, name: "unspecified", x509: "unspecified", meaning: "No reason given (the CLI's default).", usable: true },
  {
    code: 1,
    name: "holder-key-compromise",
    x509: "keyCompromise",
    meaning: "The learner's wallet, to which the credential is bound, is lost or compromised; usually reissued to a new wallet.",
    usable: true,
  },
  {
    code: 2,
    name: "issuer-key-compromise",
    x509: "cACompromise",
    meaning: "An issuer or operator key was compromised: the credential may not have been issued by the institution.",
    usable: true,
  },
  {
    code: 3,
    name: "learner-details-changed",
    x509: "affiliationChanged",
    meaning: "The learner's name or student number in the credential changed or was wrong; usually reissued.",
    usable: true,
  },
  {
    code: 4,
    name: "superseded",
    x509: "superseded",
    meaning: "Replaced by a corrected credential (grade, date, course data).",
    usable: true,
  },
  {
    code: 5,
    name: "no-longer-needed",
    x509: "cessationOfOperation",
    meaning: "Withdrawn without fault or compromise, e.g. at the learner's request.",
    usable: true,
  },
  {
    code: 6,
    name: "hold",
    x509: "certificateHold",
    meaning: "Not a revocation: suspend instead (suspendCredentials, reversible).",
    usable: false,
  },
  { code: 7, name: "unused", x509: null, meaning: "Unused (unassigned in RFC 5280 as well).", usable: false },
  {
    code: 8,
    name: "remove-from-crl",
    x509: "removeFromCRL",
    meaning: "Not a revocation: reinstate a suspended credential instead (reinstateCredentials).",
    usable: false,
  },
  {
    code: 9,
    name: "award-withdrawn",
    x509: "privilegeWithdrawn",
    meaning: "The award is withdrawn: academic misconduct, annulled assessment, or the learner was not entitled to it.",
    usable: true,
  },
  {
    code: 10,
    name: "accreditor-compromise",
    x509: "aACompromise",
    meaning: "The accreditor (the attribute authority) was compromised, so the issuer's accreditation cannot be relied on.",
    usable: true,
  },
  {
    code: 11,
    name: "issued-in-error",
    x509: null,
    meaning: "Issued by mistake (wrong learner, not passed, duplicate) and not replaced. credstack's own code.",
    usable: true,
  },
]);

/** Codes 12–127 are reserved for future credstack codes; from this one on, the issuer defines them. */
export const FIRST_PRIVATE_REASON = 128;

/** The reason with this code, or undefined for a reserved or private-use code. */
export function revocationReason(code: number): RevocationReason | undefined {
  return REVOCATION_REASONS[code];
}

/**
 * A human name for any code 0–255: `superseded`, `reserved`, or `private use`.
 * @example revocationReasonName(4) // "superseded"
 */
export function revocationReasonName(code: number): string {
  const known = revocationReason(code);
  if (known) return known.name;
  return code >= FIRST_PRIVATE_REASON && code <= 255 ? "private use" : "reserved";
}

/**
 * Reads a reason given on a command line: a code 0–255 or a name (credstack's, or the X.509 one,
 * case-insensitive). Returns undefined for anything else: unknown names, codes above 255, the codes
 * that must not be used to revoke (6, 7, 8) and the reserved ones (12–127), so that callers can refuse them.
 * @example parseRevocationReason("superseded") // 4
 */
export function parseRevocationReason(text: string): number | undefined {
  const t = text.trim();
  let code: number | undefined;
  if (/^\d{1,3}$/.test(t)) code = Number(t);
  else code = REVOCATION_REASONS.find((r) => r.name === t.toLowerCase() || r.x509?.toLowerCase() === t.toLowerCase())?.code;
  if (code === undefined || code > 255) return undefined;
  if (code >= FIRST_PRIVATE_REASON) return code;
  return revocationReason(code)?.usable ? code : undefined;
}
