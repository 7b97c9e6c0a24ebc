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

const ANY_CASE_HEX = /^0x[0-9a-fA-F]{40}$/;
const ZERO_ADDRESS = /^0x0{40}$/;

const isOneCase = (address: string) => {
  const hex = address.slice(2);
  return hex === hex.toLowerCase() || hex === hex.toUpperCase();
};

/** Why `address` is not one at all, or is the zero address; undefined otherwise. */
function shapeProblem(address: string): string | undefined {
  if (!ANY_CASE_HEX.test(address)) return "expected a 0x-prefixed 20-byte address";
  if (ZERO_ADDRESS.test(address)) return "the zero address is nobody's account";
  return undefined;
}

const checksumProblem = (checksummed: string) => `wrong EIP-55 checksum (a typo?): the checksummed form of these digits is ${checksummed}`;

/**
 * Why `address` cannot name an account, or undefined when it can: not `0x` + 40 hex digits; the
 * zero address (nobody's key); or mixed case whose EIP-55 checksum is wrong (a typo). All-lowercase
 * and all-uppercase hex carry no checksum and are accepted, as EIP-55 says.
 *
 * @example
 * addressProblem("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"); // undefined
 * addressProblem("0x70997970c51812dc3A010C7d01b50e0d17dc79C8"); // "wrong EIP-55 checksum (…)"
 */
export function addressProblem(address: string): string | undefined {
  const problem = shapeProblem(address);
  if (problem || isOneCase(address)) return problem;
  const checksummed = checksumAddress(address);
  return checksummed === address ? undefined : checksumProblem(checksummed);
}

/**
 * An account address in its checksummed form, or why it is not one ({@link addressProblem}'s rules),
 * with one keccak.
 *
 * @example
 * readAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"); // { ok: true, address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" }
 */
export function readAddress(address: string): { ok: true; address: `0x${string}` } | { ok: false; reason: string } {
  const problem = shapeProblem(address);
  if (problem) return { ok: false, reason: problem };
  const checksummed = checksumAddress(address);
  if (checksummed !== address && !isOneCase(address)) return { ok: false, reason: checksumProblem(checksummed) };
  return { ok: true, address: checksummed };
}
