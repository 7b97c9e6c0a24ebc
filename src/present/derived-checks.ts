import type { Hex } from "viem";
import { CREDENTIAL_FORMAT_V3 } from "../batch/format.js";
import { leafFieldsV3 } from "../batch/leaf.js";
import { digestOfFieldDigests, fieldDigest } from "../credential/disclosure.js";
import { loneSurrogateAt } from "../credential/json-shape.js";
import { validateOpenBadgeCredential } from "../credential/ob3-schema.js";
import { credentialFactsV3, parseCredentialV3 } from "../credential/v3/facts.js";
import { subjectOf } from "../verify/chain-checks.js";
import type { Pending } from "../verify/offline.js";
import { checkInclusion, checkIntegrity, checkValidity, type ParsedCredential } from "../verify/offline-checks.js";
import { check, issuesText, type Check } from "../verify/report.js";
import { DerivedProofError, readDerivedProof, type DerivedProofData } from "./derived-proof.js";
import { docFields } from "./fields.js";

/**
 * The offline checks of a derived credential (docs/spec.md §14.4), as the credential verifier's: format (derived
 * proof, OB 3.0 schema, EU elements with identity objects allowed hidden), integrity (the digest from the revealed
 * values and salts and the hidden digests, the facts, the leaf), inclusion and validity, reusing src/verify. The
 * digests are src/credential's (`fieldDigest`, `digestOfFieldDigests`: the definitions of ./fields.ts, on the hash
 * and the shared canonical forms the credential verifier uses).
 */

/**
 * The pointers the revealed fields had in the original document: an array keeps its revealed elements in their
 * order, so its k-th element is the k-th smallest revealed index under it in the proof. Undefined when the fields
 * of `document` are not exactly the proof's revealed pointers.
 */
function revealedDigests(document: Record<string, unknown>, proof: DerivedProofData): Hex[] | undefined {
  const indices = new Map<string, number[]>();
  for (const p of proof.pointers) {
    const m = /^(.*)\/(0|[1-9][0-9]*)$/.exec(p);
    if (m) indices.set(m[1]!, [...(indices.get(m[1]!) ?? []), Number(m[2])]);
  }
  for (const list of indices.values()) list.sort((a, b) => a - b);
  const fields = docFields(document).map((f) => {
    if (!f.inArray) return f;
    const cut = f.pointer.lastIndexOf("/");
    const original = indices.get(f.pointer.slice(0, cut))?.[Number(f.pointer.slice(cut + 1))];
    return { ...f, pointer: original === undefined ? "" : `${f.pointer.slice(0, cut)}/${original}` };
  });
  const byPointer = new Map(fields.map((f) => [f.pointer, f]));
  if (byPointer.size !== fields.length || fields.length !== proof.pointers.length) return undefined;
  const digests: Hex[] = [];
  for (const [i, pointer] of proof.pointers.entries()) {
    const f = byPointer.get(pointer);
    if (!f) return undefined;
    digests.push(fieldDigest(proof.salts[i]!.toLowerCase() as Hex, pointer, f.value));
  }
  return digests;
}

