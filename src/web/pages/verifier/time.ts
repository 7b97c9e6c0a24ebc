/** Times as the verifier page shows them: the reader's local date and time, to the second. */

/** `2026-06-30T12:00:00Z` → e.g. `30 Jun 2026, 14:00:00` (the browser's locale and zone); the input if unreadable. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Date(t).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** A duration in milliseconds for people: `170 ms`, `1.2 s`. */
export const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
