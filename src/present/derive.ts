import type { Hex } from "viem";
import { CredstackError } from "../credential/errors.js";
import { derivedProof, readBaseProof } from "./derived-proof.js";
import { ATOMIC, docFields, fieldDigestOf, type DocField } from "./fields.js";

/**
 * Selective disclosure (docs/spec.md §14.1–§14.2): from a holder's v3 credential (whose base proof carries every
 * salt), the derived credential that reveals chosen fields (value and own salt) and carries only the digests of the
 * others. No seed is involved: a v3 credential carries none. Browser-safe (no Node API).
 */

/**
 * Friendly field names (`disclose` accepts them beside JSON pointers):
 * - `name`: the learner's hashed name, the `IdentityObject` with `identityType: "name"` in `credentialSubject.identifier`;
 * - `studentId`: the hashed student number, `identityType: "ext:studentId"`;
 * - `grade`: every element of `credentialSubject.result`;
 * - `schema`: every element of `credentialSchema`.
 */
export const FIELD_NAMES = ["name", "studentId", "grade", "schema"] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/**
 * Pointers that always stay revealed: the atomic subtrees, the leaf's public facts (holder, credits, award date; the
 * achievement carries the EQF level), and what a verifier's format and validity checks read (id, title, subject
 * type, validUntil). Subject types are matched by prefix.
 */
export const ALWAYS_REVEALED: readonly string[] = [
  ...ATOMIC, "/id", "/name", "/validFrom", "/validUntil", "/credentialSubject/id", "/credentialSubject/creditsEarned",
  "/credentialSubject/type/",
];

/** A disclosure the derivation refuses: a field that must stay revealed, or one the credential does not have. */
export class DisclosureError extends CredstackError {
  override name = "DisclosureError";
  constructor(shortMessage: string, readonly field: string) {
    super(shortMessage, { details: `field: ${field}` });
  }
}

/** Whether a field must stay revealed (§14.1). */
export const mustReveal = (pointer: string): boolean =>
  ALWAYS_REVEALED.some((r) => (r.endsWith("/") ? pointer.startsWith(r) : pointer === r));

const identityOf = (f: DocField) => (f.value as { identityType?: unknown } | null)?.identityType;

/** The pointers of the fields a name or pointer designates in `fields`; a {@link DisclosureError} for none. */
function pointersOf(fields: DocField[], name: string): string[] {
  const match: Record<FieldName, (f: DocField) => boolean> = {
    name: (f) => f.pointer.startsWith("/credentialSubject/identifier/") && identityOf(f) === "name",
    studentId: (f) => f.pointer.startsWith("/credentialSubject/identifier/") && identityOf(f) === "ext:studentId",
    grade: (f) => f.pointer.startsWith("/credentialSubject/result/"),
    schema: (f) => f.pointer.startsWith("/credentialSchema/"),
  };
  const test = (FIELD_NAMES as readonly string[]).includes(name) ? match[name as FieldName] : (f: DocField) => f.pointer === name;
  const found = fields.filter(test).map((f) => f.pointer);
  if (found.length === 0) throw new DisclosureError(`The credential has no field ${JSON.stringify(name)} (a pointer such as /credentialSubject/result/0, or one of ${FIELD_NAMES.join(", ")}).`, name);
  return found;
}

/** What to disclose of one credential: the fields to reveal (every other hideable one hidden), or to hide. */
export type Disclosure = { reveal: readonly string[] } | { hide: readonly string[] };

/** A derived credential and the pointers it hides. */
export interface DerivedCredential {
  credential: Record<string, unknown>;
  hidden: string[];
}

const unescape = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");

/** Removes the fields at `pointers` (leaf fields), dropping containers left empty by it. */
function removeFields(document: Record<string, unknown>, pointers: readonly string[]): void {
  const byParent = new Map<string, string[]>();
  for (const p of pointers) {
    const cut = p.lastIndexOf("/");
    byParent.set(p.slice(0, cut), [...(byParent.get(p.slice(0, cut)) ?? []), p.slice(cut + 1)]);
  }
  const resolve = (pointer: string) => pointer.split("/").slice(1).map(unescape).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], document);
  // Deepest parents first, so that a parent emptied here is seen empty by its own parent.
  for (const parent of [...byParent.keys()].sort((a, b) => b.split("/").length - a.split("/").length)) {
    const container = resolve(parent) as Record<string, unknown> | unknown[];
    const names = new Set(byParent.get(parent)!.map(unescape));
    if (Array.isArray(container)) {
      const kept = container.filter((_, i) => !names.has(String(i)));
      container.splice(0, container.length, ...kept);
    } else for (const n of names) delete container[n];
    const empty = Array.isArray(container) ? container.length === 0 : Object.keys(container).length === 0;
    if (empty && parent !== "") {
      const cut = parent.lastIndexOf("/");
      byParent.set(parent.slice(0, cut), [...(byParent.get(parent.slice(0, cut)) ?? []), parent.slice(cut + 1)]);
      const grand = resolve(parent.slice(0, cut)) as Record<string, unknown>;
      delete grand[unescape(parent.slice(cut + 1))]; // an array element is a field: its parent is never an array here
    }
  }
}

/**
 * The derived credential of a holder's v3 credential: the document without the hidden fields, and a derived proof
 * (version 2) with each revealed field's pointer and salt and each hidden field's digest. Throws
 * {@link DisclosureError} for a field that must stay revealed or that the credential lacks.
 *
 * @example
 * const { credential } = deriveCredential({ credential: vc, disclose: { hide: ["grade", "name", "studentId"] } });
 * "result" in credential.credentialSubject; // false: only the grade's salted digest is in the proof
 */
export function deriveCredential(params: { credential: Record<string, unknown>; disclose: Disclosure }): DerivedCredential {
  const { proof: _proof, ...rest } = params.credential;
  const base = readBaseProof(params.credential);
  const fields = docFields(rest);
  if ((base.salts.length - 2) / 32 !== fields.length) throw new DisclosureError("The credential's salts do not fit its fields: it was altered.", "proof");
  const salt = (i: number) => `0x${base.salts.slice(2 + 32 * i, 2 + 32 * (i + 1))}` as Hex;
  let hide: Set<string>;
  if ("hide" in params.disclose) {
    hide = new Set(params.disclose.hide.flatMap((n) => pointersOf(fields, n)));
    const refused = [...hide].find(mustReveal);
    if (refused) throw new DisclosureError(`${refused} must stay revealed: the leaf's public facts and the atomic fields cannot be hidden.`, refused);
  } else {
    const reveal = new Set(params.disclose.reveal.flatMap((n) => pointersOf(fields, n)));
    hide = new Set(fields.map((f) => f.pointer).filter((p) => !reveal.has(p) && !mustReveal(p)));
  }
  const shown = fields.map((f, i) => ({ ...f, salt: salt(i) })).filter((f) => !hide.has(f.pointer));
  const hidden = fields.map((f, i) => (hide.has(f.pointer) ? fieldDigestOf(salt(i), f.pointer, f.value) : undefined)).filter((d): d is Hex => !!d);
  const document = structuredClone(rest) as Record<string, unknown>;
  removeFields(document, [...hide]);
  const proof = derivedProof({
    ...base, pointers: shown.map((f) => f.pointer), salts: shown.map((f) => f.salt), hidden: hidden.map((d) => d.toLowerCase() as Hex).sort(),
  });
  return { credential: { ...document, proof: [proof] }, hidden: fields.map((f) => f.pointer).filter((p) => hide.has(p)) };
}
