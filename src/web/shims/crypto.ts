import { hmac } from "@noble/hashes/hmac";
import { sha1 } from "@noble/hashes/legacy";
import { sha256 } from "@noble/hashes/sha2";
import { Buffer } from "buffer";

/**
 * `node:crypto` in the browser bundle: the part of it the shared modules call (src/credential,
 * src/verify), on @noble/hashes and the Web Crypto API. Anything else throws, naming itself.
 */

type Algorithm = "sha256" | "sha1";
type Input = string | Uint8Array;
type Encoding = "hex" | "buffer" | "base64" | undefined;

const HASHES = { sha256, sha1 } as const;

function hashOf(algorithm: string): (typeof HASHES)[Algorithm] {
  const h = HASHES[algorithm as Algorithm];
  if (!h) throw new Error(`node:crypto in the browser bundle: hash ${algorithm} is not available`);
  return h;
}

const bytesOf = (data: Input, encoding?: BufferEncoding): Uint8Array =>
  typeof data === "string" ? Buffer.from(data, encoding ?? "utf8") : data;

function output(digest: Uint8Array, encoding: Encoding): string | Buffer {
  const b = Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
  return encoding === undefined || encoding === "buffer" ? b : b.toString(encoding);
}

/** A running hash or HMAC with Node's chainable `update` / `digest`. */
class Digest {
  constructor(private readonly state: { update(b: Uint8Array): unknown; digest(): Uint8Array }) {}
  update(data: Input, encoding?: BufferEncoding): this {
    this.state.update(bytesOf(data, encoding));
    return this;
  }
  digest(): Buffer;
  digest(encoding: "hex" | "base64"): string;
  digest(encoding?: Encoding): string | Buffer {
    return output(this.state.digest(), encoding);
  }
}

export function createHash(algorithm: string): Digest {
  return new Digest(hashOf(algorithm).create());
}

export function createHmac(algorithm: string, key: Input): Digest {
  return new Digest(hmac.create(hashOf(algorithm), bytesOf(key)));
}

/** Node 21.7's one-shot `crypto.hash(algorithm, data, outputEncoding = "hex")`. */
export function hash(algorithm: string, data: Input, outputEncoding: Encoding = "hex"): string | Buffer {
  return output(hashOf(algorithm)(bytesOf(data)), outputEncoding);
}

const MAX_RANDOM = 65_536; // getRandomValues' limit per call

export function randomFillSync<T extends ArrayBufferView>(view: T): T {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i += MAX_RANDOM)
    globalThis.crypto.getRandomValues(bytes.subarray(i, i + MAX_RANDOM));
  return view;
}

export function randomBytes(size: number): Buffer {
  return randomFillSync(Buffer.alloc(size));
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

export default { createHash, createHmac, hash, randomFillSync, randomBytes, randomUUID };
