import type { ReplayStore } from "../../../present/verify.js";

/**
 * The page's replay store (docs/spec.md §14.4): the challenges of presentations it accepted, each kept for `ttlMs`
 * (or until its presentation expires, if later), in localStorage so that a reload, or another tab of this verifier,
 * refuses the same presentation a second time (CS-PRESENTATION-REPLAYED). One browser profile is one verifier: a
 * verifier working from several machines needs a shared store (a server's).
 */

const KEY = "credstack.verifier.replay";
/** How long an accepted challenge is remembered by default: a day, longer than any request this page makes lasts. */
export const REPLAY_TTL_MS = 24 * 3_600_000;
/** The most challenges kept; beyond it the ones whose time ends soonest are dropped first. */
export const MAX_ENTRIES = 10_000;

type Entries = Record<string, number>;

/** A replay store that can also say whether a challenge was used, without using it. */
export interface PageReplayStore extends ReplayStore {
  has(challenge: string): boolean;
}

function read(storage: Storage): Entries {
  try {
    const raw = JSON.parse(storage.getItem(KEY) ?? "{}") as unknown;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return {};
    return Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
  } catch {
    return {};
  }
}

/**
 * A {@link ReplayStore} kept in `storage` (default localStorage). It reads the storage at every use, so tabs share
 * it; if the storage cannot be written (full, or disabled), it still refuses replays for this page's lifetime.
 *
 * @example
 * const replay = createPersistentReplayStore();
 * await verifyPresentation(vp, { challenge, domain, replay, ...verifyOptions(config) });
 */
export function createPersistentReplayStore(
  params: { ttlMs?: number; storage?: Storage; now?: () => number } = {}
): PageReplayStore {
  const ttl = params.ttlMs ?? REPLAY_TTL_MS;
  const now = params.now ?? Date.now;
  const storage = params.storage ?? localStorage;
  const memory: Entries = {};
  const current = (t: number): Entries => {
    const all = { ...memory, ...read(storage) };
    return Object.fromEntries(Object.entries(all).filter(([, until]) => until > t));
  };
  return {
    use(challenge, expiresAtMs) {
      const t = now();
      const entries = current(t);
      if (challenge in entries) return false;
      entries[challenge] = Math.max(t + ttl, Number.isFinite(expiresAtMs) ? expiresAtMs : 0);
      memory[challenge] = entries[challenge];
      const kept = Object.entries(entries)
        .sort((a, b) => b[1] - a[1])
        .slice(0, MAX_ENTRIES);
      try {
        storage.setItem(KEY, JSON.stringify(Object.fromEntries(kept)));
      } catch {
        // Full or disabled: `memory` still refuses the challenge while this page lives.
      }
      return true;
    },
    has(challenge) {
      return challenge in current(now());
    },
    get size() {
      return Object.keys(current(now())).length;
    },
  };
}
