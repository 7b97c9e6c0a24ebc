import { CredstackError } from "../errors.js";

/** An issuer key file cannot be written, read or used: names the file and, when one is at fault, the field. */
export class IssuerKeyFileError extends CredstackError {
  override name = "IssuerKeyFileError";
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    message: string,
    options: { details?: string; cause?: unknown } = {},
  ) {
    super(`Issuer key file ${file}${field ? `, field ${field}` : ""}: ${message}`, options);
  }
}

/** An issuer key cannot be made or used as asked (a bad DID, a did:web document asked of a did:key key). */
export class IssuerKeyError extends CredstackError {
  override name = "IssuerKeyError";
  constructor(readonly field: string, message: string) {
    super(`Issuer key, ${field}: ${message}`);
  }
}

/**
 * The credential's `issuer.id` is not the signing key's controller: the proof would be made, but no
 * verifier would accept it (the issuance purpose wants the issuer to control the key).
 */
export class IssuerMismatchError extends CredstackError {
  override name = "IssuerMismatchError";
  constructor(readonly issuerId: string | undefined, readonly controller: string) {
    super(`Cannot sign: the credential's issuer.id is not the key's controller.`, {
      details: `issuer.id ${issuerId === undefined ? "is missing" : JSON.stringify(issuerId)}, ` +
        `key controller ${controller}`,
    });
  }
}

/** `@digitalbazaar/vc` refused to sign the credential (not a VC, undefined JSON-LD terms, a bad date…). */
export class CredentialSigningError extends CredstackError {
  override name = "CredentialSigningError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(`Cannot sign the credential: ${message}`, options);
  }
}

/** Verification needs a did:web DID document that was not supplied; credstack never fetches one. */
export class DidDocumentNeededError extends CredstackError {
  override name = "DidDocumentNeededError";
  constructor(readonly did: string, readonly url: string | undefined) {
    super(`The DID document of ${did} is needed: pass it in didDocuments (credstack does not fetch it).`, {
      details: url ? `It is published at ${url}.` : undefined,
    });
  }
}

/** A supplied DID document does not fit its DID (wrong `id`, or the verification method is not in it). */
export class DidDocumentError extends CredstackError {
  override name = "DidDocumentError";
  constructor(readonly did: string, message: string) {
    super(`DID document of ${did}: ${message}`);
  }
}
