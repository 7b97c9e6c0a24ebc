import type { Address } from "viem";
import type { FieldIssue } from "../../credential/errors.js";
import { checksumAddress } from "../../credential/keccak.js";
import { ALIGNMENT_TYPES } from "../../credential/v3/achievement.js";
import { SIGNING_DID } from "../../credential/v3/dids.js";
import { ECTS } from "../../credential/v3/vocabulary.js";

/**
 * What credstack requires of a stacked credential (a 1EdTech CLR 2.0 `ClrCredential`, docs/spec.md
 * §12) beyond the CLR 2.0 JSON Schema, and the public facts its Merkle leaf binds. The destination
 * achievement is `credentialSubject.achievement[0]`; each embedded credential's achievement follows,
 * linked to it by an `isChildOf` association.
 */

/** The `type` that marks a stacked credential. */
export const CLR_TYPE = "ClrCredential";

/** The association linking a component's achievement (source) to the destination achievement (target). */
export const COMPONENT_ASSOCIATION = "isChildOf";

/** Whether a credential document (or VC) is a `ClrCredential`, by its `type`. */
export function isClrCredential(value: unknown): boolean {
  const type = (value as { type?: unknown } | null)?.type;
  return value !== null && typeof value === "object" && Array.isArray(type) && type.includes(CLR_TYPE);
}

/** A stacked credential {@link parseClrDocument} accepted: what the checks read (other members pass through). */
export interface ClrDocument {
  id: string;
  name: string;
  issuer: { id: string; name: string; address: { addressCountryCode: string; addressRegion?: unknown } };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    achievement: { id: string; name: string; creditsAvailable: number; alignment: { targetType?: string; targetUrl: string }[] }[];
    association: { associationType: string; sourceId: string; targetId: string }[];
    verifiableCredential: Record<string, unknown>[];
  };
}

/** The public facts of a stacked credential its leaf binds (the v3 leaf's, docs/spec.md §4.2 and §12.4). */
export interface ClrFacts {
  chainId: number;
  holder: Address;
  /** The destination achievement's id. */
  achievementUri: string;
  /** The ECTS the pathway evaluation counted (the destination's `creditsAvailable`) × 100. */
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
}

const PKH = /^did:pkh:eip155:(0|[1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EQF_URL = /^http:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/;
/** Most ECTS a stacked credential may count (a pathway's own bound). */
export const MAX_STACKED_CREDITS = 10_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown, min = 1): v is string => typeof v === "string" && v.length >= min;
const instant = (t: string) => {
  const ms = Date.parse(t);
  return RFC3339.test(t) && Number.isFinite(ms) && ms >= 0 && ms / 1000 < 2 ** 40;
};

/** The issues of the issuer, dates, name and holder (what every credstack credential needs). */
function envelopeIssues(doc: Json): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field, message });
  if (!str(doc.id)) issue("id", "must be a non-empty string");
  const issuer = doc.issuer;
  if (!isObject(issuer)) issue("issuer", "must be a Profile object");
  else {
    if (!(str(issuer.id) && (PKH.test(issuer.id) || SIGNING_DID.test(issuer.id)))) issue("issuer.id", "must be a did:pkh:eip155, did:key or did:web DID");
    if (!str(issuer.name, 2)) issue("issuer.name", "must have at least 2 characters");
    const address = issuer.address;
    if (!isObject(address) || !(typeof address.addressCountryCode === "string" && /^[A-Z]{2}$/.test(address.addressCountryCode))) {
      issue("issuer.address.addressCountryCode", "must be an ISO 3166-1 alpha-2 code");
    }
  }
  if (!(typeof doc.validFrom === "string" && instant(doc.validFrom))) issue("validFrom", "must be an RFC 3339 date-time from 1970 on");
  if (doc.validUntil !== undefined && !(typeof doc.validUntil === "string" && instant(doc.validUntil))) issue("validUntil", "must be an RFC 3339 date-time from 1970 on");
  if (!str(doc.name, 3)) issue("name", "must have at least 3 characters");
  return issues;
}

/** The issues of the destination achievement (`credentialSubject.achievement.0`). */
function destinationIssues(a: unknown): FieldIssue[] {
  const field = "credentialSubject.achievement.0";
  if (!isObject(a)) return [{ field, message: "must be the destination achievement" }];
  const issues: FieldIssue[] = [];
  if (!(str(a.id) && URL.canParse(a.id))) issues.push({ field: `${field}.id`, message: "must be an absolute URL" });
  if (!str(a.name, 3)) issues.push({ field: `${field}.name`, message: "must have at least 3 characters" });
  const c = a.creditsAvailable;
  if (!(typeof c === "number" && c > 0 && c <= MAX_STACKED_CREDITS && Math.round(c * 100) >= 1 && Math.abs(c * 100 - Math.round(c * 100)) < 1e-6)) {
    issues.push({ field: `${field}.creditsAvailable`, message: `must be the ECTS counted: more than 0, at most ${MAX_STACKED_CREDITS}, in steps of 0.01` });
  }
  const alignment = Array.isArray(a.alignment) ? a.alignment.filter(isObject) : [];
  const eqf = alignment.filter((x) => x.targetType === ALIGNMENT_TYPES.eqf);
  if (eqf.length !== 1 || !(typeof eqf[0]!.targetUrl === "string" && EQF_URL.test(eqf[0]!.targetUrl))) {
    issues.push({ field: `${field}.alignment`, message: "needs one EQF level alignment (ext:EQFLevel, http://data.europa.eu/snb/eqf/<1-8>)" });
  }
  if (!alignment.some((x) => x.targetType === ALIGNMENT_TYPES.creditSystem && x.targetUrl === ECTS.uri)) {
    issues.push({ field: `${field}.alignment`, message: "needs the ECTS credit system alignment" });
  }
  return issues;
}

