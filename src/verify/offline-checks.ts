import type { Hex } from "viem";
import { checksumAddress } from "../credential/keccak.js";
import { CREDENTIAL_FORMAT_V3, CREDENTIAL_FORMATS, legacyCredentialFileSchema, schemeOf, type CredentialFile } from "../batch/format.js";
import { achievementIdOf, leafHash } from "../batch/leaf.js";
import { MerkleBatchTree } from "../batch/tree.js";
import { microCredentialSchema, credentialFacts, type CredentialFacts, type MicroCredentialInput } from "../credential/credential-schema.js";
import { credentialDigest, credentialDigestWithSalts } from "../credential/disclosure.js";
import { checkFormatV3, verifiableCredentialOfRecord } from "./format-v3.js";
import { checkFormatClr } from "./format-clr.js";
import { isClrCredential } from "../stack/clr/facts.js";
import { validateOpenBadgeCredential } from "../credential/ob3-schema.js";
import { scanJson } from "../credential/json-shape.js";
import { toFieldIssues } from "../credential/schema.js";
import type { FieldIssue } from "../credential/errors.js";
import { isoTime } from "../chain/records.js";
import { check, issuesText, sameHex, type Check, type CredentialSummary } from "./report.js";

/**
 * The checks that need no chain: format, integrity, inclusion and the validity window. Pure
 * functions of the credential file (and the verification time); they never throw.
 */

/** Largest credential file accepted (bytes of JSON text). A credential is a few KiB. */
export const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/**
 * Deepest nesting accepted in a credential file (its own object is depth 1). A credstack file nests 7
 * deep; 1EdTech's complete OB 3.0 example credential (endorsements, evidence, alignments, proof) 10,
 * 11 inside a credstack file.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Most values accepted in a credential file: scalars plus empty objects and arrays, each a field of
 * the salted digest. A credstack file holds about 75 (and a proof of at most 64 hashes); 1EdTech's
 * complete OB 3.0 example credential 377.
 */
export const MAX_JSON_VALUES = 2000;

/** What the checks read of a credential document, whatever its format. */
export interface CheckedDocument {
  id: string;
  name: string;
  issuer: { id: string; name: string; address: { addressCountryCode: string; addressRegion?: unknown } };
  validFrom: string;
  validUntil?: string;
}

/** A credential that passed the format check, with what the other checks need. */
export interface ParsedCredential {
  /** The leaf hash of `file.leaf`, computed once by {@link checkIntegrity}. */
  leafHash?: Hex;
  /** The credential document as parsed from JSON: what the digest is computed over. */
  raw: { credential: Record<string, unknown> };
  /** The credential file (v1, v2) or the record of the v3 credential. */
  file: CredentialFile;
  vc: CheckedDocument;
  facts: CredentialFacts;
  summary: CredentialSummary;
  /** v3: why the proof's salts do not fit the document's fields (a field added or removed). */
  saltsMismatch?: string;
  /** v3 with an issuer signature: the credential as given (its proofs too), for the signature check. */
  signed?: Record<string, unknown>;
  /** v3 bare VC: the digest of the document under the proof's salts, computed once while parsing (the leaf's). */
  digest?: Hex;
  /** A stacked credential (ClrCredential): its embedded component credentials, verified apart. */
  components?: Record<string, unknown>[];
}

/** What {@link checkFormat} accepts: JSON text, its bytes, or an already parsed value. */
export type CredentialInput = string | Uint8Array | unknown;

/** A cheap pre-test for number literals that may overflow a double (a long exponent or 300+ digits). */
const MAYBE_HUGE_NUMBER = /[eE][+]?\d{3}|\d{300}/;

function hasNonFiniteNumber(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(hasNonFiniteNumber);
}

/**
 * Parses and validates a credential file: size, shape of the JSON text (nesting depth, number of values,
 * no repeated key), JSON, format version, file structure, the credential's OB 3.0 shape and its EU
 * mandatory elements, and (files of the current format) the official OB 3.0 JSON Schema. Credentials
 * of older formats keep verifying under the rules they were issued with. `fileSize` is the size of the
 * file the input was read from, when known (a reader stops after `maxBytes + 1` bytes).
 */
