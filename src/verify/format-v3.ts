import { credentialRecordV3Schema, type CredentialRecordV3 } from "../batch/format.js";
import { recordOf, splitVerifiableCredential, toVerifiableCredential, type SplitCredential } from "../batch/v3/credential.js";
import { MerkleProofError } from "../batch/v3/merkle-proof.js";
import { loneSurrogateAt } from "../credential/json-shape.js";
import { checksumAddress } from "../credential/keccak.js";
import { validateOpenBadgeCredential } from "../credential/ob3-schema.js";
import { toFieldIssues } from "../credential/schema.js";
import { credentialFactsV3, parseCredentialV3, type CredentialFactsV3 } from "../credential/v3/facts.js";
import type { Address } from "viem";
import { ValidationError, type FieldIssue } from "../credential/errors.js";
import { check, issuesText, type Check, type CredentialSummary } from "./report.js";
import type { ParsedCredential } from "./offline-checks.js";

/**
 * The format check of a v3 credential: a bare W3C VC 2.0 / OB 3.0 credential with a
 * `credstack-merkle-2026` proof (or the SDK's record of one). Pure; never throws.
 */

/** An issuer signature credstack checks (`verifyCredentials`, with `@digitalbazaar/vc`). */
export const isEddsaProof = (p: unknown): boolean =>
  p !== null && typeof p === "object" && (p as { type?: unknown }).type === "DataIntegrityProof" && (p as { cryptosuite?: unknown }).cryptosuite === "eddsa-rdfc-2022";

/** A v3 credential given as the SDK's record (`format: "credstack-credential-v3"`): the record and its bare VC, or a failed check. */
export function verifiableCredentialOfRecord(value: unknown): { vc?: Record<string, unknown>; record?: CredentialRecordV3; check?: Check } {
  const record = credentialRecordV3Schema.safeParse(value);
  if (!record.success) {
    const issues = toFieldIssues(record.error);
    return { check: check("format", "CS-FORMAT-STRUCTURE", `Malformed credential record: ${issuesText(issues)}.`, { issues: issues.slice(0, 20) }) };
  }
  // The document as given (zod's copy drops members such as __proto__): what is hashed is what was sent.
  const credential = (value as { credential: Record<string, unknown> }).credential;
  if (Object.prototype.hasOwnProperty.call(credential, "proof")) {
    return { check: check("format", "CS-FORMAT-STRUCTURE", "Malformed credential record: credential: a record's document holds no proof (the record's proof is its own).") };
  }
  return { vc: toVerifiableCredential({ ...record.data, credential }) as Record<string, unknown>, record: { ...record.data, credential } };
}

/**
 * The first steps of every v3 format check: the document apart from its one credstack Merkle proof
 * (else `CS-FORMAT-MERKLE-PROOF`), and no lone UTF-16 surrogate in any string (else
 * `CS-FORMAT-STRUCTURE`; `text`: the JSON the credential was parsed from).
 */
export function openMerkleCredential(vc: Record<string, unknown>, text?: string): { split: SplitCredential } | { check: Check } {
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
  return { split };
}

/**
 * The record of a v3 document with its leaf facts (`leafFacts`: an OpenBadgeCredential's, or a
 * stacked credential's), and the summary a report shows. Salts that are not one per field (a field
 * added or removed) give `saltsMismatch`, which the integrity check reports.
 */
export function recordAndSummary(
  split: SplitCredential,
  doc: { id: string; name: string; issuer: { name: string }; validFrom: string; validUntil?: string | undefined },
  leafFacts: CredentialFactsV3,
): { file: CredentialRecordV3; saltsMismatch?: string; facts: CredentialFactsV3 & { issuer: Address }; summary: CredentialSummary } {
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
  return { file, ...(saltsMismatch ? { saltsMismatch } : {}), facts, summary };
}

/** Checks a bare v3 VC: its Merkle proof, the formal OB 3.0 schema, the EU elements; builds what the other checks need. */
export function checkFormatV3(vc: Record<string, unknown>, text?: string): { check: Check; parsed?: ParsedCredential } {
  const opened = openMerkleCredential(vc, text);
  if ("check" in opened) return opened;
  const { split } = opened;
  const schemaIssues = validateOpenBadgeCredential(vc);
  if (schemaIssues.length > 0) {
    const message = `The credential does not conform to the Open Badges 3.0 schema: ${issuesText(schemaIssues)}.`;
    return { check: check("format", "CS-FORMAT-OB3-SCHEMA", message, { issues: schemaIssues.slice(0, 20) }) };
  }
  const parsed = parseCredentialV3(split.document);
  if (!parsed.success) {
    const issues = parsed.issues;
    const message = `The credential lacks required EU elements or has malformed ones: ${issuesText(issues)}.`;
    return { check: check("format", "CS-FORMAT-EU-ELEMENTS", message, { issues: issues.slice(0, 20) }) };
  }
  const doc = parsed.data;
  const unreadable = (["validFrom", "validUntil"] as const).filter((k) => doc[k] !== undefined && !Number.isFinite(Date.parse(doc[k]!)));
  if (unreadable.length > 0) {
    const message = `The credential's ${unreadable.join(" and ")} ${unreadable.length === 1 ? "is not a date" : "are not dates"}.`;
    return { check: check("format", "CS-FORMAT-EU-ELEMENTS", message, { issues: unreadable.map((k) => ({ field: k, message: "not a date" })) }) };
  }
  const { file, saltsMismatch, facts, summary } = recordAndSummary(split, doc, credentialFactsV3(doc));
  const achievement = doc.credentialSubject.achievement;
  const signatures = split.otherProofs.filter(isEddsaProof).length;
  const others = split.otherProofs.length - signatures;
  const message =
    `Open Badges 3.0 credential (format v3) with every EU element (${doc.credentialSubject.creditsEarned} ECTS, EQF ${facts.eqfLevel}: ` +
    `${achievement.name}) and a credstack Merkle proof${signatures ? " and an issuer signature (eddsa-rdfc-2022)" : ""}` +
    `${others ? `; ${others} proof${others > 1 ? "s" : ""} of other cryptosuites not checked` : ""}.`;
  return {
    check: check("format", "CS-FORMAT-VALID", message),
    parsed: {
      raw: { credential: split.document },
      file,
      vc: doc,
      facts,
      summary,
      ...(saltsMismatch ? { saltsMismatch } : { digest: file.leaf.credentialDigest }), // recordOf computed it from the document
      ...(split.otherProofs.some(isEddsaProof) ? { signed: vc } : {}),
    },
  };
}
