import { sha256 } from "@noble/hashes/sha2";
import canonicalizeModule from "canonicalize";
import { bytesToHex, hexToBytes, type Hex } from "viem";

// The package's CommonJS typings do not describe its default export as callable under NodeNext.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/**
 * Fields, salts and digests of a v3 document (docs/spec.md §3) for the holder's side, with no Node API
 * (`@noble/hashes`, `canonicalize`, viem): the same definitions as `src/credential/disclosure.ts`, which a test
 * checks this module against. Browser code (the wallet) derives credentials with it.
 */

/** The atomic pointers (§3.1): shared by a batch, public to every holder, never disclosed in part. */
export const ATOMIC: readonly string[] = ["/@context", "/type", "/issuer", "/credentialSubject/achievement"];

/** One field (§3.1): its JSON pointer and value; `inArray`: an array element, whole. */
export interface DocField {
  pointer: string;
  value: unknown;
  inArray: boolean;
}

const escape = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1");
const utf8 = new TextEncoder();

/**
 * Compares two pointers by their UTF-8 bytes, unsigned (§3.1: the sorted order). UTF-8 keeps the order of code
 * points, which is UTF-16's below the surrogates: a first difference between two such code units decides at once.
 */
export function comparePointers(a: string, b: string): number {
  const common = Math.min(a.length, b.length);
  let i = 0;
  while (i < common && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === common) return i > 0 && a.charCodeAt(i - 1) >= 0xd800 ? compareUtf8(a, b) : a.length - b.length;
  const [p, q] = [a.charCodeAt(i), b.charCodeAt(i)];
  return p < 0xd800 && q < 0xd800 ? p - q : compareUtf8(a, b);
}

/** {@link comparePointers} by encoding both (any strings, lone surrogates as U+FFFD). */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * The fields of a document under scheme 2 (§3.1), sorted by pointer in UTF-8 byte order.
 *
 * @example
 * docFields({ name: "x", credentialSubject: { result: [{ value: "8" }] } }).map((f) => f.pointer);
 * // ["/credentialSubject/result/0", "/name"]
 */
export function docFields(document: unknown): DocField[] {
  const out: DocField[] = [];
  const visit = (value: unknown, pointer: string, inArray: boolean) => {
    if (ATOMIC.includes(pointer) || value === null || typeof value !== "object" || inArray) {
      out.push({ pointer, value, inArray });
      return;
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [String(i), v])
      : Object.entries(value).map(([k, v]) => [escape(k), v]);
    if (entries.length === 0) out.push({ pointer, value, inArray });
    for (const [name, child] of entries) visit(child, `${pointer}/${name}`, Array.isArray(value));
  };
  visit(document, "", false);
  return out.sort((a, b) => comparePointers(a.pointer, b.pointer));
}

/** RFC 8785 JSON of a value; a TypeError for a value JSON cannot represent. */
export function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON representation");
  return text;
}

/** `SHA-256(JCS([salt, pointer, value]))` (§3.3); `salt` as `0x` and 32 lowercase hex digits. */
export function fieldDigestOf(salt: Hex, pointer: string, value: unknown): Hex {
  return bytesToHex(sha256(utf8.encode(jcs([salt.toLowerCase(), pointer, value]))));
}

/** `SHA-256` of the field digests sorted as unsigned 32-byte strings and joined (§3.4). */
export function digestOfDigests(digests: readonly Hex[]): Hex {
  const sorted = digests.map((d) => d.slice(2).toLowerCase()).sort();
  return bytesToHex(sha256(hexToBytes(`0x${sorted.join("")}`)));
}

/** Multibase base64url (no padding) of bytes, and back: `u…` (§6.2), without Node's Buffer. */
export function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The 6-bit value of each ASCII character of the base64url alphabet; -1 for any other. */
const SEXTETS = Int8Array.from({ length: 128 }, (_, c) => BASE64URL.indexOf(String.fromCharCode(c)));

/**
 * Bytes of base64url text; undefined unless it is the canonical encoding of those bytes: only the alphabet, no
 * padding, not 4k + 1 characters, and the unused low bits of the last character zero (what re-encoding checks).
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  const rest = text.length % 4;
  if (rest === 1) return undefined;
  const bytes = new Uint8Array(((text.length - rest) / 4) * 3 + (rest ? rest - 1 : 0));
  let bits = 0;
  let pending = 0; // the low `pending` bits of `bits` are not yet written
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const value = c < 128 ? SEXTETS[c]! : -1;
    if (value < 0) return undefined;
    bits = (bits << 6) | value;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes[j++] = bits >> pending;
      bits &= (1 << pending) - 1;
    }
  }
  return bits === 0 ? bytes : undefined;
}
