import { CredstackError } from "../credential/errors.js";
import { createChallenge, isStrongChallenge } from "./presentation.js";
import { fromBase64url, jcs, toBase64url } from "./fields.js";

/**
 * A verification request (docs/spec.md §14.7), in the spirit of OpenID4VP's authorization request:
 * what a verifier hands a holder as a file, a link or a QR code — its single-use challenge, its
 * domain, the optional fields it asks to see, which achievements it wants (by OB 3.0 achievement
 * id), where to send the answer and until when the request holds. The holder still chooses what to
 * reveal. Browser-safe (no Node API).
 */

export const REQUEST_FORMAT = "credstack-presentation-request/1";
/** The link scheme: `credstack-request:?request=<base64url of the request's RFC 8785 JSON>`. */
export const REQUEST_LINK_PREFIX = "credstack-request:?request=";

export interface VerificationRequest {
  format: typeof REQUEST_FORMAT;
  challenge: string;
  domain: string;
  /** Optional fields asked for (`name`, `studentId`, `grade`, `schema` or JSON pointers). */
  disclose: string[];
  /** Achievement ids (OB 3.0 `achievement.id`) the verifier wants presented; empty: any. */
  achievements: string[];
  /** Where the holder sends the presentation (https), when the verifier takes it online. */
  responseUri?: string;
  /** ISO 8601: after this the verifier refuses answers to it. */
  expiresAt: string;
}

/** A request that is malformed, or a link that does not hold one; `field` names the member. */
export class VerificationRequestError extends CredstackError {
  override name = "VerificationRequestError";
  constructor(shortMessage: string, readonly field: string) {
    super(shortMessage, { details: `field: ${field}` });
  }
}

const FIELD = /^([A-Za-z]{1,32}|\/[^\s]{1,256})$/;

/**
 * A new request with a fresh 128-bit challenge. Keep it: verify answers with its challenge and domain.
 *
 * @example
 * const request = createVerificationRequest({ domain: "admissions.example", disclose: ["name"], validForSeconds: 600 });
 * const link = requestLink(request); // show it, or encode it as a QR code
 */
export function createVerificationRequest(params: {
  domain: string;
  disclose?: readonly string[];
  achievements?: readonly string[];
  responseUri?: string;
  validForSeconds?: number;
  now?: Date;
}): VerificationRequest {
  const now = params.now ?? new Date();
  const seconds = params.validForSeconds ?? 600;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 7 * 86_400) throw new VerificationRequestError("A request holds for 1 second to 7 days.", "expiresAt");
  return parseVerificationRequest({
    format: REQUEST_FORMAT,
    challenge: createChallenge(),
    domain: params.domain,
    disclose: [...(params.disclose ?? [])],
    achievements: [...(params.achievements ?? [])],
    ...(params.responseUri ? { responseUri: params.responseUri } : {}),
    expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
  });
}

/** The request as a link (base64url of its RFC 8785 JSON): short enough for a QR code when it asks for a few things. */
export function requestLink(request: VerificationRequest): string {
  return REQUEST_LINK_PREFIX + toBase64url(new TextEncoder().encode(jcs(request)));
}

/**
 * Reads a request: an object, its JSON text, or its link; throws {@link VerificationRequestError}
 * naming the first bad member (an unknown member, a weak challenge, a non-https response URI, …).
 */
export function parseVerificationRequest(input: unknown): VerificationRequest {
  let value = input;
  if (typeof input === "string") {
    const text = input.startsWith(REQUEST_LINK_PREFIX) ? decodeLink(input) : input;
    try {
      value = JSON.parse(text);
    } catch {
      throw new VerificationRequestError("Not a verification request: neither its JSON nor its link.", "(root)");
    }
  }
  const r = value as Record<string, unknown>;
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new VerificationRequestError("A request is a JSON object.", "(root)");
  const known = ["format", "challenge", "domain", "disclose", "achievements", "responseUri", "expiresAt"];
  const unknown = Object.keys(r).find((k) => !known.includes(k));
  if (unknown) throw new VerificationRequestError(`Unknown member ${unknown}.`, unknown);
  if (r.format !== REQUEST_FORMAT) throw new VerificationRequestError(`format must be ${REQUEST_FORMAT}.`, "format");
  if (!isStrongChallenge(r.challenge)) throw new VerificationRequestError("The challenge must carry at least 128 bits.", "challenge");
  if (typeof r.domain !== "string" || r.domain.length === 0 || r.domain.length > 253 || /\s/.test(r.domain)) {
    throw new VerificationRequestError("The domain must be a host name or an id without spaces.", "domain");
  }
  const list = (name: "disclose" | "achievements", ok: (s: string) => boolean) => {
    const v = r[name];
    if (!Array.isArray(v) || v.length > 32 || !v.every((s) => typeof s === "string" && ok(s))) {
      throw new VerificationRequestError(`${name} must be a list of at most 32 ${name === "disclose" ? "field names or JSON pointers" : "https achievement ids"}.`, name);
    }
    return v as string[];
  };
  const disclose = list("disclose", (s) => FIELD.test(s));
  const achievements = list("achievements", (s) => /^https:\/\/\S{1,2000}$/.test(s));
  if (r.responseUri !== undefined && (typeof r.responseUri !== "string" || !/^https:\/\/\S{1,2000}$/.test(r.responseUri))) {
    throw new VerificationRequestError("responseUri must be an https URL.", "responseUri");
  }
  if (typeof r.expiresAt !== "string" || !Number.isFinite(Date.parse(r.expiresAt)) || !/Z$/.test(r.expiresAt)) {
    throw new VerificationRequestError("expiresAt must be an ISO 8601 UTC time.", "expiresAt");
  }
  return {
    format: REQUEST_FORMAT, challenge: r.challenge, domain: r.domain, disclose, achievements,
    ...(r.responseUri !== undefined ? { responseUri: r.responseUri as string } : {}), expiresAt: r.expiresAt,
  };
}

function decodeLink(link: string): string {
  const bytes = fromBase64url(link.slice(REQUEST_LINK_PREFIX.length));
  if (!bytes || bytes.length > 16_384) throw new VerificationRequestError("The link does not hold a request.", "request");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new VerificationRequestError("The link does not hold a request (not UTF-8).", "request");
  }
}
