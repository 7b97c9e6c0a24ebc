/**
 * Issuer signatures of v3 credentials (`eddsa-rdfc-2022` Data Integrity proofs): issuer keys and
 * their files, signing, and verifying with Digital Bazaar's `@digitalbazaar/vc`. Offline throughout.
 */
export {
  CredentialSigningError, DidDocumentError, DidDocumentNeededError,
  IssuerKeyError, IssuerKeyFileError, IssuerMismatchError,
} from "./errors.js";
export { loadIssuerKey, saveIssuerKey } from "./key-file.js";
export { createIssuerKey, didWebDocument, didWebUrl, type DidDocument, type IssuerKey } from "./keys.js";
export { issuerDocumentLoader, type DidDocuments, type DocumentLoader } from "./loader.js";
export { EDDSA_CRYPTOSUITE, signCredential, type EddsaProof, type SignCredentialInput } from "./sign.js";
export { verifyIssuerSignature, type IssuerSignatureResult, type VerifyIssuerSignatureInput } from "./verify.js";
