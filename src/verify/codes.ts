/**
 * The checks of a verification and their result codes.
 *
 * Codes are part of the public API: software and people key on them ("CS-STATUS-REVOKED"), so a
 * code is never renumbered, renamed or reused for another meaning. New situations get new codes.
 * Each code belongs to one check and implies one status; messages may be reworded at any time.
 */

/** The checks of a report, in the order they run and are printed. */
export const CHECK_IDS = ["format", "integrity", "inclusion", "anchored", "accredited", "status", "validity"] as const;
/**
 * The two checks a presentation adds beside its credentials' seven (docs/spec.md §14): the presentation itself
 * (challenge, domain, expiry, replay) and its holder (the EIP-712 signature, the holder bound in each leaf).
 */
export const PRESENTATION_CHECK_IDS = ["presentation", "holder"] as const;
export type CheckId = (typeof CHECK_IDS)[number] | (typeof PRESENTATION_CHECK_IDS)[number];

/** The checks that need the chain; offline verification skips them. */
export const CHAIN_CHECKS: readonly CheckId[] = ["anchored", "accredited", "status"];

/** Human titles of the checks (for reports). */
export const CHECK_TITLES: Record<CheckId, string> = {
  format: "Format",
  integrity: "Integrity",
  inclusion: "Inclusion in batch",
  anchored: "Anchored on chain",
  accredited: "Issuer accredited",
  status: "Not revoked or suspended",
  validity: "Validity period",
  presentation: "Presentation",
  holder: "Holder signature",
};

/** A check's result: passed, failed (the credential is at fault), could not be checked, or not run. */
export type CheckStatus = "VALID" | "INVALID" | "ERROR" | "SKIPPED";

