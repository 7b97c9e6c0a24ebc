import type { Address, Hex } from "viem";
import { readIsoDate } from "../../credential/dates.js";
import { canonicalJson, credentialDigest, newSaltSeed } from "../../credential/disclosure.js";
import type { FieldIssue } from "../../credential/errors.js";
import { loneSurrogateAt, scanJson } from "../../credential/json-shape.js";
import { addressProblem, checksumAddress } from "../../credential/keccak.js";
import { validateOpenBadgeCredential } from "../../credential/ob3-schema.js";
import { toFieldIssues } from "../../credential/schema.js";
import { credentialFactsV3, parseCredentialV3 } from "../../credential/v3/facts.js";
import { SHARED_POINTERS } from "../../credential/v3/template.js";
import type { AnchorTarget, Draft } from "../draft.js";
import { leafFieldsV3, leafHashBytes } from "../leaf.js";

/**
 * Full v3 credentials as JSON Lines input (an issuer's own system writes them): bare W3C VC 2.0 /
 * OB 3.0 credentials without `proof`, one a line, checked as strictly as a verifier checks them
 * (the formal OB 3.0 schema, every EU element in v3's standard terms), with hashed identity objects,
 * a did:pkh issuer account and holder on the batch's chain. The batch adds the Merkle proof.
 */

/** A credential line's draft, or why it cannot be one. */
export type JsonLineResult =
  | { draft: Draft; issuer: Address; achievementUri: string; key: [string, string] }
  | { issues: FieldIssue[] };

const PKH = /^did:pkh:eip155:([0-9]{1,20}):(0x[0-9a-fA-F]{40})$/;

/** What a v3 line lacks beyond the verifier's checks: no proof yet, hashed identities, accounts, dates, chain. */
function lineIssues(json: Record<string, unknown>, chainId: number, row: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (field: string, message: string) => issues.push({ field, row, message });
  if ("proof" in json) at("proof", "a credential to batch carries no proof yet (the batch adds its Merkle proof)");
  const subject = json.credentialSubject as { id?: string; identifier?: { hashed?: unknown; salt?: unknown }[] };
  subject.identifier?.forEach((x, i) => {
    if (x.hashed !== true || typeof x.salt !== "string" || x.salt.length < 16) {
      at(`credentialSubject.identifier.${i}`, "v3 identity objects are hashed (hashed: true) with a salt of 16+ characters");
    }
  });
  for (const [field, did] of [["credentialSubject.id", subject.id], ["issuer.id", (json.issuer as { id?: string }).id]] as const) {
    const pkh = PKH.exec(String(did));
    if (!pkh) {
      at(field, "expected did:pkh:eip155:<chainId>:<address> (JSON Lines input names the issuer account; sign with CSV input and --issuer-did)");
      continue;
    }
    const problem = addressProblem(pkh[2]!);
    if (problem) at(field, problem);
    if (Number(pkh[1]) !== chainId) at(field, `names chain ${pkh[1]}, the batch is for chain ${chainId}`);
  }
  for (const field of ["validFrom", "validUntil"] as const) {
    const value = json[field];
    const date = typeof value === "string" ? readIsoDate(value) : undefined;
    if (date && !date.ok) at(field, date.reason);
  }
  return issues;
}

/** The canonical JSON of a batch's shared parts, by pointer (a line's equal part is stored as `null`). */
export function sharedCanonical(shared: Readonly<Record<string, unknown>>): Map<string, string> {
  return new Map(Object.entries(shared).map(([p, v]) => [p, canonicalJson(v)]));
}

/** The shared parts of a batch whose first credential is `first`: its values at the shared pointers it has. */
export function sharedPartsOf(first: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pointer of SHARED_POINTERS) {
    let node: unknown = first;
    for (const key of pointer.slice(1).split("/")) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    if (node !== undefined && node !== null) out[pointer] = node;
  }
  return out;
}

/**
 * What a verifier refuses in a line's text before parsing it (`src/verify/offline-checks.ts`): a key
 * twice in an object, nesting past 32, more values than a credential may hold with its proofs.
 */
export function lineTextIssues(text: string, row: number): FieldIssue[] {
  const shape = scanJson(text, { maxDepth: LINE_MAX_DEPTH, maxValues: LINE_MAX_VALUES });
  if (shape.exceeded === "depth") return [{ field: "(line)", row, message: `nests deeper than ${LINE_MAX_DEPTH} levels (a verifier refuses it)` }];
  if (shape.exceeded === "values") return [{ field: "(line)", row, message: `holds more than ${LINE_MAX_VALUES} values (a verifier refuses it with its proofs)` }];
  if (shape.duplicateKey !== undefined) return [{ field: shape.duplicateKey.slice(1).replace(/\//g, ".") || "(line)", row, message: "this key appears twice in its object" }];
  return [];
}
/** The verifier's limits (32 levels, 2,000 values) less what the proofs add: two levels, 20 values. */
const LINE_MAX_DEPTH = 30;
const LINE_MAX_VALUES = 1_980;

/** Drafts one v3 JSON line (already parsed) at `index`, or lists its problems (each with `row`). */
export function draftJsonLineV3(json: unknown, row: number, index: number, target: AnchorTarget): JsonLineResult {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { issues: [{ field: "(line)", row, message: "not a JSON object" }] };
  const parsed = parseCredentialV3(json);
  if (!parsed.success) return { issues: parsed.issues.map((i) => ({ ...i, row })) };
  const doc = json as Record<string, unknown>;
  const lone = loneSurrogateAt(doc);
  if (lone !== undefined) return { issues: [{ field: lone.slice(1).replace(/\//g, "."), row, message: "holds a lone UTF-16 surrogate (not I-JSON)" }] };
  const issues = [
    ...lineIssues(doc, target.chainId, row),
    ...validateOpenBadgeCredential(doc).map((i) => ({ ...i, row, message: `Open Badges 3.0 schema: ${i.message}` })),
  ];
  if (issues.length) return { issues };
  const facts = credentialFactsV3(parsed.data);
  const issuer = checksumAddress(PKH.exec(parsed.data.issuer.id)![2]!);
  const saltSeed: Hex = newSaltSeed();
  let digest: Hex;
  try {
    digest = credentialDigest(doc, saltSeed, 2);
  } catch {
    return { issues: [{ field: "(line)", row, message: "holds a number out of range (it parses to Infinity)" }] };
  }
  const leaf = leafFieldsV3({ ...target, issuer, index }, facts, digest);
  return { draft: { credential: doc, saltSeed, leaf, hash: leafHashBytes(leaf) }, issuer, achievementUri: facts.achievementUri, key: [`id ${parsed.data.id}`, facts.holder.toLowerCase()] };
}
