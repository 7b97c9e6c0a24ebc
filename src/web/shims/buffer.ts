import { Buffer } from "buffer/";

/**
 * `node:buffer` in the browser bundle: the `buffer` package's Buffer (the one every bundler uses) with Node's
 * `base64url` encoding (Node ≥ 15.7), which the package (v6) lacks and src/batch/v3/merkle-proof.ts uses to read a
 * credential's proof. Decoding goes through the package's base64 decoder (it reads the URL-safe alphabet too);
 * encoding maps base64's alphabet and drops the padding, as Node does.
 */

const isBase64url = (encoding: unknown): boolean => typeof encoding === "string" && encoding.toLowerCase() === "base64url";

const from = Buffer.from.bind(Buffer) as (...args: unknown[]) => Buffer;
Buffer.from = function (value: unknown, encodingOrOffset?: unknown, length?: unknown): Buffer {
  return typeof value === "string" && isBase64url(encodingOrOffset) ? from(value, "base64") : from(value, encodingOrOffset, length);
} as typeof Buffer.from;

const toString = Buffer.prototype.toString;
Buffer.prototype.toString = function (this: Buffer, encoding?: string, start?: number, end?: number): string {
  if (!isBase64url(encoding)) return toString.call(this, encoding, start, end);
  return toString.call(this, "base64", start, end).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const isEncoding = Buffer.isEncoding.bind(Buffer);
Buffer.isEncoding = (encoding: string): boolean => isBase64url(encoding) || isEncoding(encoding);

const byteLength = Buffer.byteLength.bind(Buffer) as (...args: unknown[]) => number;
Buffer.byteLength = function (value: unknown, encoding?: unknown): number {
  return byteLength(value, isBase64url(encoding) ? "base64" : encoding);
} as typeof Buffer.byteLength;

export * from "buffer/";
export { Buffer };
