import { isStrongChallenge } from "../../../present/presentation.js";
import type { PresentationReport } from "../../../present/verify.js";
import { check, overallStatus, type VerificationReport } from "../../../verify/report.js";
import type { VerifyOptions } from "../../../verify/verify-credentials.js";
import type { PageReplayStore } from "./replay-store.js";
import { isExpired, type PendingRequest } from "./requests-store.js";

/**
 * What the verifier page checks and against what (no DOM): a pasted text is a presentation (checked with
 * `verifyPresentation` against the request it answers) or one or more credentials (`verifyCredentials`, the seven
 * checks each). An outage is ERROR ("could not be checked"), never INVALID; so is a failure of the page itself.
 */

/** The most credentials one paste may hold (a JSON array). */
export const MAX_PASTED_CREDENTIALS = 100;
/** The longest text the page reads, in characters: 32 credentials of 1 MiB in a presentation at most. */
export const MAX_INPUT_CHARS = 8 * 1024 * 1024;

/** What a pasted text is. */
export type Input =
  | { kind: "presentation"; value: Record<string, unknown> }
  | { kind: "credentials"; items: { text: string; value?: Record<string, unknown> }[] }
  | { kind: "empty" }
  | { kind: "too-large" };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Reads the pasted text: a VerifiablePresentation, a JSON array of credentials, or a credential (text that is not
 * JSON goes to the credential verifier, which reports it: CS-FORMAT-MALFORMED-JSON).
 */
export function classifyInput(text: string): Input {
  if (text.trim() === "") return { kind: "empty" };
  if (text.length > MAX_INPUT_CHARS) return { kind: "too-large" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "credentials", items: [{ text }] };
  }
  const types = isRecord(value) ? value.type : undefined;
  if (
    isRecord(value) &&
    (types === "VerifiablePresentation" || (Array.isArray(types) && types.includes("VerifiablePresentation")))
  ) {
    return { kind: "presentation", value };
  }
  if (Array.isArray(value) && value.length > 0 && value.length <= MAX_PASTED_CREDENTIALS) {
    return {
      kind: "credentials",
      items: value.map((v) => ({ text: JSON.stringify(v), ...(isRecord(v) ? { value: v } : {}) })),
    };
  }
  return { kind: "credentials", items: [{ text, ...(isRecord(value) ? { value } : {}) }] };
}

/** The challenge and domain a presentation is checked against, and the request they come from. */
export type Expected =
  | { challenge: string; domain: string; request?: PendingRequest; matched: boolean }
  | { missing: string };

/**
 * The expected challenge and domain of a presentation: the page's request whose challenge its proof names; else
 * the newest request (so that the answer to another challenge is refused as such); with no request at all, what
 * the verifier typed (`manual`).
 */
export function expectedFor(
  vp: Record<string, unknown>,
  requests: readonly PendingRequest[],
  manual: { challenge: string; domain: string }
): Expected {
  const named = isRecord(vp.proof) ? vp.proof.challenge : undefined;
  const match = requests.find((p) => p.request.challenge === named);
  if (match) return { challenge: match.request.challenge, domain: match.request.domain, request: match, matched: true };
  const newest = requests[0];
  if (newest)
    return { challenge: newest.request.challenge, domain: newest.request.domain, request: newest, matched: false };
  const challenge = manual.challenge.trim();
  const domain = manual.domain.trim();
  if (!challenge || !domain)
    return { missing: "No request was made on this page: enter the challenge and the domain you gave the holder." };
  if (!isStrongChallenge(challenge))
    return {
      missing: "The expected challenge must carry at least 128 bits (32 hex digits or 22 base64url characters).",
    };
  return { challenge, domain, matched: false };
}

/** How a presentation met its request: the asked fields it did not disclose, its credentials of other achievements. */
export interface Fulfilment {
  missingFields: string[];
  /** Indices of presented credentials whose achievement the request did not ask for. */
  otherAchievements: number[];
}

/** A verification as the result view draws it: a presentation's report, credentials' reports, or the page failing. */
export type Outcome =
  | {
      kind: "presentation";
      report: PresentationReport;
      expected: { challenge: string; domain: string; request?: PendingRequest; matched: boolean };
      /** The presented credentials, index for index with the report's (undefined: an entry that is no object). */
      credentials: (Record<string, unknown> | undefined)[];
      claimed: { challenge?: string; domain?: string; expires?: string };
      ms: number;
    }
  | {
      kind: "credentials";
      reports: VerificationReport[];
      credentials: (Record<string, unknown> | undefined)[];
      ms: number;
    }
  | { kind: "failed"; message: string; ms: number };

