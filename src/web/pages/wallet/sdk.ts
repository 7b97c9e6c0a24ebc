/**
 * The SDK functions the wallet calls (verification, pathways, keys, presentations, backups), in one module that
 * the page loads after it is interactive (`loadSdk`, a dynamic import: its own chunk), so the first paint waits for
 * the page's own code and the stored wallet only.
 */
export { verifyCredentials } from "../../../verify/verify-credentials.js";
export { createVerificationCache } from "../../../verify/chain-reader.js";
export { verifiableCredentialOfRecord } from "../../../verify/format-v3.js";
export { MAX_CREDENTIAL_BYTES } from "../../../verify/offline-checks.js";
export { evaluatePathway } from "../../../stack/evaluate.js";
export { parsePathway } from "../../../stack/pathway.js";
export { createHolderKey, decryptHolderKey, encryptHolderKey, HolderKeyError } from "../../../present/keys.js";
export { deriveCredential, FIELD_NAMES, mustReveal } from "../../../present/derive.js";
export { docFields } from "../../../present/fields.js";
export {
  createChallenge,
  createPresentation,
  isStrongChallenge,
  PresentationError,
} from "../../../present/presentation.js";
export { parseVerificationRequest, REQUEST_LINK_PREFIX, VerificationRequestError } from "../../../present/request.js";
export { decryptWalletBackup, encryptWalletBackup, WalletBackupError } from "../../../present/wallet-backup.js";
export { verifyOptions } from "../shared/config.js";
export { qrCode } from "../shared/qr.js";
