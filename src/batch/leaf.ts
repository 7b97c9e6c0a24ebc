import { bytesToHex, keccak256, toHex, type Address, type Hex } from "viem";
import { keccak256Bytes } from "../credential/keccak.js";

/**
 * The Merkle leaf of a credential. Double-hashed, as OpenZeppelin's StandardMerkleTree, so that no
 * inner node (64 bytes) can be passed off as a leaf (second-preimage safe). Format v3 (docs/spec.md):
 *
 *   leaf = keccak256(bytes.concat(keccak256(abi.encode(
 *            LEAF_TAG_V3, chainId, registry, issuer, index,
 *            achievementId, creditsCenti, eqfLevel, awardedAt, holder, credentialDigest))))
 *
 * Formats v1 and v2 (frozen; their batches keep verifying off chain) have no `issuer` word and the
 * tag `LEAF_TAG = keccak256("credstack.leaf.v1")`. A {@link LeafFields} with an `issuer` is a v3 leaf.
 *
 * - `LEAF_TAG_V3 = keccak256("credstack.leaf.v3")`: format tag (domain separation, versioning);
 * - `chainId`, `registry`: the leaf is only valid for one registry on one chain (no replay);
 * - `issuer`: the issuer account whose batch holds the leaf, so that another issuer's copy of the
 *   root verifies none of its credentials (v3);
 * - `index`: the leaf's index in the batch, so that revocation by index cannot hit another credential;
 * - `achievementId = keccak256(achievement URI)`, `creditsCenti` (ECTS × 100), `eqfLevel`,
 *   `awardedAt` (unix seconds), `holder`: the public fields stacking needs, so a contract can recompute the leaf;
 * - `credentialDigest`: the salted digest of the whole credential (see credential/disclosure.ts).
 *
 * `contracts/libraries/CredentialLeaf.sol` computes the same value on chain.
 */
export const LEAF_TAG: Hex = keccak256(toHex("credstack.leaf.v1"));
/** The tag of format v3 leaves (`CredentialLeaf.LEAF_TAG` on chain). */
export const LEAF_TAG_V3: Hex = keccak256(toHex("credstack.leaf.v3"));

/** The public part of a leaf. */
export interface LeafFields {
  chainId: number;
  registry: Address;
  /** The issuer account (format v3 leaves); absent in v1/v2 leaves. */
  issuer?: Address;
  index: number;
  achievementId: Hex;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
  holder: Address;
  credentialDigest: Hex;
}

/** The ABI types of a v1/v2 inner preimage, in order (the leaf's `abi.encode` layout: ten 32-byte words). */
export const LEAF_ABI = [
  { type: "bytes32" },
  { type: "uint256" },
  { type: "address" },
  { type: "uint256" },
  { type: "bytes32" },
  { type: "uint32" },
  { type: "uint8" },
  { type: "uint40" },
  { type: "address" },
  { type: "bytes32" },
] as const;

/** The ABI types of a v3 inner preimage: v1's with the issuer after the registry (eleven words). */
export const LEAF_ABI_V3 = [...LEAF_ABI.slice(0, 3), { type: "address" }, ...LEAF_ABI.slice(3)] as const;

const TAG_BYTES = Buffer.from(LEAF_TAG.slice(2), "hex");
const TAG_V3_BYTES = Buffer.from(LEAF_TAG_V3.slice(2), "hex");

function putUint(out: Uint8Array, word: number, value: number, bits: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || (bits < 53 && value >= 2 ** bits)) throw new RangeError(`leaf field ${name} out of range for uint${bits}: ${value}`);
  const view = new DataView(out.buffer, out.byteOffset + word * 32 + 24, 8);
  view.setUint32(0, Math.floor(value / 2 ** 32));
  view.setUint32(4, value >>> 0);
}

function putHex(out: Uint8Array, word: number, hex: Hex, bytes: 20 | 32, name: string): void {
  if (hex.length !== 2 + bytes * 2) throw new RangeError(`leaf field ${name} must be ${bytes} bytes of hex`);
  const written = Buffer.from(out.buffer, out.byteOffset + word * 32 + 32 - bytes, bytes).write(hex.slice(2), "hex");
  if (written !== bytes) throw new RangeError(`leaf field ${name} is not hex`);
}

/**
 * The inner preimage: `abi.encode(LEAF_TAG_V3, chainId, registry, issuer, index, achievementId,
 * creditsCenti, eqfLevel, awardedAt, holder, credentialDigest)` (352 bytes) for a v3 leaf, the same
 * without `issuer` under `LEAF_TAG` (320 bytes) for v1/v2. Every type is static, so each value is
 * one left-padded 32-byte word; this writes them directly (tests check it equals viem's
 * `encodeAbiParameters(LEAF_ABI_V3, …)`), because the generic encoder costs more than the hashing.
 */
export function encodeLeafBytes(f: LeafFields): Uint8Array {
  const v3 = f.issuer !== undefined ? 1 : 0;
  const out = new Uint8Array(320 + 32 * v3);
  out.set(v3 ? TAG_V3_BYTES : TAG_BYTES, 0);
  putUint(out, 1, f.chainId, 256, "chainId");
  putHex(out, 2, f.registry, 20, "registry");
  if (v3) putHex(out, 3, f.issuer!, 20, "issuer");
  putUint(out, 3 + v3, f.index, 256, "index");
  putHex(out, 4 + v3, f.achievementId, 32, "achievementId");
  putUint(out, 5 + v3, f.creditsCenti, 32, "creditsCenti");
  putUint(out, 6 + v3, f.eqfLevel, 8, "eqfLevel");
  putUint(out, 7 + v3, f.awardedAt, 40, "awardedAt");
  putHex(out, 8 + v3, f.holder, 20, "holder");
  putHex(out, 9 + v3, f.credentialDigest, 32, "credentialDigest");
  return out;
}

/** ABI encoding of the leaf fields (the inner preimage), as hex. */
export function encodeLeaf(f: LeafFields): Hex {
  return bytesToHex(encodeLeafBytes(f));
}

/** The leaf hash of a credential, as bytes. */
export function leafHashBytes(f: LeafFields): Uint8Array {
  return keccak256Bytes(keccak256Bytes(encodeLeafBytes(f)));
}

/** The leaf hash of a credential. */
export function leafHash(f: LeafFields): Hex {
  return bytesToHex(leafHashBytes(f));
}

/** `keccak256` of an achievement's URI: its id in leaves and on chain (remembered: a batch's credentials share it). */
export function achievementIdOf(uri: string): Hex {
  let id = achievementIds.get(uri);
  if (id === undefined) {
    if (achievementIds.size >= 10_000) achievementIds.clear();
    achievementIds.set(uri, (id = keccak256(toHex(uri))));
  }
  return id;
}

const achievementIds = new Map<string, Hex>();

/** The public facts of a credential its v3 leaf binds, read from its document (`credentialFactsV3`). */
export interface LeafFacts {
  achievementUri: string;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
  holder: Address;
}

/** The fields of a v3 leaf: where (chain, registry), whose (issuer), which (index), what (facts, digest). */
export function leafFieldsV3(
  at: { chainId: number; registry: Address; issuer: Address; index: number },
  facts: LeafFacts,
  credentialDigest: Hex,
): LeafFields & { issuer: Address } {
  return {
    chainId: at.chainId,
    registry: at.registry,
    issuer: at.issuer,
    index: at.index,
    achievementId: achievementIdOf(facts.achievementUri),
    creditsCenti: facts.creditsCenti,
    eqfLevel: facts.eqfLevel,
    awardedAt: facts.awardedAt,
    holder: facts.holder,
    credentialDigest,
  };
}
