import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { docFields } from "../../../present/fields.js";

/**
 * What a presented credential discloses (docs/spec.md §14.1–§14.2), named for people: its revealed fields by their
 * pointer in the original credential with the values of the learner's (name, student number, grade, schema), and its
 * hidden ones. A derived proof gives the revealed pointers and only a count of the hidden; the hidden ones are named
 * from credstack's credential profile (identifier 0 the name, 1 the student number, result 0 the grade, schema 0)
 * when the count accounts for exactly the friendly fields missing, else counted. No DOM: plain data for the view.
 */

/** The friendly fields a holder may hide (src/present/derive.ts `FIELD_NAMES`). */
export type FriendlyName = "name" | "studentId" | "grade" | "schema";

/** A hashed (or plain) OB 3.0 identity object as the credential carries it. */
export interface Identity {
  hashed: boolean;
  identityHash: string;
  salt?: string;
}

/** One field of the disclosure. */
export interface FieldView {
  /** Its pointer in the original credential; `undefined` for hidden fields that cannot be named. */
  pointer?: string;
  name?: FriendlyName;
  label: string;
  hidden: boolean;
  /** What a person reads: the grade with its scale, an identity's hash, a short value. */
  value?: string;
  identity?: Identity;
}

/** What one credential discloses, for the view. */
export interface DisclosureView {
  /** The learner's fields, revealed or hidden, in the order name, student number, grade, schema. */
  subject: FieldView[];
  /** Hidden fields that cannot be named, and, when ambiguous, which friendly fields they may be. */
  unnamedHidden: number;
  maybe: FriendlyName[];
  /** Every other revealed field (public facts, achievement, …). */
  other: FieldView[];
  /** Total revealed and hidden. */
  revealedCount: number;
  hiddenCount: number;
}

/** The words a person reads for each friendly field. */
export const FRIENDLY_LABELS: Record<FriendlyName, string> = {
  name: "Name",
  studentId: "Student number",
  grade: "Grade",
  schema: "Schema reference",
};

/** Where credstack's issued credentials put each friendly field (src/credential/v3/build.ts, identity.ts). */
const PROFILE_SLOTS: Record<FriendlyName, string> = {
  name: "/credentialSubject/identifier/0",
  studentId: "/credentialSubject/identifier/1",
  grade: "/credentialSubject/result/0",
  schema: "/credentialSchema/0",
};
const ORDER: FriendlyName[] = ["name", "studentId", "grade", "schema"];

const unescape = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The value at an original `pointer` in a derived `document` whose revealed pointers are `revealed`: an array keeps
 * its revealed elements in order, so original index i is at the rank of i among the revealed indices under it.
 */
export function valueAt(document: unknown, pointer: string, revealed: readonly string[]): unknown {
  let value: unknown = document;
  let prefix = "";
  for (const segment of pointer.split("/").slice(1).map(unescape)) {
    if (Array.isArray(value)) {
      const here = prefix;
      const i = Number(segment);
      const indices = revealed
        .filter((p) => p.startsWith(`${here}/`))
        .map((p) => Number(p.slice(here.length + 1).split("/")[0]));
      value = value[indices.filter((k) => k < i).length];
    } else if (isRecord(value)) value = value[segment];
    else return undefined;
    prefix += `/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`;
  }
  return value;
}

/** The friendly name of a revealed field from its pointer and value, if it is one. */
function friendlyOf(pointer: string, value: unknown): FriendlyName | undefined {
  if (pointer.startsWith("/credentialSubject/identifier/") && isRecord(value)) {
    if (value.identityType === "name") return "name";
    if (value.identityType === "ext:studentId" || value.identityType === "studentId") return "studentId";
    return undefined;
  }
  if (/^\/credentialSubject\/result\/\d+$/.test(pointer)) return "grade";
  if (/^\/credentialSchema\/\d+$/.test(pointer)) return "schema";
  return undefined;
}

/** A short text of a value for people (at most `max` characters). */
export function shortText(value: unknown, max = 120): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The grade with its scale's name, from the achievement's result descriptions. */
function gradeText(result: unknown, document: Record<string, unknown>): string {
  if (!isRecord(result)) return shortText(result);
  const achievement = (document.credentialSubject as { achievement?: { resultDescription?: unknown } } | undefined)
    ?.achievement;
  const scales = Array.isArray(achievement?.resultDescription) ? achievement.resultDescription : [];
  const scale = scales.find((d) => isRecord(d) && d.id === result.resultDescription) as { name?: unknown } | undefined;
  const value = typeof result.value === "string" ? result.value : shortText(result.value ?? result);
  return typeof scale?.name === "string" ? `${value} (${scale.name})` : value;
}

