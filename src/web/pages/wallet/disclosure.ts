import type { Sdk } from "./context.js";

/**
 * What of a credential a holder may hide when presenting it (docs/spec.md §14.1), grouped as a person thinks of
 * it: the hashed name, the hashed student number, the grade, the schema reference (the SDK's friendly names), and
 * any other hideable field by its JSON pointer. The rest (title, issuer, achievement, holder, dates) always stays
 * revealed: a verifier's checks read it.
 */

/** One choice: a friendly field name (or a pointer) `deriveCredential` accepts, and how to say it. */
export interface FieldGroup {
  /** What `disclose.reveal` takes: `name`, `studentId`, `grade`, `schema`, or a JSON pointer. */
  key: string;
  label: string;
  /** The pointers it covers. */
  pointers: string[];
}

/** What stays revealed whatever is chosen, in words. */
export const ALWAYS_REVEALED_WORDS: readonly string[] = [
  "Title, issuer and achievement (credits, EQF level, learning outcomes)",
  "Your account (the holder)",
  "Dates (awarded, valid until) and the credential's id",
];

/** Short words for a field key, for the share log and summaries. */
export function fieldWords(key: string): string {
  return (
    (
      {
        name: "name (hashed)",
        studentId: "student number (hashed)",
        grade: "grade",
        schema: "schema reference",
      } as Record<string, string>
    )[key] ?? key
  );
}

/**
 * The hideable fields of a credential, grouped.
 *
 * @example
 * fieldGroups(sdk, vc).map((g) => g.key); // ["name", "studentId", "grade", "schema"]
 */
export function fieldGroups(sdk: Pick<Sdk, "docFields" | "mustReveal">, vc: Record<string, unknown>): FieldGroup[] {
  const { proof: _proof, ...document } = vc;
  const fields = sdk.docFields(document).filter((f) => !sdk.mustReveal(f.pointer));
  const identity = (f: { value: unknown }) => (f.value as { identityType?: unknown } | null)?.identityType;
  const grade = (vc.credentialSubject as { result?: { value?: unknown }[] } | undefined)?.result?.[0]?.value;
  const groups: { key: string; label: string; test: (f: { pointer: string; value: unknown }) => boolean }[] = [
    {
      key: "name",
      label: "Your name (hashed: lets the verifier confirm a name they already know)",
      test: (f) => f.pointer.startsWith("/credentialSubject/identifier/") && identity(f) === "name",
    },
    {
      key: "studentId",
      label: "Student number (hashed)",
      test: (f) => f.pointer.startsWith("/credentialSubject/identifier/") && identity(f) === "ext:studentId",
    },
    {
      key: "grade",
      label: typeof grade === "string" ? `Grade (${grade})` : "Grade",
      test: (f) => f.pointer.startsWith("/credentialSubject/result/"),
    },
    {
      key: "schema",
      label: "Schema reference (credentialSchema)",
      test: (f) => f.pointer.startsWith("/credentialSchema/"),
    },
  ];
  const out: FieldGroup[] = [];
  const taken = new Set<string>();
  for (const g of groups) {
    const pointers = fields.filter(g.test).map((f) => f.pointer);
    pointers.forEach((p) => taken.add(p));
    if (pointers.length > 0) out.push({ key: g.key, label: g.label, pointers });
  }
  for (const f of fields)
    if (!taken.has(f.pointer)) out.push({ key: f.pointer, label: `Field ${f.pointer}`, pointers: [f.pointer] });
  return out;
}

/** Whether a request's `disclose` entry (a friendly name or a pointer) asks for a group. */
export const asksFor = (disclose: readonly string[], group: FieldGroup): boolean =>
  disclose.includes(group.key) || group.pointers.some((p) => disclose.includes(p));
