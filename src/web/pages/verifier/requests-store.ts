import { parseVerificationRequest, type VerificationRequest } from "../../../present/request.js";

/**
 * The verifier's own requests (docs/spec.md §14.7), kept in this tab's sessionStorage so that a reload keeps them:
 * a presentation is checked against the request whose challenge it answers. Expired requests stay listed for a day
 * (an answer to one is refused with a reason, not taken for an unknown challenge), then are forgotten.
 */

/** One request this page issued, and whether an answer to it was accepted. */
export interface PendingRequest {
  request: VerificationRequest;
  /** When it was created (ISO 8601). */
  createdAt: string;
  /** When a presentation answering it verified VALID (ISO 8601). */
  answeredAt?: string;
}

const KEY = "credstack.verifier.requests";
/** How long an expired request stays listed, in milliseconds. */
export const KEEP_EXPIRED_MS = 24 * 3_600_000;
/** The most requests kept (the oldest are dropped first). */
export const MAX_REQUESTS = 50;

/** Whether a request's `expiresAt` has passed at `now` (ms). */
export const isExpired = (p: PendingRequest, now = Date.now()): boolean => Date.parse(p.request.expiresAt) <= now;

/** The pending requests, newest first; unreadable or long-expired entries are dropped. */
export function loadRequests(storage: Storage = sessionStorage, now = Date.now()): PendingRequest[] {
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: PendingRequest[] = [];
  for (const item of raw as Partial<PendingRequest>[]) {
    try {
      const request = parseVerificationRequest(item?.request);
      if (Date.parse(request.expiresAt) + KEEP_EXPIRED_MS <= now) continue;
      const createdAt = typeof item.createdAt === "string" ? item.createdAt : new Date(now).toISOString();
      out.push({ request, createdAt, ...(typeof item.answeredAt === "string" ? { answeredAt: item.answeredAt } : {}) });
    } catch {
      // Not a request (an older page's, or edited by hand): dropped.
    }
  }
  return out.slice(0, MAX_REQUESTS);
}

/** Saves the pending requests (newest first). A full or unavailable storage is reported, not thrown. */
export function saveRequests(requests: readonly PendingRequest[], storage: Storage = sessionStorage): boolean {
  try {
    storage.setItem(KEY, JSON.stringify(requests.slice(0, MAX_REQUESTS)));
    return true;
  } catch {
    return false;
  }
}

/** Adds a new request in front and saves; returns the new list. */
export function addRequest(
  request: VerificationRequest,
  storage: Storage = sessionStorage,
  now = Date.now()
): PendingRequest[] {
  const list = [{ request, createdAt: new Date(now).toISOString() }, ...loadRequests(storage, now)];
  saveRequests(list, storage);
  return list;
}

/** Forgets the request with `challenge`; returns the new list. */
export function forgetRequest(challenge: string, storage: Storage = sessionStorage): PendingRequest[] {
  const list = loadRequests(storage).filter((p) => p.request.challenge !== challenge);
  saveRequests(list, storage);
  return list;
}

/** Marks the request with `challenge` answered (a VALID presentation), and saves. */
export function markAnswered(challenge: string, storage: Storage = sessionStorage, now = Date.now()): PendingRequest[] {
  const list = loadRequests(storage, now).map((p) =>
    p.request.challenge === challenge ? { ...p, answeredAt: new Date(now).toISOString() } : p
  );
  saveRequests(list, storage);
  return list;
}
