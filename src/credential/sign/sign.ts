/**
 * Issuer signatures of v3 credentials: a W3C Data Integrity proof, cryptosuite `eddsa-rdfc-2022`
 * (RDF Dataset Canonicalization + Ed25519), made with Digital Bazaar's libraries so that any
 * standard VC 2.0 verifier can check it. It joins the credential's proof set: `proof` is always an
 * array (as the formal OB 3.0 JSON Schema requires), proofs already there (credstack's Merkle
 * proof) stay first and unchanged, and each proof signs the credential without any proof.
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { CredentialSigningError, IssuerMismatchError } from "./errors.js";
import { didWebDocument, isDidWeb, keyPairOf, type IssuerKey } from "./keys.js";
import { issuerDocumentLoader } from "./loader.js";

/** The cryptosuite of issuer signatures. */
export const EDDSA_CRYPTOSUITE = "eddsa-rdfc-2022";

/** An `eddsa-rdfc-2022` Data Integrity proof, as `signCredential` appends it. */
export interface EddsaProof {
  type: "DataIntegrityProof";
  cryptosuite: typeof EDDSA_CRYPTOSUITE;
  created?: string;
  verificationMethod: string;
  proofPurpose: "assertionMethod";
  proofValue: string;
}

/** The `id` of a credential's issuer (a string issuer, or a Profile's `id`). */
export function issuerIdOf(credential: object): string | undefined {
  const issuer = (credential as { issuer?: unknown }).issuer;
  if (typeof issuer === "string") return issuer;
  const id = issuer && typeof issuer === "object" ? (issuer as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : undefined;
}

/** A credential's proofs as an array (`proof` may be absent, one object, or an array). */
export function proofsOf(credential: object): unknown[] {
  const proof = (credential as { proof?: unknown }).proof;
  return proof === undefined ? [] : Array.isArray(proof) ? [...proof] : [proof];
}

/** Input of {@link signCredential}. */
export interface SignCredentialInput<T extends object> {
  /** A VC 2.0 credential (e.g. `buildCredentialV3(…)` with `issuerDid: key.controller`), with or without proofs. */
  credential: T;
  /** The issuer's key: its controller must be `credential.issuer.id`. */
  key: IssuerKey;
  /** The proof's `created` date (ISO 8601 or a Date); now when absent, none when `null`. */
  created?: string | Date | null;
}

/**
 * Signs `credential` as its issuer: returns a new credential whose `proof` array holds the proofs it
 * had (first, unchanged) and then an `eddsa-rdfc-2022` `DataIntegrityProof` by `key`, with
 * `proofPurpose: "assertionMethod"`. The input is not modified. Offline: JSON-LD contexts come from
 * credstack's pinned loader. Throws {@link IssuerMismatchError} when `issuer.id` is not the key's
 * controller (verifiers would refuse the proof), {@link CredentialSigningError} when the credential
 * is not a signable VC 2.0 (e.g. a term no context defines: canonicalization runs in safe mode).
 *
 * @example
 * const key = await createIssuerKey();
 * const signed = await signCredential({ credential: buildCredentialV3({ ...input, issuerDid: key.controller }), key });
 * signed.proof.at(-1)?.cryptosuite; // "eddsa-rdfc-2022"
 */
export async function signCredential<T extends object>(
  input: SignCredentialInput<T>,
): Promise<Omit<T, "proof"> & { proof: [...unknown[], EddsaProof] }> {
  const { credential, key } = input;
  const pair = keyPairOf(key);
  const issuerId = issuerIdOf(credential);
  if (issuerId !== key.controller) throw new IssuerMismatchError(issuerId, key.controller);
  const existing = structuredClone(proofsOf(credential));
  const { proof: _ignored, ...unsigned } = structuredClone(credential) as T & { proof?: unknown };
  const didDocuments = isDidWeb(key.controller) ? { [key.controller]: didWebDocument(key) } : {};
  let signed: { proof: Record<string, unknown> };
  try {
    const suite = new DataIntegrityProof({ signer: pair.signer(), cryptosuite, date: input.created });
    signed = await vc.issue({ credential: unsigned, suite, documentLoader: issuerDocumentLoader({ didDocuments }) });
  } catch (error) {
    throw new CredentialSigningError((error as Error).message ?? String(error), { cause: error });
  }
  const { proof, ...rest } = signed as typeof signed & Record<string, unknown>;
  return { ...(rest as Omit<T, "proof">), proof: [...existing, proof as unknown as EddsaProof] };
}