/** Every code, with the check it belongs to and the status it implies. */
export const VERIFICATION_CODES = {
  // format: the file is a credstack credential, with a well-formed OB 3.0 credential and every EU element
  "CS-FORMAT-VALID": { check: "format", status: "VALID" },
  "CS-FORMAT-MALFORMED-JSON": { check: "format", status: "INVALID" },
  "CS-FORMAT-TOO-LARGE": { check: "format", status: "INVALID" },
  "CS-FORMAT-UNKNOWN-VERSION": { check: "format", status: "INVALID" },
  "CS-FORMAT-STRUCTURE": { check: "format", status: "INVALID" },
  "CS-FORMAT-EU-ELEMENTS": { check: "format", status: "INVALID" },
  "CS-FORMAT-OB3-SCHEMA": { check: "format", status: "INVALID" },
  "CS-FORMAT-MERKLE-PROOF": { check: "format", status: "INVALID" }, // v3: no credstack-merkle-2026 proof, or a malformed one
  "CS-FORMAT-DUPLICATE-KEY": { check: "format", status: "INVALID" }, // an object names a key twice (JSON.parse would keep the last)
  "CS-FORMAT-TOO-DEEP": { check: "format", status: "INVALID" }, // nesting beyond MAX_JSON_DEPTH (32)
  "CS-FORMAT-TOO-MANY-VALUES": { check: "format", status: "INVALID" }, // more than MAX_JSON_VALUES (2,000) values
  "CS-FORMAT-CLR-SCHEMA": { check: "format", status: "INVALID" }, // a stacked credential (ClrCredential) fails the CLR 2.0 JSON Schema
  "CS-FORMAT-CLR-PROFILE": { check: "format", status: "INVALID" }, // … or credstack's CLR profile (destination, associations, components)
  // integrity: disclosed fields + salts → credential digest → leaf
  "CS-INTEGRITY-VALID": { check: "integrity", status: "VALID" },
  "CS-INTEGRITY-DIGEST-MISMATCH": { check: "integrity", status: "INVALID" },
  "CS-INTEGRITY-FACTS-MISMATCH": { check: "integrity", status: "INVALID" },
  "CS-INTEGRITY-LEAF-MISMATCH": { check: "integrity", status: "INVALID" },
  "CS-INTEGRITY-SIGNATURE-INVALID": { check: "integrity", status: "INVALID" }, // v3: the issuer's eddsa-rdfc-2022 signature does not verify
  // inclusion: leaf + path → root
  "CS-INCLUSION-VALID": { check: "inclusion", status: "VALID" },
  "CS-INCLUSION-INDEX-MISMATCH": { check: "inclusion", status: "INVALID" },
  "CS-INCLUSION-ROOT-MISMATCH": { check: "inclusion", status: "INVALID" },
  // anchored: the root is on the trusted registry of the chain the credential names, by its issuer
  "CS-ANCHOR-VALID": { check: "anchored", status: "VALID" },
  "CS-ANCHOR-WRONG-CHAIN": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-WRONG-REGISTRY": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-NOT-FOUND": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-ISSUER-MISMATCH": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-INDEX-OUT-OF-RANGE": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-AFTER-VERIFICATION-TIME": { check: "anchored", status: "INVALID" },
  "CS-ANCHOR-KEY-COMPROMISED": { check: "anchored", status: "INVALID" },
  // accredited: the issuer was accredited when the batch was anchored, under the name and country
  // the credential gives it, up to the credential's EQF level
  "CS-ACCREDITATION-VALID": { check: "accredited", status: "VALID" },
  "CS-ACCREDITATION-NONE": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-SUSPENDED": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-WITHDRAWN": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-OUTSIDE-WINDOW": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-EQF-EXCEEDED": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-PROFILE-MISMATCH": { check: "accredited", status: "INVALID" },
  "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR": { check: "accredited", status: "INVALID" },
  // status: neither the batch nor the credential is revoked or suspended
  "CS-STATUS-VALID": { check: "status", status: "VALID" },
  "CS-STATUS-BATCH-REVOKED": { check: "status", status: "INVALID" },
  "CS-STATUS-REVOKED": { check: "status", status: "INVALID" },
  "CS-STATUS-SUSPENDED": { check: "status", status: "INVALID" },
  "CS-STATUS-REVOCATION-PENDING": { check: "status", status: "INVALID" },
  "CS-STATUS-BATCH-REVOCATION-PENDING": { check: "status", status: "INVALID" },
  // validity: validFrom <= verification time < validUntil
  "CS-VALIDITY-VALID": { check: "validity", status: "VALID" },
  "CS-VALIDITY-NOT-YET-VALID": { check: "validity", status: "INVALID" },
  "CS-VALIDITY-EXPIRED": { check: "validity", status: "INVALID" },
  // integrity of a derived credential (a presentation): revealed values + their salts + hidden digests → leaf
  "CS-INTEGRITY-DISCLOSED-MISMATCH": { check: "integrity", status: "INVALID" }, // a revealed value (or the fields revealed) does not match
  // presentation: the verifier's challenge and domain, not expired, the challenge used once
  "CS-PRESENTATION-VALID": { check: "presentation", status: "VALID" },
  "CS-PRESENTATION-MALFORMED": { check: "presentation", status: "INVALID" }, // not a credstack VerifiablePresentation, or its proof malformed
  "CS-PRESENTATION-CHALLENGE-MISMATCH": { check: "presentation", status: "INVALID" },
  "CS-PRESENTATION-DOMAIN-MISMATCH": { check: "presentation", status: "INVALID" },
  "CS-PRESENTATION-EXPIRED": { check: "presentation", status: "INVALID" },
  "CS-PRESENTATION-REPLAYED": { check: "presentation", status: "INVALID" }, // the challenge was used before (replay store)
  // holder: the presentation is signed by the holder every presented credential's leaf binds
  "CS-HOLDER-VALID": { check: "holder", status: "VALID" },
  "CS-HOLDER-SIGNATURE-INVALID": { check: "holder", status: "INVALID" }, // signed by another key, or the signed content altered
  "CS-HOLDER-NOT-SUBJECT": { check: "holder", status: "INVALID" }, // a credential is bound to another holder than the presentation's
  // errors: the check could not be made (any chain check); never a verdict on the credential
  "CS-RPC-UNREACHABLE": { check: null, status: "ERROR" },
  "CS-RPC-WRONG-CHAIN": { check: null, status: "ERROR" },
  "CS-RPC-ERROR": { check: null, status: "ERROR" },
  "CS-REGISTRY-NOT-DEPLOYED": { check: null, status: "ERROR" },
  "CS-CONFIG-NO-REGISTRY": { check: null, status: "ERROR" },
  "CS-INPUT-UNREADABLE": { check: null, status: "ERROR" },
  "CS-INTERNAL-ERROR": { check: null, status: "ERROR" },
  // skipped
  "CS-SKIPPED-OFFLINE": { check: null, status: "SKIPPED" },
  "CS-SKIPPED-PRECONDITION": { check: null, status: "SKIPPED" },
} as const satisfies Record<string, { check: CheckId | null; status: CheckStatus }>;

export type VerificationCode = keyof typeof VERIFICATION_CODES;

/**
 * The codes of the components of a stacked credential (a CLR 2.0 `ClrCredential`, docs/spec.md §12):
 * one verdict over its embedded credentials, each verified fully as a credential of its own, beside
 * the seven checks of the stacked credential itself. Stable as the others.
 */
export const COMPONENT_CODES = {
  "CS-STACK-CLR-VALID": "VALID", // every component VALID and bound to the stacked credential's holder
  "CS-STACK-CLR-COMPONENT-INVALID": "INVALID", // a component fails verification (revoked, altered, expired, …): its code in the details
  "CS-STACK-CLR-COMPONENT-WRONG-HOLDER": "INVALID", // a component is bound to another holder than the stacked credential's subject
  "CS-STACK-CLR-COMPONENT-UNSUPPORTED": "INVALID", // a component that is not a format v3 OpenBadgeCredential (a nested CLR, say)
  "CS-STACK-CLR-COMPONENT-UNCHECKED": "ERROR", // a component could not be checked (RPC down, …): never INVALID
} as const satisfies Record<string, "VALID" | "INVALID" | "ERROR">;

export type ComponentCode = keyof typeof COMPONENT_CODES;
