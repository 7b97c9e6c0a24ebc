/**
 * Checks the issuer signature of a credential with Digital Bazaar's `@digitalbazaar/vc` (the VC
 * 2.0 editors' implementation), offline: only the `eddsa-rdfc-2022` proofs are checked; other proofs
 * of the set (credstack's Merkle proof) are left to their own verifier.
 */
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { issuerDocumentLoader, type DidDocuments } from "./loader.js";
import { EDDSA_CRYPTOSUITE, proofsOf, type EddsaProof } from "./sign.js";

/** The outcome of {@link verifyIssuerSignature}. */
export interface IssuerSignatureResult {
  /** An `eddsa-rdfc-2022` proof verified, by a key its issuer controls, for `assertionMethod`. */
  verified: boolean;
  /** The proof that verified. */
  proof?: EddsaProof;
  /** Why not, when not verified: the library's messages, joined with "; ". */
  error?: string;
}

/** Input of {@link verifyIssuerSignature}. */
export interface VerifyIssuerSignatureInput {
  /** A signed credential (its `proof` an array or one object). */
  credential: object;
  /** DID documents of did:web issuers, by DID (nothing is fetched); did:key needs none. */
  didDocuments?: DidDocuments;
  /** The time `validFrom` / `validUntil` are checked against (the library checks them); now when absent. */
  now?: string | Date;
}

const isEddsa = (p: unknown) =>
  !!p && typeof p === "object" &&
  (p as EddsaProof).type === "DataIntegrityProof" && (p as EddsaProof).cryptosuite === EDDSA_CRYPTOSUITE;

/** The innermost messages of a (possibly nested, `errors`-carrying) error, deduplicated. */
function messages(error: unknown, into = new Set<string>()): Set<string> {
  if (!error || typeof error !== "object") return into;
  const nested = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(nested) && nested.length) for (const e of nested) messages(e, into);
  else into.add((error as Error).message ?? String(error));
  return into;
}

/**
 * Verifies the issuer's `eddsa-rdfc-2022` signature with `@digitalbazaar/vc`'s `verifyCredential`:
 * the credential's shape and validity period, the signature over the credential without its proofs,
 * and that the signing key is an `assertionMethod` of `issuer.id`'s DID document. did:key DIDs
 * resolve from the DID; a did:web DID needs its document in `didDocuments` (else the error says so).
 * Proofs of other cryptosuites are skipped; with several eddsa proofs, one verifying is enough.
 * Never throws for a bad credential: `{ verified: false, error }`.
 *
 * @example
 * await verifyIssuerSignature({ credential: signed }); // { verified: true, proof: { … } }
 * await verifyIssuerSignature({ credential: { ...signed, name: "x" } });
 * // { verified: false, error: "Invalid signature." }
 */
export async function verifyIssuerSignature(input: VerifyIssuerSignatureInput): Promise<IssuerSignatureResult> {
  const { credential, didDocuments, now } = input;
  if (!proofsOf(credential).some(isEddsa)) {
    return { verified: false, error: `no ${EDDSA_CRYPTOSUITE} DataIntegrityProof in the credential` };
  }
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: issuerDocumentLoader({ didDocuments }),
    ...(now !== undefined ? { now } : {}),
  });
  if (result.verified) {
    const found = result.results?.find((r) => r.verified)?.proof;
    if (!found) return { verified: true };
    // As in the credential: jsonld-signatures reports it with the document's @context added.
    const { "@context": _context, ...proof } = found;
    return { verified: true, proof: proof as unknown as EddsaProof };
  }
  const found = new Set<string>();
  for (const r of result.results ?? []) messages(r.error, found);
  if (found.size === 0) messages(result.error, found);
  return { verified: false, error: [...found].join("; ") || "not verified (no reason given)" };
}