/** Format of a derived credential (its proof as `read`, if read already): the check, and what the other checks need. */
function checkDerivedFormat(
  vc: Record<string, unknown>,
  read?: DerivedProofData | Error,
): { check: Check; parsed?: ParsedCredential; revealed?: Hex[] } {
  let proof: DerivedProofData;
  try {
    if (read instanceof Error) throw read;
    proof = read ?? readDerivedProof(vc);
  } catch (error) {
    if (!(error instanceof DerivedProofError)) throw error;
    return { check: check("format", "CS-FORMAT-MERKLE-PROOF", error.shortMessage, { field: error.field }) };
  }
  const { proof: _proof, ...document } = vc;
  const lone = loneSurrogateAt(vc);
  if (lone !== undefined) return { check: check("format", "CS-FORMAT-STRUCTURE", `A string at ${lone.slice(0, 200)} holds a lone UTF-16 surrogate.`) };
  const schemaIssues = validateOpenBadgeCredential(vc);
  if (schemaIssues.length > 0) {
    return { check: check("format", "CS-FORMAT-OB3-SCHEMA", `The credential does not conform to the Open Badges 3.0 schema: ${issuesText(schemaIssues)}.`) };
  }
  const parsed = parseCredentialV3(document, { derived: true });
  if (!parsed.success) {
    return { check: check("format", "CS-FORMAT-EU-ELEMENTS", `The credential lacks required EU elements or has malformed ones: ${issuesText(parsed.issues)}.`) };
  }
  const doc = parsed.data;
  const facts = { ...credentialFactsV3(doc), issuer: proof.issuer };
  let revealed: Hex[] | undefined;
  try {
    revealed = revealedDigests(document, proof);
  } catch {
    revealed = undefined; // a value with no JSON form
  }
  const digest = revealed ? digestOfFieldDigests([...revealed, ...proof.hidden]) : (`0x${"00".repeat(32)}` as Hex);
  const leaf = leafFieldsV3(proof, facts, digest);
  const file = {
    format: CREDENTIAL_FORMAT_V3,
    credential: document,
    salts: `0x${proof.salts.map((s) => s.slice(2)).join("")}` as Hex,
    leaf,
    proof: { leaf: proof.leaf, index: proof.index, path: proof.path, root: proof.root },
  } as ParsedCredential["file"];
  const summary = {
    id: doc.id, title: doc.name, issuer: { name: doc.issuer.name, address: proof.issuer }, holder: facts.holder, validFrom: doc.validFrom,
    ...(doc.validUntil ? { validUntil: doc.validUntil } : {}), chainId: proof.chainId, registry: proof.registry, root: proof.root, index: proof.index,
  };
  const message = `Derived Open Badges 3.0 credential (format v3): ${proof.pointers.length} fields revealed, ${proof.hidden.length} hidden.`;
  return {
    check: check("format", "CS-FORMAT-VALID", message, { revealed: proof.pointers, hidden: proof.hidden.length }),
    parsed: { raw: { credential: document }, file, vc: doc, facts, summary, digest },
    ...(revealed ? { revealed } : {}),
  };
}

/**
 * A derived credential that reveals no `validUntil` but hides fields: the leaf does not bind `validUntil` (spec
 * §14.6), so the verifier cannot tell "no expiry" from "expiry hidden". The check stays VALID (credentials without an
 * expiry exist) and says so, with `details.expiryUnproven`, for a verifier to act on (the page shows a warning).
 */
function withUnprovenExpiry(validity: Check, hidden: number, validUntil: string | undefined): Check {
  if (validity.code !== "CS-VALIDITY-VALID" || validUntil !== undefined || hidden === 0) return validity;
  const message = `${validity.message} No end of validity is revealed, and ${hidden} field(s) are hidden: the leaf ` +
    "does not bind validUntil, so an expiry could be among them (spec §14.6). If expiry matters, ask for the full credential.";
  return check("validity", "CS-VALIDITY-VALID", message, { ...validity.details, expiryUnproven: true });
}

/**
 * Format, integrity, inclusion and (intact) validity of a derived credential, as a {@link Pending} the chain checks
 * of src/verify complete. A revealed value, salt or pointer that does not lead to the leaf is
 * `CS-INTEGRITY-DISCLOSED-MISMATCH`. `proof`: what {@link readDerivedProof} gave for `vc` (its data or its error),
 * when the caller read it already (a presentation's verifier reads each proof once). Never throws.
 */
export function derivedOfflineChecks(vc: unknown, at: number, proof?: DerivedProofData | Error): Pending {
  try {
    if (vc === null || typeof vc !== "object" || Array.isArray(vc)) {
      return { checks: [check("format", "CS-FORMAT-STRUCTURE", "A presented credential must be a JSON object.")], intact: false };
    }
    const format = checkDerivedFormat(vc as Record<string, unknown>, proof);
    if (!format.parsed) return { checks: [format.check], intact: false };
    const p = format.parsed;
    let integrity = format.revealed
      ? checkIntegrity(p)
      : check("integrity", "CS-INTEGRITY-DISCLOSED-MISMATCH", "The revealed fields are not those the derived proof names (a field was added, removed or moved).");
    if (integrity.code === "CS-INTEGRITY-LEAF-MISMATCH") {
      integrity = check("integrity", "CS-INTEGRITY-DISCLOSED-MISMATCH", "The revealed values, their salts and the hidden digests do not give the leaf: a revealed value was altered.", integrity.details);
    }
    const inclusion = checkInclusion(p);
    const intact = integrity.status === "VALID" && inclusion.status === "VALID";
    const checks = [format.check, integrity, inclusion];
    if (intact) checks.push(withUnprovenExpiry(checkValidity(p, at), Number(format.check.details?.hidden ?? 0), p.vc.validUntil));
    return { checks, summary: p.summary, ...(intact ? { subject: subjectOf(p) } : {}), intact };
  } catch (error) {
    return { checks: [check("format", "CS-INTERNAL-ERROR", `Verification failed unexpectedly: ${(error as Error)?.message ?? String(error)}`)], intact: false };
  }
}