/**
 * The issues of the subject: the holder, the achievements (the destination first, ids unique), the
 * associations (between achievements present), and each embedded credential's achievement listed
 * and linked to the destination by `isChildOf`.
 */
function subjectIssues(subject: unknown): FieldIssue[] {
  if (!isObject(subject)) return [{ field: "credentialSubject", message: "must be a ClrSubject object" }];
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string) => issues.push({ field: `credentialSubject.${field}`, message });
  if (!(str(subject.id) && PKH.test(subject.id) && Number(subject.id.split(":")[3]) <= Number.MAX_SAFE_INTEGER)) {
    issue("id", "must be the holder's did:pkh:eip155:<chainId>:<address>");
  }
  const achievements = Array.isArray(subject.achievement) ? subject.achievement : [];
  if (achievements.length === 0) return [...issues, { field: "credentialSubject.achievement", message: "must list the destination achievement, then the components'" }];
  issues.push(...destinationIssues(achievements[0]));
  const ids = new Set<string>();
  achievements.forEach((a, i) => {
    const id = isObject(a) ? a.id : undefined;
    if (!str(id)) issue(`achievement.${i}.id`, "must be a non-empty string");
    else if (ids.has(id)) issue(`achievement.${i}.id`, `${id} is listed twice`);
    else ids.add(id);
  });
  const destination = (achievements[0] as Json | undefined)?.id;
  const associations = Array.isArray(subject.association) ? subject.association.filter(isObject) : [];
  associations.forEach((a, i) => {
    for (const end of ["sourceId", "targetId"] as const) {
      if (!(typeof a[end] === "string" && ids.has(a[end]))) issue(`association.${i}.${end}`, "must be the id of an achievement the credential lists");
    }
  });
  const children = new Set(associations.filter((a) => a.associationType === COMPONENT_ASSOCIATION && a.targetId === destination).map((a) => a.sourceId));
  const vcs = Array.isArray(subject.verifiableCredential) ? subject.verifiableCredential : [];
  if (vcs.length === 0) issue("verifiableCredential", "must embed the component credentials");
  vcs.forEach((vc, i) => {
    const id = isObject(vc) && isObject(vc.credentialSubject) && isObject(vc.credentialSubject.achievement) ? vc.credentialSubject.achievement.id : undefined;
    if (!str(id)) return issue(`verifiableCredential.${i}`, "must be an Open Badges credential with credentialSubject.achievement.id");
    if (!ids.has(id)) issue(`verifiableCredential.${i}`, `its achievement ${id} is not listed in credentialSubject.achievement`);
    else if (!children.has(id)) issue(`verifiableCredential.${i}`, `no isChildOf association links its achievement ${id} to the destination`);
  });
  return issues;
}

/**
 * Checks a stacked credential's document (without `proof`) against credstack's CLR profile: the
 * document itself, or every issue found. The CLR 2.0 JSON Schema is checked apart
 * (`validateClrCredential`).
 *
 * @example
 * const parsed = parseClrDocument(document);
 * if (parsed.success) clrFacts(parsed.data).eqfLevel; // 6
 */
export function parseClrDocument(document: unknown): { success: true; data: ClrDocument } | { success: false; issues: FieldIssue[] } {
  if (!isObject(document)) return { success: false, issues: [{ field: "(root)", message: "must be an object" }] };
  const issues = [...envelopeIssues(document), ...subjectIssues(document.credentialSubject)];
  return issues.length ? { success: false, issues } : { success: true, data: document as unknown as ClrDocument };
}

/** The leaf facts of an accepted stacked credential: holder, destination achievement, counted credits, EQF level, award time. */
export function clrFacts(doc: ClrDocument): ClrFacts {
  const [, , , chain, address] = doc.credentialSubject.id.split(":");
  const destination = doc.credentialSubject.achievement[0]!;
  const eqf = destination.alignment.find((a) => a.targetType === ALIGNMENT_TYPES.eqf)!;
  return {
    chainId: Number(chain),
    holder: checksumAddress(address!),
    achievementUri: destination.id,
    creditsCenti: Math.round(destination.creditsAvailable * 100),
    eqfLevel: Number(EQF_URL.exec(eqf.targetUrl)![1]),
    awardedAt: Math.floor(Date.parse(doc.validFrom) / 1000),
  };
}
