/**
 * What a card shows of a credential: the EU Council 2022 micro-credential elements as credstack writes them into
 * an Open Badges 3.0 credential (docs/formats.md, "The credential (format v3)"): title, issuer and its country,
 * ECTS credits (`creditsEarned`, else the achievement's `creditsAvailable`), EQF level (the `ext:EQFLevel`
 * alignment), learning outcomes (`ext:LearningOutcome` alignments), award date and expiry, grade. Read
 * defensively: a field the credential lacks is left out, never guessed. No DOM, no SDK.
 */

type Obj = Record<string, unknown>;

/** The facts of one credential, for display. */
export interface CredentialFacts {
  id: string;
  title: string;
  description?: string;
  issuerName: string;
  /** ISO 3166 code (`issuer.address.addressCountryCode`; a region such as ES-CT when given). */
  country?: string;
  ects?: number;
  eqf?: number;
  outcomes: string[];
  /** ISO date-time the credential was awarded (its `validFrom`). */
  awarded?: string;
  validUntil?: string;
  grade?: { value: string; scale?: string };
  /** The OB 3.0 achievement id (what a verification request names). */
  achievementId?: string;
  /** The account the credential is bound to (`credentialSubject.id`, a did:pkh). */
  holder?: { chainId: number; address: string };
  /** `OpenBadgeCredential`, `ClrCredential`, … */
  kind: string;
}

const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

const PKH = /^did:pkh:eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/;

/** The chain and address of a `did:pkh:eip155` DID, or undefined (no checksum: compare lowercased). */
export function pkhOf(did: unknown): { chainId: number; address: string } | undefined {
  const m = typeof did === "string" ? PKH.exec(did) : null;
  return m ? { chainId: Number(m[1]), address: m[2]! } : undefined;
}

/** Whether two addresses are the same account, whatever their case. */
export const sameAccount = (a: string | undefined, b: string | undefined): boolean =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** `did:pkh:eip155:<chainId>:<address>`. */
export const didPkh = (chainId: number, address: string): string => `did:pkh:eip155:${chainId}:${address}`;

function eqfOf(achievement: Obj): number | undefined {
  for (const a of arr(achievement.alignment).map(obj)) {
    if (a.targetType === "ext:EQFLevel") {
      const level = Number(a.targetCode ?? /\/eqf\/(\d)$/.exec(String(a.targetUrl ?? ""))?.[1]);
      if (Number.isInteger(level) && level >= 1 && level <= 8) return level;
    }
  }
  const m = arr(achievement.alignment)
    .map(obj)
    .map((a) => /^https?:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/.exec(String(a.targetUrl ?? "")))
    .find(Boolean);
  return m ? Number(m[1]) : undefined;
}

function outcomesOf(achievement: Obj): string[] {
  const aligned = arr(achievement.alignment)
    .map(obj)
    .filter((a) => a.targetType === "ext:LearningOutcome")
    .map((a) => str(a.targetName) ?? str(a.targetDescription));
  const list = aligned.filter((s): s is string => !!s);
  if (list.length > 0) return list;
  const narrative = str(obj(achievement.criteria).narrative);
  return narrative
    ? narrative
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

function gradeOf(subject: Obj, achievement: Obj): CredentialFacts["grade"] {
  const result = obj(arr(subject.result)[0]);
  const value = str(result.value);
  if (!value) return undefined;
  const description = arr(achievement.resultDescription)
    .map(obj)
    .find((d) => d.id === result.resultDescription);
  const scale = str(description?.name);
  return { value, ...(scale ? { scale } : {}) };
}

/**
 * The facts of a credential (a VC 2.0 / OB 3.0 document, or a CLR 2.0 stacked credential).
 *
 * @example
 * credentialFacts(vc); // { title: "Smart Contract Security", issuerName: "Universiteit van Amsterdam", ects: 5, eqf: 6, … }
 */
export function credentialFacts(vc: Obj): CredentialFacts {
  const subject = obj(vc.credentialSubject);
  const achievement = obj(subject.achievement);
  const issuer = obj(vc.issuer);
  const types = arr(vc.type).filter((t): t is string => typeof t === "string");
  const holder = pkhOf(subject.id);
  const ects = num(subject.creditsEarned) ?? num(achievement.creditsAvailable);
  const eqf = eqfOf(achievement);
  const grade = gradeOf(subject, achievement);
  const fields: CredentialFacts = {
    id: str(vc.id) ?? "",
    title: str(vc.name) ?? str(achievement.name) ?? "Untitled credential",
    issuerName: str(issuer.name) ?? str(issuer.id) ?? "Unknown issuer",
    outcomes: outcomesOf(achievement),
    kind: types.find((t) => t !== "VerifiableCredential") ?? "VerifiableCredential",
  };
  const optional: Partial<CredentialFacts> = {
    description: str(achievement.description),
    country: str(obj(issuer.address).addressCountryCode),
    ects,
    eqf,
    awarded: str(vc.validFrom) ?? str(subject.awardedDate),
    validUntil: str(vc.validUntil),
    grade,
    achievementId: str(achievement.id),
    holder,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (fields as unknown as Obj)[k] = v;
  return fields;
}

/** A date-time as the reader's locale writes a date ("30 June 2026"); the text itself when unreadable. */
export function showDate(iso: string | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isFinite(t)
    ? new Date(t).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })
    : iso;
}

/** A date-time with its time of day, in the reader's time zone. */
export function showDateTime(iso: string | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : iso;
}

/** `0x1234…abcd`: an address short enough for a phone screen (the full one stays in the title / copy). */
export const shortAddress = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;