function identityOf(value: unknown): Identity | undefined {
  if (!isRecord(value) || typeof value.identityHash !== "string") return undefined;
  return {
    hashed: value.hashed === true,
    identityHash: value.identityHash,
    ...(typeof value.salt === "string" ? { salt: value.salt } : {}),
  };
}

/**
 * The disclosure of a credential: `disclosed` from a presentation report (revealed original pointers, hidden count)
 * for a derived credential, or undefined for a full credential (every field revealed).
 *
 * @example
 * describeDisclosure(vc, { revealed, hidden: 1 }).subject.find((f) => f.name === "grade")?.hidden; // true
 */
export function describeDisclosure(
  credential: Record<string, unknown>,
  disclosed?: { revealed: readonly string[]; hidden: number }
): DisclosureView {
  const { proof: _proof, ...document } = credential;
  let revealed: string[];
  try {
    revealed = disclosed ? [...disclosed.revealed] : docFields(document).map((f) => f.pointer);
  } catch {
    revealed = [];
  }
  const hiddenCount = disclosed?.hidden ?? 0;
  const subject: FieldView[] = [];
  const other: FieldView[] = [];
  const seen = new Set<FriendlyName>();
  for (const pointer of revealed) {
    const value = valueAt(document, pointer, revealed);
    const name = friendlyOf(pointer, value);
    if (!name) {
      other.push({ pointer, label: pointer, hidden: false, value: shortText(value) });
      continue;
    }
    seen.add(name);
    const identity = name === "name" || name === "studentId" ? identityOf(value) : undefined;
    const text =
      name === "grade"
        ? gradeText(value, document)
        : identity
        ? identity.hashed
          ? `hashed (${shortText(identity.identityHash, 24)})`
          : identity.identityHash
        : shortText(isRecord(value) && typeof value.id === "string" ? value.id : value);
    subject.push({
      pointer,
      name,
      label: FRIENDLY_LABELS[name],
      hidden: false,
      value: text,
      ...(identity ? { identity } : {}),
    });
  }
  const absent = ORDER.filter((n) => !seen.has(n));
  let unnamedHidden = hiddenCount;
  let maybe: FriendlyName[] = [];
  if (absent.length > 0 && absent.length <= hiddenCount) {
    const free = freeIdentifierSlots(revealed);
    for (const name of absent) {
      const pointer = name === "name" || name === "studentId" ? free.shift() : PROFILE_SLOTS[name];
      subject.push({
        ...(pointer && !revealed.includes(pointer) ? { pointer } : {}),
        name,
        label: FRIENDLY_LABELS[name],
        hidden: true,
      });
    }
    unnamedHidden = hiddenCount - absent.length;
  } else if (hiddenCount > 0) {
    maybe = absent;
  }
  subject.sort((a, b) => ORDER.indexOf(a.name!) - ORDER.indexOf(b.name!));
  return { subject, unnamedHidden, maybe, other, revealedCount: revealed.length, hiddenCount };
}

/** The profile's identifier slots (0: name, 1: student number) not among the revealed pointers, in order. */
function freeIdentifierSlots(revealed: readonly string[]): string[] {
  return [PROFILE_SLOTS.name, PROFILE_SLOTS.studentId].filter((p) => !revealed.includes(p));
}

/**
 * OB 3.0 `identityHash` of a plain identifier: `sha256$` and the hex SHA-256 of the UTF-8 identifier with the salt
 * appended (src/credential/v3/identity.ts), for checking a name or number a person gives against the credential.
 */
export function identityHashOf(identifier: string, salt: string): string {
  return `sha256$${bytesToHex(sha256(new TextEncoder().encode(identifier + salt)))}`;
}

/** Whether `identifier` (as typed: trimmed) is the one `identity` names. */
export function identityMatches(identity: Identity, identifier: string): boolean {
  const typed = identifier.trim();
  if (!identity.hashed) return identity.identityHash === typed;
  return identity.salt !== undefined && identityHashOf(typed, identity.salt) === identity.identityHash;
}