/**
 * Verifies a presentation against `expected`. Its challenge is spent in `replay` once its holder's signature verifies,
 * unless the result is ERROR (nothing was decided: it can be checked again). An answer to a request of this page that
 * has expired is refused (docs/spec.md §14.7: CS-PRESENTATION-EXPIRED, naming the request) and spends nothing.
 */
export async function runPresentation(
  vp: Record<string, unknown>,
  expected: Extract<Expected, { challenge: string }>,
  options: VerifyOptions,
  replay: PageReplayStore,
  now = Date.now()
): Promise<Outcome> {
  const started = performance.now();
  const expired = expected.request !== undefined && expected.matched && isExpired(expected.request, now);
  try {
    // The verifier (ajv validators, JSON-LD, the chain reads) loads on the first check: the page is usable before.
    const { createReplayStore, verifyPresentation } = await import("../../../present/verify.js");
    const report = await verifyPresentation(vp, {
      ...options,
      challenge: expected.challenge,
      domain: expected.domain,
      // The SDK spends the challenge only when it reaches a verdict (an outage leaves it for a later check).
      replay: expired ? createReplayStore({ ttlMs: 0 }) : replay,
    });
    const first = report.checks[0];
    if (expired && first && (first.code === "CS-PRESENTATION-VALID" || first.code === "CS-PRESENTATION-REPLAYED")) {
      const at = expected.request!.request.expiresAt;
      const message =
        `It answers your request for ${expected.domain}, which expired at ${at}: ` +
        "answers after a request's expiry are refused. Make a new request.";
      report.checks[0] = check("presentation", "CS-PRESENTATION-EXPIRED", message, { requestExpiresAt: at });
      report.status = overallStatus([...report.checks, ...report.credentials.flatMap((r) => r.checks)]);
    }
    // Index for index with the report's credentials (a non-object entry stays a gap, not a shift).
    const credentials = Array.isArray(vp.verifiableCredential)
      ? (vp.verifiableCredential as unknown[]).map((c) => (isRecord(c) ? c : undefined))
      : [];
    const proof = isRecord(vp.proof) ? vp.proof : {};
    const text = (k: string) => (typeof proof[k] === "string" ? { [k]: proof[k] as string } : {});
    const claimed = { ...text("challenge"), ...text("domain"), ...text("expires") };
    return { kind: "presentation", report, expected, credentials, claimed, ms: performance.now() - started };
  } catch (error) {
    return { kind: "failed", message: (error as Error)?.message ?? String(error), ms: performance.now() - started };
  }
}

/** Verifies credentials (the seven checks each; one registry read per batch). */
export async function runCredentials(
  items: Extract<Input, { kind: "credentials" }>["items"],
  options: VerifyOptions
): Promise<Outcome> {
  const started = performance.now();
  try {
    const { verifyCredentials } = await import("../../../verify/verify-credentials.js");
    const reports = await verifyCredentials(
      items.map((i) => i.text),
      options
    );
    return { kind: "credentials", reports, credentials: items.map((i) => i.value), ms: performance.now() - started };
  } catch (error) {
    return { kind: "failed", message: (error as Error)?.message ?? String(error), ms: performance.now() - started };
  }
}

/** The asked fields a presentation did not disclose and its credentials of achievements the request did not ask for. */
export function fulfilment(
  request: PendingRequest | undefined,
  credentials: readonly (Record<string, unknown> | undefined)[],
  revealedNames: readonly string[][]
): Fulfilment {
  if (!request) return { missingFields: [], otherAchievements: [] };
  const disclosedEverywhere = (field: string) =>
    revealedNames.length > 0 && revealedNames.every((names) => names.includes(field));
  const missingFields = request.request.disclose.filter((f) => !disclosedEverywhere(f));
  const wanted = request.request.achievements;
  const otherAchievements =
    wanted.length === 0
      ? []
      : credentials
          .map((vc, i) => ({
            i,
            id: (vc?.credentialSubject as { achievement?: { id?: unknown } } | undefined)?.achievement?.id,
          }))
          .filter((c) => typeof c.id !== "string" || !wanted.includes(c.id))
          .map((c) => c.i);
  return { missingFields, otherAchievements };
}
