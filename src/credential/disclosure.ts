import { createHmac, hash, randomFillSync } from "node:crypto";
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

const ATOMIC_SET = new Set(ATOMIC_POINTERS);

/** A field of a credential: its JSON Pointer and its value. */
export interface Field {
  pointer: string;
  value: unknown;
}

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** Splits a JSON document into fields (leaf values, and the atomic subtrees whole). */
export function toFields(document: unknown, atomic: readonly string[] = ATOMIC_POINTERS): Field[] {
  const fields: Field[] = [];
  const atomicSet = atomic === ATOMIC_POINTERS ? ATOMIC_SET : new Set(atomic);
  const walk = (value: unknown, pointer: string) => {
    if (atomicSet.has(pointer) || value === null || typeof value !== "object") {
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

// CSPRNG output is drawn 8 KiB at a time (as `crypto.randomUUID` does): one system call per 256 seeds.
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;

/** A fresh 256-bit salt seed from the CSPRNG. */
export function newSaltSeed(): Hex {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const seed = pool.toString("hex", poolOffset, poolOffset + 32);
  pool.fill(0, poolOffset, (poolOffset += 32)); // a seed handed out is not kept
  return `0x${seed}`;
}

/** The 128-bit salt of the field at `pointer`, derived from the credential's seed. */
export function saltFor(seed: Hex, pointer: string): Hex {
  return saltWithKey(Buffer.from(seed.slice(2), "hex"), pointer);
}

function saltWithKey(key: Buffer, pointer: string): Hex {
  return `0x${createHmac("sha256", key).update(pointer).digest("hex").slice(0, 32)}`;
}

const shared = new WeakMap<object, string>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * Deep-freezes `value` and remembers its canonical JSON, so that the digests of many credentials
 * sharing this very object (the achievement and issuer of a batch) serialise it once. Returns `value`.
 */
export function shareCanonical<T extends object>(value: T): T {
  deepFreeze(value);
  if (!shared.has(value)) shared.set(value, canonicalJson(value));
  return value;
}

/** Canonical (RFC 8785) JSON of a value; throws on values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value); // JCS serialises these exactly as JSON.stringify
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("value has no JSON representation");
      return JSON.stringify(value);
    case "object": {
      const known = value === null ? undefined : shared.get(value);
      if (known !== undefined) return known;
    }
  }
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("value has no JSON representation");
  return text;
}

/**
 * Digest of one salted field: `sha256(JCS([salt, pointer, value]))`. The array's canonical form is
 * assembled from its parts (JCS serialises strings exactly as `JSON.stringify`), so a shared value
 * is serialised once per batch, not once per credential.
 */
export function fieldDigest(salt: Hex, pointer: string, value: unknown): Hex {
  return `0x${hash("sha256", `[${JSON.stringify(salt)},${JSON.stringify(pointer)},${canonicalJson(value)}]`, "hex")}`;
}

/** Digest of a credential from the digests of all its fields (disclosed or hidden), in any order. */
export function digestOfFieldDigests(digests: readonly Hex[]): Hex {
  const sorted = digests.map((d) => d.slice(2).toLowerCase()).sort();
  return `0x${hash("sha256", Buffer.from(sorted.join(""), "hex"), "hex")}`;
}

/** The digests of every field of `document`, salted from `seed`. */
export function fieldDigests(document: unknown, seed: Hex): Hex[] {
  const key = Buffer.from(seed.slice(2), "hex");
  return toFields(document).map((f) => fieldDigest(saltWithKey(key, f.pointer), f.pointer, f.value));
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
