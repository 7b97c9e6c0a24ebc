/**
 * credstack chain actions, in the style of viem actions: `fn(client, params)`. Writes take a
 * client with an account and a chain (a viem WalletClient), reads any client (a PublicClient).
 * Every failure is a typed `ChainError` (../errors.ts).
 */
export { assertRegistry, nodeChainId } from "./registry.js";
export {
  accreditIssuer,
  addOperator,
  declareOperatorCompromised,
  getRevocationDelay,
  operatorConsentTypedData,
  setRevocationDelay,
  signOperatorConsent,
  transferIssuer,
  getAccreditationAt,
  getOperatorKey,
  getOperators,
  isAccredited,
  isOperator,
  reinstateIssuer,
  removeOperator,
  suspendIssuer,
  withdrawIssuer,
  type AccreditIssuerParameters,
  type IssuerStatusParameters,
  type OperatorConsent,
  type OperatorKeyRecord,
  type OperatorParameters,
} from "./accreditation.js";
export {
  anchorBatch,
  cancelBatchRevocation,
  cancelRevocations,
  reinstateCredentials,
  revokeBatch,
  revokeCredentials,
  suspendCredentials,
  type AnchorBatchParameters,
  type CredentialIndicesParameters,
  type RevokeBatchParameters,
} from "./batches.js";
export {
  countCredentialStatus,
  findAnchor,
  getBatch,
  getCredentialStatus,
  getVerificationRecord,
  type BatchKey,
  type StatusCounts,
  type VerificationRecord,
} from "./batch-reads.js";
export {
  checkPackedCredentials,
  claimPathway,
  findPathwayRegistrations,
  getAward,
  getClaimNonce,
  getPathway,
  getStackingRegistry,
  invalidateSignedClaims,
  leavesHashOf,
  registerPathway,
  retirePathway,
  signStackClaim,
  stackClaimTypedData,
  type OnChainPathwayLists,
  type OnChainPathwayRules,
  type PathwayRecord,
  type PathwayRegistration,
  type StackClaim,
} from "./stacking.js";
export { packCredentials, PACK_LIMITS, PackCredentialsError, type PackableCredential } from "../packed-credentials.js";
export type { RegistryReadClient, RegistryWalletClient, WriteOptions } from "./client.js";
export type {
  Accreditation,
  AccreditationStatus,
  AnchorEvent,
  AnchorResult,
  BatchRecord,
  CredentialStatus,
  Revocation,
  TxResult,
} from "../records.js";