export function checkFormat(
  input: CredentialInput,
  maxBytes = MAX_CREDENTIAL_BYTES,
  fileSize?: number,
): { check: Check; parsed?: ParsedCredential } {
  let text: string;
  if (typeof input === "string" || input instanceof Uint8Array) {
    const read = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
    const size = Math.max(read, fileSize ?? 0);
    if (size > maxBytes) {
      return { check: check("format", "CS-FORMAT-TOO-LARGE", `The file is ${size} bytes; a credential file is at most ${maxBytes}.`, { size, maxBytes }) };
    }
    text = typeof input === "string" ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("utf8");
  } else if (input !== null && typeof input === "object") {
    // An object from the caller: held to what JSON can say (no cycles, no bigint; what the digest
    // is computed over is what a file with this content would give).
    let json: string | undefined;
    try {
      json = JSON.stringify(input);
    } catch (error) {
      return { check: check("format", "CS-FORMAT-STRUCTURE", `Not a JSON document: ${(error as Error).message.split("\n")[0]}.`) };
    }
    if (json === undefined) return { check: check("format", "CS-FORMAT-STRUCTURE", "Not a JSON document.") };
    text = json;
  } else {
    return { check: check("format", "CS-FORMAT-STRUCTURE", "Not a credstack credential file: expected a JSON object.") };
  }
  // Before parsing: the scan stops at its limits, so a hostile file costs little more than a genuine one.
  const shape = scanJson(text, { maxDepth: MAX_JSON_DEPTH, maxValues: MAX_JSON_VALUES });
  if (shape.exceeded === "depth") {
    const message = `The file nests deeper than ${MAX_JSON_DEPTH} levels; a credential file nests about 7.`;
    return { check: check("format", "CS-FORMAT-TOO-DEEP", message, { maxDepth: MAX_JSON_DEPTH }) };
  }
  if (shape.exceeded === "values") {
    const message = `The file holds more than ${MAX_JSON_VALUES} values; a credential file holds about 75.`;
    return { check: check("format", "CS-FORMAT-TOO-MANY-VALUES", message, { maxValues: MAX_JSON_VALUES }) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text); // within the limits: costs about what the scan did
  } catch (error) {
    return { check: check("format", "CS-FORMAT-MALFORMED-JSON", `Not valid JSON: ${(error as Error).message}.`) };
  }
  // JSON.parse keeps the last of two equal keys: the file would show one value and verify by another.
  // Checked once the text is known to be JSON: on other text the scan's keys mean nothing (a stray
  // quote turns values into keys), and the file is malformed, not a file with a repeated key.
  if (shape.duplicateKey !== undefined) {
    const pointer = shape.duplicateKey.slice(0, 200);
    const message = `The key at ${pointer} appears twice in its object: a credential file names each field once.`;
    return { check: check("format", "CS-FORMAT-DUPLICATE-KEY", message, { pointer }) };
  }
  // A number literal beyond double range parses to ±Infinity, which has no JSON form of its own.
  if (MAYBE_HUGE_NUMBER.test(text) && hasNonFiniteNumber(value)) {
    return { check: check("format", "CS-FORMAT-STRUCTURE", "A number is out of range (it parses to Infinity).") };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { check: check("format", "CS-FORMAT-STRUCTURE", "Not a credstack credential file: expected a JSON object.") };
  }
  const format = (value as { format?: unknown }).format;
  if (format === undefined && "@context" in value) {
    return isClrCredential(value) ? checkFormatClr(value as Record<string, unknown>, text) : checkFormatV3(value as Record<string, unknown>, text);
  }
  if (format === CREDENTIAL_FORMAT_V3) {
    const { vc, record, check: failed } = verifiableCredentialOfRecord(value);
    if (failed) return { check: failed };
    // The checks hold a record to its own leaf, as a v1/v2 file: a leaf contradicting the
    // credential fails integrity or inclusion instead of being recomputed away.
    const result = checkFormatV3(vc!);
    if (!result.parsed) return result;
    // The record's own leaf: its digest is recomputed from the document, not taken from the parse.
    const { digest: _fromParse, ...parsed } = result.parsed;
    return { ...result, parsed: { ...parsed, file: record! } };
  }
  if (!(CREDENTIAL_FORMATS as readonly unknown[]).includes(format)) {
    return {
      check: check(
        "format",
        "CS-FORMAT-UNKNOWN-VERSION",
        format === undefined
          ? `Not a credstack credential: neither a v3 credential (a VC with "@context") nor a credential file with "format" (one of ${CREDENTIAL_FORMATS.join(", ")}).`
          : `Unknown credential file format ${JSON.stringify(format)?.slice(0, 80)} (this verifier reads ${CREDENTIAL_FORMATS.join(", ")}).`,
        { format: typeof format === "string" ? format.slice(0, 80) : null },
      ),
    };
  }
  const file = legacyCredentialFileSchema.safeParse(value);
  if (!file.success) {
    const issues = toFieldIssues(file.error);
    return { check: check("format", "CS-FORMAT-STRUCTURE", `Malformed credential file: ${issuesText(issues)}.`, { issues: issues.slice(0, 20) }) };
  }
  const raw = value as ParsedCredential["raw"];
  const vc = microCredentialSchema.safeParse(raw.credential);
  if (!vc.success) {
    const issues = toFieldIssues(vc.error).map((i) => ({ ...i, field: `credential.${i.field}` }));
    return {
      check: check("format", "CS-FORMAT-EU-ELEMENTS", `The credential lacks required elements or has malformed ones: ${issuesText(issues)}.`, { issues: issues.slice(0, 20) }),
    };
  }
  // The date-time syntax admits what no calendar holds (an offset of +99:00): such a window would never close.
  const unreadable = (["validFrom", "validUntil"] as const).filter((k) => vc.data[k] !== undefined && !Number.isFinite(Date.parse(vc.data[k]!)));
  if (unreadable.length > 0) {
    return {
      check: check("format", "CS-FORMAT-EU-ELEMENTS", `The credential's ${unreadable.join(" and ")} ${unreadable.length === 1 ? "is not a date" : "are not dates"}.`, {
        issues: unreadable.map((k) => ({ field: `credential.${k}`, message: "not a date" })),
      }),
    };
  }
  if (file.data.format !== CREDENTIAL_FORMATS[0]) {
    const issues = validateOpenBadgeCredential(raw.credential).map((i) => ({ ...i, field: `credential.${i.field}` }));
    if (issues.length > 0) {
      return {
        check: check("format", "CS-FORMAT-OB3-SCHEMA", `The credential does not conform to the Open Badges 3.0 schema: ${issuesText(issues)}.`, { issues: issues.slice(0, 20) }),
      };
    }
  }
  const facts = credentialFacts(vc.data);
  const { leaf, proof } = file.data;
  const summary: CredentialSummary = {
    id: vc.data.id,
    title: vc.data.name,
    issuer: { name: vc.data.issuer.name, address: facts.issuer },
    holder: facts.holder,
    validFrom: vc.data.validFrom,
    ...(vc.data.validUntil ? { validUntil: vc.data.validUntil } : {}),
    chainId: leaf.chainId,
    registry: checksumAddress(leaf.registry),
    root: proof.root,
    index: leaf.index,
  };
  const eu = vc.data.credentialSubject.achievement.euMicroCredential;
  return {
    check: check("format", "CS-FORMAT-VALID", `${file.data.format} file with an OB 3.0 credential and every EU element (${eu.workloadEcts} ECTS, EQF ${eu.eqfLevel}).`),
    parsed: { raw, file: file.data, vc: vc.data, facts, summary },
  };
}

