/**
 * The verifier: every check of a credential reported with a stable code, one credential or many
 * (one registry read per batch), online or offline.
 */
export { prepareVerifierWorkers, verifyCredential, verifyCredentials, type VerifyInput, type VerifyOptions } from "./verify-credentials.js";
export { createVerificationCache, type VerificationCache } from "./chain-reader.js";
export { formatReport, formatSummary, formatTrust, type FormatOptions } from "./format.js";
export { readCredentialFile, readCredentialInput } from "./read-input.js";
export { MAX_CREDENTIAL_BYTES, MAX_JSON_DEPTH, MAX_JSON_VALUES, type CredentialInput } from "./offline-checks.js";
export { CHECK_IDS, CHECK_TITLES, VERIFICATION_CODES, type CheckId, type CheckStatus, type VerificationCode } from "./codes.js";
export type { Check, CredentialSummary, VerificationReport } from "./report.js";
