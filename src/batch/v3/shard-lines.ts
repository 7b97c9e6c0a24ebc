import type { Hex } from "viem";
import { canonicalJson, shareCanonical } from "../../credential/disclosure.js";
import { SHARED_POINTERS } from "../../credential/v3/template.js";

/**
 * The lines of a v3 batch's JSON Lines shards: `{"credential": …, "saltSeed": …}`, one credential
 * a line, each part every credential shares (the manifest's `shared`, by JSON Pointer) written as
 * `null` in its place. No proof is stored: a reader recomputes the shard's leaves from its lines,
 * checks the shard root against the manifest and derives each proof ({@link readCredentials}).
 * A credential costs its own fields and seed, not the batch's achievement and issuer again.
 */

/** Splits a pointer into its keys (RFC 6901 unescaped). */
const keysOf = (pointer: string) => pointer.slice(1).split("/").map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));

/** A copy of `credential` with the value at each of `pointers` replaced by `null` (parents copied, not shared). */
function withPlaceholders(credential: Record<string, unknown>, pointers: readonly string[]): Record<string, unknown> {
  const out = { ...credential };
  for (const pointer of pointers) {
    const keys = keysOf(pointer);
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const child = node[key];
      if (child === null || typeof child !== "object" || Array.isArray(child)) break;
      node = node[key] = { ...(child as Record<string, unknown>) };
    }
    const last = keys[keys.length - 1]!;
    if (Object.prototype.hasOwnProperty.call(node, last)) node[last] = null;
  }
  return out;
}

/** The shard line of a credential built from a v3 template (its shared parts are the template's). */
export function shardLine(credential: Record<string, unknown>, saltSeed: Hex): string {
  return JSON.stringify({ credential: withPlaceholders(credential, SHARED_POINTERS), saltSeed });
}

/** The value at `pointer` (simple object keys), or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const key of keysOf(pointer)) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/**
 * The shard line of a credential given whole (JSON Lines input): each part equal (canonical JSON)
 * to the batch's shared part is stored as `null`; a part that differs is stored as it is.
 */
export function shardLineMatching(credential: Record<string, unknown>, saltSeed: Hex, shared: ReadonlyMap<string, string>): string {
  const same = [...shared].filter(([pointer, canonical]) => {
    const value = valueAt(credential, pointer);
    return value !== undefined && value !== null && canonicalJson(value) === canonical;
  });
  return JSON.stringify({ credential: withPlaceholders(credential, same.map(([p]) => p)), saltSeed });
}

/**
 * Puts `shared[pointer]` where a line holds `null` at `pointer`, in place, by reference: pass values
 * frozen by `shareCanonical` (see {@link sharedParts}), so every credential of a shard shares them and
 * their canonical JSON is computed once. Returns `credential`.
 */
export function restoreShared(credential: Record<string, unknown>, shared: Readonly<Record<string, unknown>>): Record<string, unknown> {
  for (const [pointer, value] of Object.entries(shared)) {
    const keys = keysOf(pointer);
    let node: Record<string, unknown> | undefined = credential;
    for (const key of keys.slice(0, -1)) {
      const child: unknown = node[key];
      node = child !== null && typeof child === "object" && !Array.isArray(child) ? (child as Record<string, unknown>) : undefined;
      if (!node) break;
    }
    const last = keys[keys.length - 1]!;
    if (node && node[last] === null) node[last] = value;
  }
  return credential;
}

/** A manifest's `shared` parts, each deep-frozen with its canonical JSON remembered (for {@link restoreShared}). */
export function sharedParts(shared: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [pointer, value] of Object.entries(shared)) out[pointer] = value !== null && typeof value === "object" ? shareCanonical(value) : value;
  return Object.freeze(out);
}
