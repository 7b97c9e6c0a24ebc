import { createHash, createHmac, randomBytes } from "node:crypto";
import canonicalizeModule from "canonicalize";

// The package's CommonJS typings do not describe its default export as callable under NodeNext.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;
import type { Hex } from "viem";

/**
 * Salted, selectively disclosable digests of a credential.
 *
 * The credential is split into fields, each addressed by its JSON Pointer (RFC 6901). Each field
 * is hashed with its own 128-bit salt: `fieldDigest = sha256(JCS([salt, pointer, value]))` (JCS =
 * RFC 8785 canonical JSON). The credential digest is `sha256` of the sorted field digests. A holder
 * who hides a field shows its digest instead of its value and salt: the credential digest, and so
 * the Merkle leaf, still verify, and the hidden value cannot be guessed from the digest.
 *
 * Salts are derived from one 256-bit seed per credential drawn from a CSPRNG:
 * `salt = HMAC-SHA256(seed, pointer)[0..16]`. Revealing one field's salt reveals nothing about the
 * others; the issuer and holder keep the seed.
 *
 * Subtrees that are public to everyone holding the credential and never disclosed in part (the
 * achievement description, the issuer profile) are one field each: see {@link ATOMIC_POINTERS}.
 */
export const ATOMIC_POINTERS: readonly string[] = ["/@context", "/type", "/issuer", "/credentialSubject/achievement"];

/** A field of a credential: its JSON Pointer and its value. */
export interface Field {
  pointer: string;
  value: unknown;
}

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** Splits a JSON document into fields (leaf values, and the atomic subtrees whole). */
export function toFields(document: unknown, atomic: readonly string[] = ATOMIC_POINTERS): Field[] {
  const fields: Field[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (atomic.includes(pointer) || value === null || typeof value !== "object") {
      fields.push({ pointer, value });
      return;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) {
      fields.push({ pointer, value });
      return;
    }
    for (const [key, child] of entries) walk(child, `${pointer}/${escapePointer(key)}`);
  };
  walk(document, "");
  return fields;
}

/** A fresh 256-bit salt seed from the CSPRNG. */
export function newSaltSeed(): Hex {
  return `0x${randomBytes(32).toString("hex")}`;
}

/** The 128-bit salt of the field at `pointer`, derived from the credential's seed. */
export function saltFor(seed: Hex, pointer: string): Hex {
  return `0x${createHmac("sha256", Buffer.from(seed.slice(2), "hex")).update(pointer).digest("hex").slice(0, 32)}`;
}

/** Canonical (RFC 8785) JSON of a value; throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON representation");
  return text;
}

/** Digest of one salted field. */
export function fieldDigest(salt: Hex, pointer: string, value: unknown): Hex {
  return `0x${createHash("sha256").update(canonicalJson([salt, pointer, value])).digest("hex")}`;
}

/** Digest of a credential from the digests of all its fields (disclosed or hidden), in any order. */
export function digestOfFieldDigests(digests: readonly Hex[]): Hex {
  const sorted = [...digests].map((d) => d.toLowerCase()).sort();
  const hash = createHash("sha256");
  for (const d of sorted) hash.update(Buffer.from(d.slice(2), "hex"));
  return `0x${hash.digest("hex")}`;
}

/** The digests of every field of `document`, salted from `seed`. */
export function fieldDigests(document: unknown, seed: Hex): Hex[] {
  return toFields(document).map((f) => fieldDigest(saltFor(seed, f.pointer), f.pointer, f.value));
}

/**
 * The salted digest of a whole credential document.
 *
 * @example
 * const seed = newSaltSeed();
 * const digest = credentialDigest(vc, seed); // 0x… (32 bytes), goes into the Merkle leaf
 */
export function credentialDigest(document: unknown, seed: Hex): Hex {
  return digestOfFieldDigests(fieldDigests(document, seed));
}
