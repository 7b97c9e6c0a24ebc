/**
 * Globals Node provides and shared modules use without importing (injected into the browser bundle by
 * esbuild's `inject`): `Buffer` (the `buffer` package, the browser Buffer every bundler uses).
 *
 * The `buffer` package (6.0.3) lacks Node's `base64url` encoding, which the v3 Merkle proof reads and writes
 * (src/batch/v3/merkle-proof.ts): `Buffer.from(text, "base64url")` and `buf.toString("base64url")` are added here,
 * on the package's own Buffer, so an `import { Buffer } from "node:buffer"` gets them too.
 */
import { Buffer } from "buffer";

type Encoding = Parameters<typeof Buffer.isEncoding>[0];
const isBase64url = (encoding: unknown) => typeof encoding === "string" && encoding.toLowerCase() === "base64url";

if (!Buffer.isEncoding("base64url")) {
  const B = Buffer as unknown as {
    from: (...args: unknown[]) => Buffer;
    isEncoding: (encoding: string) => boolean;
    prototype: { toString: (...args: unknown[]) => string };
  };
  const from = B.from;
  B.from = function (this: unknown, value: unknown, encoding?: unknown, length?: unknown) {
    // Node decodes base64url leniently (either alphabet, padding optional); so does the package's base64.
    if (typeof value === "string" && isBase64url(encoding))
      return from.call(this, value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    return from.call(this, value, encoding, length);
  };
  const isEncoding = B.isEncoding;
  B.isEncoding = (encoding: string) => isBase64url(encoding) || isEncoding(encoding as Encoding);
  const toString = B.prototype.toString;
  B.prototype.toString = function (this: unknown, ...args: unknown[]) {
    if (!isBase64url(args[0])) return toString.apply(this, args);
    return toString.call(this, "base64", args[1], args[2]).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
}

export { Buffer };
