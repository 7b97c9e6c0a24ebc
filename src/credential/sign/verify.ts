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
 * Proofs of other cryptosuites are skipped; with several eddsa proofs, each must verify (the
 * library alone accepts a set when any one does). A proofValue or verificationMethod too long to
 * be an Ed25519 signature's is refused before the library decodes it.
 * Never throws for a bad credential: `{ verified: false, error }`.
 *
 * @example
 * await verifyIssuerSignature({ credential: signed }); // { verified: true, proof: { … } }
 * await verifyIssuerSignature({ credential: { ...signed, name: "x" } });
 * // { verified: false, error: "Invalid signature." }
 */
export async function verifyIssuerSignature(input: VerifyIssuerSignatureInput): Promise<IssuerSignatureResult> {
  const { credential, didDocuments, now } = input;
  const all = proofsOf(credential);
  const eddsa = all.filter(isEddsa) as EddsaProof[];
  if (eddsa.length === 0) return { verified: false, error: `no ${EDDSA_CRYPTOSUITE} DataIntegrityProof in the credential` };
  // Bounded before the library sees them: decoding base58 costs time quadratic in its length.
  const oversized = eddsa.find((p) => String(p.proofValue ?? "").length > MAX_PROOF_VALUE || String(p.verificationMethod ?? "").length > MAX_METHOD);
  if (oversized) return { verified: false, error: `an ${EDDSA_CRYPTOSUITE} proof's proofValue or verificationMethod is too long to be one` };
  // Every signature must verify (the library accepts a proof set when any one does).
  const others = all.filter((p) => !isEddsa(p));
  let verified: EddsaProof | undefined;
  for (const proof of eddsa) {
    const one = await verifyOne({ ...(credential as Record<string, unknown>), proof: [...others, proof] }, didDocuments, now);
    if (!one.verified) return one;
    verified ??= one.proof;
  }
  return { verified: true, ...(verified ? { proof: verified } : {}) };
}

/** An Ed25519 signature is 64 bytes: "z" and at most 88 base58 characters; a DID URL of a key, a few hundred. */
const MAX_PROOF_VALUE = 128;
const MAX_METHOD = 2048;

/** One eddsa proof (the credential's only one) checked by `@digitalbazaar/vc`. */
async function verifyOne(credential: object, didDocuments: DidDocuments | undefined, now: string | Date | undefined): Promise<IssuerSignatureResult> {
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