const leafOf = (p: ParsedCredential): Hex => (p.leafHash ??= leafHash(p.file.leaf));

/**
 * Integrity: the disclosed fields and their salts give the credential digest in the leaf; the leaf's
 * public fields are the credential's own (holder, achievement, credits, EQF level, award time,
 * chain); and the leaf fields hash to the proof's leaf.
 */
export function checkIntegrity(p: ParsedCredential): Check {
  const { file, facts } = p;
  if (p.saltsMismatch !== undefined) {
    return check("integrity", "CS-INTEGRITY-DIGEST-MISMATCH", `The proof's salts do not fit the credential's fields (${p.saltsMismatch}): a field was added or removed.`);
  }
  let digest: Hex;
  try {
    digest = file.format !== CREDENTIAL_FORMAT_V3
      ? credentialDigest(p.raw.credential, file.saltSeed, schemeOf(file.format))
      : (p.digest ?? credentialDigestWithSalts(p.raw.credential, Buffer.from(file.salts.slice(2), "hex")));
  } catch {
    // Only values JSON cannot represent get here (a number such as 1e999 parses to Infinity).
    return check("integrity", "CS-INTEGRITY-DIGEST-MISMATCH", "The credential holds a value with no canonical JSON form (e.g. a number out of range): it cannot match its digest.");
  }
  if (!sameHex(digest, file.leaf.credentialDigest)) {
    return check("integrity", "CS-INTEGRITY-DIGEST-MISMATCH", "The credential's fields and salts do not give the digest in its leaf: the credential or its salts were altered.", {
      expected: file.leaf.credentialDigest,
      actual: digest,
    });
  }
  // A did:pkh issuer names its chain and account: the leaf's (v3: the proof's issuer account).
  const pkh = /^did:pkh:eip155:([0-9]+):(0x[0-9a-fA-F]{40})$/.exec(p.vc.issuer.id);
  const issuerChain = pkh ? Number(pkh[1]) : file.leaf.chainId;
  const expected: [field: string, leafValue: string | number, credentialValue: string | number][] = [
    ["holder", file.leaf.holder, facts.holder],
    ["achievementId", file.leaf.achievementId, achievementIdOf(facts.achievementUri)],
    ["creditsCenti", file.leaf.creditsCenti, facts.creditsCenti],
    ["eqfLevel", file.leaf.eqfLevel, facts.eqfLevel],
    ["awardedAt", file.leaf.awardedAt, facts.awardedAt],
    ["chainId", file.leaf.chainId, facts.chainId],
    ["chainId", file.leaf.chainId, issuerChain],
    ...(file.format === CREDENTIAL_FORMAT_V3 && pkh ? [["issuer", file.leaf.issuer, pkh[2]!] as [string, string, string]] : []),
  ];
  const wrong = expected.filter(([, a, b]) => (typeof a === "string" && typeof b === "string" ? !sameHex(a, b) : a !== b));
  if (wrong.length > 0) {
    const fields = [...new Set(wrong.map(([f]) => `leaf.${f}`))];
    return check("integrity", "CS-INTEGRITY-FACTS-MISMATCH", `The leaf's public fields do not match the credential: ${fields.join(", ")}.`, { fields });
  }
  const leaf = leafOf(p);
  if (!sameHex(leaf, file.proof.leaf)) {
    const message = file.format === CREDENTIAL_FORMAT_V3
      ? "The credential's fields, salts and public facts do not hash to the leaf its proof names: the credential was altered."
      : "The leaf fields (chain, registry, index, …) do not hash to the proof's leaf.";
    return check("integrity", "CS-INTEGRITY-LEAF-MISMATCH", message, { expected: file.proof.leaf, actual: leaf });
  }
  return check("integrity", "CS-INTEGRITY-VALID", "Fields and salts give the digest; the digest and the public fields give the leaf.");
}

