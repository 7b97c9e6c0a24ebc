import { keccak_256 } from "@noble/hashes/sha3";
import { createKeccak, type IHasher } from "hash-wasm";

/**
 * keccak-256 for the hot paths (leaves and tree nodes).
 *
 * `hash-wasm`'s WebAssembly keccak runs 11–15× faster than the pure-JS `@noble/hashes` one on this
 * machine (64-byte and 320-byte inputs; `npm run bench` measures it side by side). WebAssembly
 * can only be instantiated asynchronously, so until {@link keccakReady} has resolved the same
 * digest comes from `@noble/hashes`: results never depend on which one ran.
 */
let wasm: IHasher | undefined;

/** Resolves once the WebAssembly keccak is in use. Await it before hashing in bulk. */
export const keccakReady: Promise<void> = createKeccak(256).then(
  (hasher) => {
    wasm = hasher;
  },
  () => undefined, // no WebAssembly: stay on @noble/hashes
);

/** keccak-256 of `data` (32 bytes, fresh array). */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  if (!wasm) return keccak_256(data);
  wasm.init();
  wasm.update(data);
  return wasm.digest("binary");
}

const lowerHex = /^0x[0-9a-f]{40}$/;

/**
 * The EIP-55 checksummed form of an address (any case in, `0x` + 40 hex digits). Equal to viem's
 * `getAddress`, on the fast keccak: a million-row learners file checksums every wallet.
 */
export function checksumAddress(address: string): `0x${string}` {
  const lower = address.toLowerCase();
  if (!lowerHex.test(lower)) throw new TypeError(`not an address: ${address}`);
  const hex = lower.slice(2);
  const digest = keccak256Bytes(Buffer.from(hex, "latin1"));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? digest[i >> 1]! >> 4 : digest[i >> 1]! & 0x0f;
    out += nibble >= 8 ? hex[i]!.toUpperCase() : hex[i]!;
  }
  return out as `0x${string}`;
}
