import { encodeAbiParameters, keccak256, toHex, type Address, type Hex } from "viem";

/**
 * The Merkle leaf of a credential. Double-hashed, as OpenZeppelin's StandardMerkleTree, so that no
 * inner node (64 bytes) can be passed off as a leaf (second-preimage safe):
 *
 *   leaf = keccak256(bytes.concat(keccak256(abi.encode(
 *            LEAF_TAG, chainId, registry, index,
 *            achievementId, creditsCenti, eqfLevel, awardedAt, holder, credentialDigest))))
 *
 * - `LEAF_TAG = keccak256("credstack.leaf.v1")`: format tag (domain separation, versioning);
 * - `chainId`, `registry`: the leaf is only valid for one registry on one chain (no replay);
 * - `index`: the leaf's index in the batch, so that revocation by index cannot hit another credential;
 * - `achievementId = keccak256(achievement URI)`, `creditsCenti` (ECTS × 100), `eqfLevel`,
 *   `awardedAt` (unix seconds), `holder`: the public fields stacking needs, so a contract can recompute the leaf;
 * - `credentialDigest`: the salted digest of the whole credential (see credential/disclosure.ts).
 *
 * `contracts/libraries/CredentialLeaf.sol` computes the same value on chain.
 */
export const LEAF_TAG: Hex = keccak256(toHex("credstack.leaf.v1"));

/** The public part of a leaf. */
export interface LeafFields {
  chainId: number;
  registry: Address;
  index: number;
  achievementId: Hex;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
  holder: Address;
  credentialDigest: Hex;
}

const LEAF_ABI = [
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

/** ABI encoding of the leaf fields (the inner preimage). */
export function encodeLeaf(f: LeafFields): Hex {
  return encodeAbiParameters(LEAF_ABI, [
    LEAF_TAG,
    BigInt(f.chainId),
    f.registry,
    BigInt(f.index),
    f.achievementId,
    f.creditsCenti,
    f.eqfLevel,
    f.awardedAt,
    f.holder,
    f.credentialDigest,
  ]);
}

/** The leaf hash of a credential. */
export function leafHash(f: LeafFields): Hex {
  return keccak256(keccak256(encodeLeaf(f)));
}

/** `keccak256` of an achievement's URI: its id in leaves and on chain. */
export function achievementIdOf(uri: string): Hex {
  return keccak256(toHex(uri));
}
