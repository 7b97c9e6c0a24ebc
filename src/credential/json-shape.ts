/**
 * One cheap pass over a JSON text, before it is parsed or hashed: how deep it nests, how many values
 * it holds, and whether an object repeats a key. `JSON.parse` keeps the last of two equal keys
 * silently, so a file could show one value to a reader and verify by another; and the work a file
 * causes (parsing, schema validation, one salted hash per field) grows with its values and depth,
 * which a hostile file can make huge for its size. The scan stops as soon as a limit is exceeded, so
 * its cost is bounded by the limits, not by the file.
 */

/** Limits of {@link scanJson}. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays allowed (the document's own object is depth 1). */
  maxDepth: number;
  /** Most values allowed: scalars plus empty objects and arrays (each is a field of a salted digest). */
  maxValues: number;
}

/** What {@link scanJson} found. On a text that is not JSON the figures mean nothing; parse it too. */
export interface JsonShape {
  /** Deepest nesting seen (0 for a bare scalar); past `maxDepth`, the scan stopped. */
  depth: number;
  /** Values seen (scalars, empty objects and arrays); past `maxValues`, the scan stopped. */
  values: number;
  /** Which limit stopped the scan, if any. */
  exceeded?: "depth" | "values";
  /** The first repeated key, as the JSON Pointer (RFC 6901) of its second occurrence. */
  duplicateKey?: string;
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_OBJECT = 123; // {
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91; // [
const CLOSE_ARRAY = 93;

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** Keys of one open object: a list while short, a set once it grows. */
interface Frame {
  object: boolean;
  keys: string[];
  set: Set<string> | undefined;
  /** Objects: the current member's key; arrays: the current element's index. */
  last: string;
  index: number;
}

/**
 * Scans `text` once (see the module comment). Strings are skipped with `indexOf`, keys are compared
 * within their object only. On a credential file it costs about what `JSON.parse` does (0.95× on a
 * pretty-printed file, 0.7× on compact JSON: ~6 µs, under 7 % of the offline checks); on a hostile
 * file it stops at the limits.
 *
 * @example
 * scanJson('{"a":1,"a":2}', { maxDepth: 32, maxValues: 2000 }).duplicateKey; // "/a"
 * scanJson("[".repeat(40) + "]".repeat(40), { maxDepth: 32, maxValues: 2000 }).exceeded; // "depth"
 */
export function scanJson(text: string, limits: JsonLimits): JsonShape {
  const frames: Frame[] = [];
  let depth = 0;
  let maxDepth = 0;
  let values = 0;
  let expectKey = false;
  let previous = 0; // last structural character
  let nextBackslash = text.indexOf("\\");
  const n = text.length;
  let i = 0;
  const pointer = (key: string) =>
    frames
      .slice(0, depth - 1)
      .map((f) => `/${f.object ? escapePointer(f.last) : f.index}`)
      .join("") + `/${escapePointer(key)}`;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 32) {
      // Whitespace (other control characters are not JSON outside strings: the parse reports them);
      // pretty-printed files are a third indentation, so runs are skipped in a tight loop.
      while (++i < n && text.charCodeAt(i) === 32);
      continue;
    }
    if (c === QUOTE) {
      // The end of the string: the next quote not escaped by an odd run of backslashes.
      if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = text.indexOf("\\", i);
      let end = text.indexOf('"', i + 1);
      const escaped = nextBackslash !== -1 && nextBackslash < end;
      if (escaped) {
        for (;;) {
          if (end === -1) break;
          let backslashes = 0;
          while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
          if (backslashes % 2 === 0) break;
          end = text.indexOf('"', end + 1);
        }
      }
      if (end === -1) end = n;
      if (expectKey) {
        const frame = frames[depth - 1]!;
        let key = text.slice(i + 1, end);
        if (escaped) {
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            // Not JSON: the parse reports it.
          }
        }
        frame.last = key;
        let seen: boolean;
        if (frame.set) {
          seen = frame.set.has(key);
          frame.set.add(key);
        } else {
          seen = frame.keys.includes(key);
          frame.keys.push(key);
          if (frame.keys.length > 16) frame.set = new Set(frame.keys);
        }
        if (seen) return { depth: maxDepth, values, duplicateKey: pointer(key) };
        expectKey = false;
        // The colon usually follows at once (`"key": value`): take it here, and the space after it.
        if (text.charCodeAt(end + 1) === COLON) {
          i = text.charCodeAt(end + 2) === 32 ? end + 3 : end + 2;
          previous = COLON;
          continue;
        }
      } else if (++values > limits.maxValues) {
        return { depth: maxDepth, values, exceeded: "values" };
      }
      previous = QUOTE;
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth && (maxDepth = depth) > limits.maxDepth) return { depth: maxDepth, values, exceeded: "depth" };
      let frame = frames[depth - 1];
      if (!frame) frames.push((frame = { object: false, keys: [], set: undefined, last: "", index: 0 }));
      frame.object = c === OPEN_OBJECT;
      frame.keys.length = 0;
      frame.set = undefined;
      frame.index = 0;
      expectKey = frame.object;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      // An empty object or array is a value of its own (a field of the digest).
      const empty = previous === OPEN_OBJECT || previous === OPEN_ARRAY;
      if (empty && ++values > limits.maxValues) return { depth: maxDepth, values, exceeded: "values" };
      if (depth > 0) depth--;
      expectKey = false;
    } else if (c === COMMA) {
      const frame = frames[depth - 1];
      if (frame?.object) expectKey = true;
      else if (frame) frame.index++;
    } else if (c === COLON) {
      expectKey = false;
    } else {
      // A number, true, false or null: one value, up to the next delimiter.
      if (++values > limits.maxValues) return { depth: maxDepth, values, exceeded: "values" };
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d <= 32) break;
        i++;
      }
      previous = 0;
      continue;
    }
    previous = c;
    i++;
  }
  return { depth: maxDepth, values };
}

/**
 * The first string (key or value) of a parsed JSON value holding a lone UTF-16 surrogate, as a JSON
 * Pointer; undefined when there is none. I-JSON (RFC 7493), which RFC 8785 canonical JSON requires,
 * forbids them: two such keys can encode to the same UTF-8 and so tie in the sorted order of salts.
 */
export function loneSurrogateAt(value: unknown, pointer = "", text?: string): string | undefined {
  // Most documents hold no surrogate at all: one native pass over their JSON text (given, or written) says so.
  if (pointer === "" && typeof value === "object" && value !== null && !ANY_SURROGATE.test(text ?? JSON.stringify(value))) return undefined;
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? pointer : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const at = `${pointer}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (typeof key === "string" && LONE_SURROGATE.test(key)) return at;
    const found = loneSurrogateAt(child, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

// JSON.stringify writes a lone surrogate as a \udXXX escape and a pair as the characters themselves.
const ANY_SURROGATE = /[\uD800-\uDFFF]|\\u[dD][89abcdefABCDEF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