/** Inclusion: the leaf and the proof path lead to the root, at the leaf's own index. */
export function checkInclusion(p: ParsedCredential): Check {
  const { leaf, proof } = p.file;
  if (leaf.index !== proof.index) {
    return check("inclusion", "CS-INCLUSION-INDEX-MISMATCH", `The proof is for index ${proof.index}, the leaf binds index ${leaf.index}.`, {
      leafIndex: leaf.index,
      proofIndex: proof.index,
    });
  }
  if (!MerkleBatchTree.verify(proof.root, leafOf(p), proof.path)) {
    return check("inclusion", "CS-INCLUSION-ROOT-MISMATCH", `The proof path does not lead from the leaf to the root ${proof.root}.`, { root: proof.root });
  }
  return check("inclusion", "CS-INCLUSION-VALID", `The leaf is credential ${leaf.index} of the batch with root ${proof.root.slice(0, 10)}…${proof.root.slice(-4)} (proof of ${proof.path.length} hashes).`, { root: proof.root });
}

/** Validity window: `validFrom <= at < validUntil` (`at` in unix seconds). */
export function checkValidity(p: ParsedCredential, at: number): Check {
  const from = Math.floor(Date.parse(p.vc.validFrom) / 1000);
  const until = p.vc.validUntil ? Math.floor(Date.parse(p.vc.validUntil) / 1000) : undefined;
  if (at < from) {
    return check("validity", "CS-VALIDITY-NOT-YET-VALID", `Not valid before ${p.vc.validFrom} (verification time ${isoTime(at)}).`, { validFrom: p.vc.validFrom, at: isoTime(at) });
  }
  if (until !== undefined && at >= until) {
    return check("validity", "CS-VALIDITY-EXPIRED", `Expired on ${p.vc.validUntil} (verification time ${isoTime(at)}).`, { validUntil: p.vc.validUntil, at: isoTime(at) });
  }
  return check("validity", "CS-VALIDITY-VALID", until !== undefined ? `Valid from ${p.vc.validFrom} until ${p.vc.validUntil}.` : `Valid from ${p.vc.validFrom}, no expiry.`);
}
