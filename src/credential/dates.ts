/**
 * The one strict reader of dates given to credstack (learners CSV `date`, JSON Lines `validFrom` /
 * `validUntil`, the CLI's `--from`, `--until`, `--at`).
 *
 * `Date.parse` rolls impossible dates over (`2026-02-30` is 2 March) and reads a date-time without an
 * offset in the machine's time zone; neither is acceptable for a date that gets signed into a
 * credential or an accreditation. This reader takes exactly:
 *
 * - `YYYY-MM-DD` (midnight UTC), or
 * - `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or `±hh:mm` (RFC 3339; a space may stand for `T`),
 *
 * where the day exists in that month of that year, the time is 00:00:00 to 23:59:59 (no leap
 * second, no 24:00), the offset is at most ±23:59, and the instant falls between 1970-01-01T00:00:00Z
 * and 9999-12-31T23:59:59Z (leaves and accreditations store unsigned unix seconds).
 */

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|([+-])(\d{2}):(\d{2})))?$/;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/** 9999-12-31T23:59:59Z, in milliseconds: the last instant with a four-digit year. */
const LAST_MS = 253_402_300_799_000;

/** A date that passed {@link readIsoDate}. */
export interface IsoDate {
  /** Unix milliseconds (fractions of a millisecond are dropped). */
  ms: number;
  /** Unix seconds (rounded down). */
  seconds: number;
  /** The instant in UTC, `YYYY-MM-DDThh:mm:ss[.sss]Z` (milliseconds only when not zero). */
  iso: string;
}

/** The result of {@link readIsoDate}: the date, or why the text is not one. */
export type IsoDateResult = ({ ok: true } & IsoDate) | { ok: false; reason: string };

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number): number => (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]!);

/**
 * Reads an ISO 8601 / RFC 3339 date or date-time strictly (see the module comment); never throws.
 *
 * @example
 * readIsoDate("2026-06-30");              // { ok: true, seconds: 1782777600, iso: "2026-06-30T00:00:00Z", … }
 * readIsoDate("2026-02-30").ok;           // false: "2026-02-30 does not exist (February 2026 has 28 days)"
 * readIsoDate("2026-06-30T12:00").ok;     // false: a date-time needs an offset (Z or ±hh:mm)
 */
export function readIsoDate(text: string): IsoDateResult {
  const m = SHAPE.exec(text);
  if (!m) {
    const noOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
    if (noOffset) return { ok: false, reason: "a date-time needs an offset (Z or ±hh:mm)" };
    return { ok: false, reason: "expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ)" };
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return { ok: false, reason: `month ${m[2]} does not exist` };
  const days = daysIn(year, month);
  if (day < 1 || day > days) return { ok: false, reason: `${m[1]}-${m[2]}-${m[3]} does not exist (${MONTHS[month - 1]} ${m[1]} has ${days} days)` };
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ""} is not a time of day (00:00:00 to 23:59:59)` };
  }
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return { ok: false, reason: `${m[9]}${m[10]}:${m[11]} is not a time zone offset` };
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  // Before 1969 no offset brings the instant to 1970 (and Date.UTC would read years 0-99 as 19xx).
  if (year < 1969) return { ok: false, reason: `${text} is before 1970-01-01T00:00:00Z (unix time 0)` };
  const fraction = m[7] ? Number(`${m[7].slice(1)}00`.slice(0, 3)) : 0; // milliseconds, the rest dropped
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
  if (ms < 0) return { ok: false, reason: `${text} is before 1970-01-01T00:00:00Z (unix time 0)` };
  if (ms > LAST_MS) return { ok: false, reason: `${text} is after 9999-12-31T23:59:59Z` };
  // A bare date is its own UTC midnight; a date-time is normalised to UTC.
  const iso = m[4] === undefined ? `${text}T00:00:00Z` : new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  return { ok: true, ms, seconds: Math.floor(ms / 1000), iso };
}

/**
 * {@link readIsoDate}, throwing: a `RangeError` naming `what` (a field, an option) and the reason.
 * For callers that map the error to their own type; inputs with rows use `readIsoDate` and report issues.
 */
export function isoDate(text: string, what = "date"): IsoDate {
  const result = readIsoDate(text);
  if (!result.ok) throw new RangeError(`${what}: ${result.reason}`);
  return result;
}
