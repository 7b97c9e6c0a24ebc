import { recordOf, splitVerifiableCredential, type SplitCredential } from "../batch/v3/credential.js";
import { MerkleProofError } from "../batch/v3/merkle-proof.js";
import { validateClrCredential } from "../credential/clr-schema.js";
import { ValidationError } from "../credential/errors.js";
import { loneSurrogateAt } from "../credential/json-shape.js";
import { checksumAddress } from "../credential/keccak.js";
import { clrFacts, parseClrDocument } from "../stack/clr/facts.js";
import { isEddsaProof } from "./format-v3.js";
import type { ParsedCredential } from "./offline-checks.js";
import { check, issuesText, type Check, type CredentialSummary } from "./report.js";

/**
 * The format check of a stacked credential (a CLR 2.0 `ClrCredential` with a
 * `credstack-merkle-2026` proof, docs/spec.md §12): its Merkle proof, the CLR 2.0 JSON Schema,
 * credstack's CLR profile; builds what the other checks need, and hands over the embedded component
 * credentials, which the verifier checks as credentials of their own. Pure; never throws.
 */
export function checkFormatClr(vc: Record<string, unknown>, text?: string): { check: Check; parsed?: ParsedCredential } {
  let split: SplitCredential;
  try {
    split = splitVerifiableCredential(vc);
  } catch (error) {
    if (!(error instanceof MerkleProofError)) throw error;
    return { check: check("format", "CS-FORMAT-MERKLE-PROOF", error.shortMessage, { field: error.field }) };
  }
  const lone = loneSurrogateAt(vc, "", text);
  if (lone !== undefined) {
    return { check: check("format", "CS-FORMAT-STRUCTURE", `A string at ${lone.slice(0, 200)} holds a lone UTF-16 surrogate (not I-JSON, RFC 7493).`, { pointer: lone.slice(0, 200) }) };
  }
  const schemaIssues = validateClrCredential(vc);
  if (schemaIssues.length > 0) {
    const message = `The stacked credential does not conform to the CLR 2.0 schema: ${issuesText(schemaIssues)}.`;
    return { check: check("format", "CS-FORMAT-CLR-SCHEMA", message, { issues: schemaIssues.slice(0, 20) }) };
  }
  const parsed = parseClrDocument(split.document);
  if (!parsed.success) {
    const message = `The stacked credential is not as credstack issues them (destination, associations, components): ${issuesText(parsed.issues)}.`;
    return { check: check("format", "CS-FORMAT-CLR-PROFILE", message, { issues: parsed.issues.slice(0, 20) }) };
  }
  const doc = parsed.data;
  const leafFacts = clrFacts(doc);
  const { merkle } = split;
  let file;
  let saltsMismatch: string | undefined;
  try {
    file = recordOf(split.document, merkle, "credential", false, leafFacts);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    saltsMismatch = error.issues[0]?.message ?? "salts do not match the fields";
    file = recordOf(split.document, merkle, "credential", true, leafFacts);
  }
  const facts = { ...leafFacts, issuer: merkle.issuer };
  const summary: CredentialSummary = {
    id: doc.id,
    title: doc.name,
    issuer: { name: doc.issuer.name, address: merkle.issuer },
    holder: facts.holder,
    validFrom: doc.validFrom,
    ...(doc.validUntil ? { validUntil: doc.validUntil } : {}),
    chainId: merkle.chainId,
    registry: checksumAddress(merkle.registry),
    root: merkle.root,
    index: merkle.index,
  };
  const components = doc.credentialSubject.verifiableCredential;
  const signatures = split.otherProofs.filter(isEddsaProof).length;
  const message =
    `CLR 2.0 stacked credential (format v3): ${doc.name}, EQF ${facts.eqfLevel}, ${facts.creditsCenti / 100} ECTS counted, ` +
    `${components.length} component credential${components.length === 1 ? "" : "s"} embedded, and a credstack Merkle proof` +
    `${signatures ? " and an issuer signature (eddsa-rdfc-2022)" : ""}.`;
  return {
    check: check("format", "CS-FORMAT-VALID", message),
    parsed: {
      raw: { credential: split.document },
      file,
      vc: doc,
      facts,
      summary,
      components,
      ...(saltsMismatch ? { saltsMismatch } : { digest: file.leaf.credentialDigest }),
      ...(signatures ? { signed: vc } : {}),
    },
  };
}
