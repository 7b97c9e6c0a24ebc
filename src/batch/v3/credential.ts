import type { Hex } from "viem";
import { credentialDigestWithSalts, saltsFromSeed } from "../../credential/disclosure.js";
import { ValidationError } from "../../credential/errors.js";
import { toFieldIssues } from "../../credential/schema.js";
import { credentialFactsV3, parseCredentialV3, type CredentialFactsV3 } from "../../credential/v3/facts.js";
import { CREDENTIAL_FORMAT_V3, type CredentialRecordV3 } from "../format.js";
import { leafFieldsV3 } from "../leaf.js";
import { clrFacts, isClrCredential, parseClrDocument } from "../../stack/clr/facts.js";
import { isMerkleProof, merkleProof, MerkleProofError, readMerkleProof, type MerkleProofData } from "./merkle-proof.js";

/**
 * A v3 credential between its two forms: the bare VC a learner holds (`proof: [merkle, …]`) and
 * the {@link CredentialRecordV3} the SDK checks (document, salts, leaf, inclusion proof).
 */

const hexOf = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;

/**
 * The bare W3C VC of a v3 record: its document with the Merkle proof first in `proof`, then any
 * `otherProofs` (an issuer signature; see `src/credential/sign`).
 *
 * @example
 * const vc = toVerifiableCredential(batch.credentials[0]);
 * vc.proof[0].cryptosuite; // "credstack-merkle-2026"
 */
export function toVerifiableCredential(record: CredentialRecordV3, otherProofs: readonly unknown[] = []) {
  const proof = merkleProof({
    chainId: record.leaf.chainId,
    registry: record.leaf.registry,
    issuer: record.leaf.issuer,
    index: record.proof.index,
    leaf: record.proof.leaf,
    root: record.proof.root,
    path: record.proof.path,
    salts: Buffer.from(record.salts.slice(2), "hex"),
  });
  return { ...record.credential, proof: [proof, ...otherProofs] };
}

/** A bare v3 VC taken apart: its document (no `proof`), its Merkle proof and its other proofs. */
export interface SplitCredential {
  document: Record<string, unknown>;
  merkle: MerkleProofData;
  otherProofs: unknown[];
}

/**
 * Separates a bare v3 VC's document from its proofs. Throws {@link MerkleProofError} when `proof`
 * is not an array holding exactly one credstack Merkle proof, or that proof is malformed.
 */
export function splitVerifiableCredential(vc: Record<string, unknown>): SplitCredential {
  const { proof, ...document } = vc;
  if (!Array.isArray(proof)) throw new MerkleProofError("A v3 credential's proof must be an array (Open Badges 3.0).", "proof");
  const merkle = proof.filter(isMerkleProof);
  if (merkle.length !== 1) throw new MerkleProofError(`A v3 credential holds exactly one credstack Merkle proof, this one ${merkle.length}.`, "proof");
  return { document, merkle: readMerkleProof(merkle[0]), otherProofs: proof.filter((p) => !isMerkleProof(p)) };
}

/**
 * The record of a bare v3 VC: its leaf recomputed from the document's public facts, its salts and
 * the proof's chain, registry, issuer and index. Throws {@link MerkleProofError} (proof) or
 * {@link ValidationError} (a document lacking what v3 requires, salts that are not one per field).
 * Whether the recomputed leaf is the proof's, and the path leads to the root, is for the verifier.
 */
export function recordFromVerifiableCredential(vc: Record<string, unknown>, source = "credential"): CredentialRecordV3 {
  const { document, merkle } = splitVerifiableCredential(vc);
  return recordOf(document, merkle, source);
}

/**
 * The record of a v3 document given its Merkle proof's data: an OpenBadgeCredential, or a stacked
 * credential (`ClrCredential`, whose facts are its destination achievement's). `lenient`: salts that are not one per
 * field give a zero digest (which no leaf holds) instead of an error, for a verifier to report.
 */
export function recordOf(
  document: Record<string, unknown>,
  merkle: MerkleProofData,
  source = "credential",
  lenient = false,
  known?: CredentialFactsV3,
): CredentialRecordV3 {
  let facts = known;
  if (!facts && isClrCredential(document)) {
    const parsed = parseClrDocument(document);
    if (!parsed.success) throw new ValidationError(source, parsed.issues);
    facts = clrFacts(parsed.data);
  }
  if (!facts) {
    const parsed = parseCredentialV3(document);
    if (!parsed.success) throw new ValidationError(source, parsed.issues);
    facts = credentialFactsV3(parsed.data);
  }
  let credentialDigest: Hex;
  try {
    credentialDigest = credentialDigestWithSalts(document, merkle.salts);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    if (lenient) credentialDigest = `0x${"00".repeat(32)}`;
    else throw new ValidationError(source, [{ field: "proof.proofValue", message: `salts: ${error.message}` }]);
  }
  return {
    format: CREDENTIAL_FORMAT_V3,
    credential: document,
    salts: hexOf(merkle.salts),
    leaf: leafFieldsV3(merkle, facts, credentialDigest),
    proof: { leaf: merkle.leaf, index: merkle.index, path: merkle.path, root: merkle.root },
  };
}

/** The salts a v3 record carries for `document` (from the credential's seed, kept by the issuer). */
export function recordSalts(document: unknown, seed: Hex): Hex {
  return hexOf(saltsFromSeed(document, seed));
}
