import { bytesToHex, hexToBytes, type Hex } from "viem";
import { buildLayers, processProof, proofOf } from "./core.js";
import { CredstackError } from "../credential/errors.js";

/** Raised when a tree would contain the same leaf twice. */
export class DuplicateLeafError extends CredstackError {
  override name = "DuplicateLeafError";
  constructor(
    readonly leaf: Hex,
    readonly indices: [number, number],
  ) {
    super(`Duplicate leaf ${leaf} at indices ${indices[0]} and ${indices[1]}.`);
  }
}

/**
 * A Merkle tree of credential leaves, in index order.
 *
 * @example
 * const tree = MerkleBatchTree.of([leaf0, leaf1, leaf2]);
 * tree.root;                       // 0x… anchored on chain
 * const path = tree.proof(1);      // siblings for OpenZeppelin MerkleProof.verify
 * MerkleBatchTree.verify(tree.root, leaf1, path); // true
 */
export class MerkleBatchTree {
  private constructor(private readonly layers: Uint8Array[]) {}

  /** Builds the tree; rejects an empty list and duplicate leaves. */
  static of(leaves: readonly Hex[]): MerkleBatchTree {
    if (leaves.length === 0) throw new CredstackError("A batch needs at least one leaf.");
    const flat = new Uint8Array(leaves.length * 32);
    const seen = new Map<string, number>();
    leaves.forEach((leaf, i) => {
      const key = leaf.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw new DuplicateLeafError(leaf, [first, i]);
      seen.set(key, i);
      flat.set(hexToBytes(leaf), i * 32);
    });
    return new MerkleBatchTree(buildLayers(flat));
  }

  get root(): Hex {
    return bytesToHex(this.layers[this.layers.length - 1]!);
  }

  get leafCount(): number {
    return this.layers[0]!.length / 32;
  }

  /** The proof (sibling path) of the leaf at `index`. */
  proof(index: number): Hex[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.leafCount) throw new RangeError(`no leaf at index ${index}`);
    return proofOf(this.layers, index).map((n) => bytesToHex(n));
  }

  /** Whether `proof` takes `leaf` to `root`. */
  static verify(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
    // Buffer's hex codec: verifiers call this once per credential, and viem's converters cost more than the hashing.
    const bytes = (h: Hex) => Buffer.from(h.slice(2), "hex");
    const implied = processProof(bytes(leaf), proof.map(bytes));
    return `0x${Buffer.from(implied.buffer, implied.byteOffset, implied.byteLength).toString("hex")}` === root.toLowerCase();
  }
}
