import { validateClrCredential } from "../credential/clr-schema.js";
import { clrFacts, parseClrDocument } from "../stack/clr/facts.js";
import { isEddsaProof, openMerkleCredential, recordAndSummary } from "./format-v3.js";
import type { ParsedCredential } from "./offline-checks.js";
import { check, issuesText, type Check } from "./report.js";

/**
 * The format check of a stacked credential (a CLR 2.0 `ClrCredential` with a
 * `credstack-merkle-2026` proof, docs/spec.md §12): its Merkle proof, the CLR 2.0 JSON Schema,
 * credstack's CLR profile; builds what the other checks need, and hands over the embedded component
 * credentials, which the verifier checks as credentials of their own. Pure; never throws.
 */
export function checkFormatClr(vc: Record<string, unknown>, text?: string): { check: Check; parsed?: ParsedCredential } {
  const opened = openMerkleCredential(vc, text);
  if ("check" in opened) return opened;
  const { split } = opened;
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
  const { file, saltsMismatch, facts, summary } = recordAndSummary(split, doc, clrFacts(doc));
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
