import { keccak256Bytes } from "../credential/keccak.js";

/**
 * Tiny, pure Merkle core over 32-byte nodes. Pairs are hashed sorted (`keccak256(min ‖ max)`),
 * as OpenZeppelin's `MerkleProof` expects. A layer with an odd node count promotes its last node
 * unchanged (no duplication), so the tree is the one merkletreejs builds with `sortPairs: true`.
 * Layers are flat byte arrays (32 bytes a node) to keep a million-leaf tree compact.
 */

/** `keccak256(min(a, b) ‖ max(a, b))` of two 32-byte nodes; `scratch` is a reusable 64-byte buffer. */
function hashSortedPair(a: Uint8Array, b: Uint8Array, scratch: Uint8Array): Uint8Array {
  const aFirst = Buffer.compare(a, b) <= 0;
  scratch.set(aFirst ? a : b, 0);
  scratch.set(aFirst ? b : a, 32);
  return keccak256Bytes(scratch);
}

/** Builds all layers from the flat leaf layer (n × 32 bytes); the last layer is the root. */
export function buildLayers(leaves: Uint8Array): Uint8Array[] {
  if (leaves.length === 0 || leaves.length % 32 !== 0) throw new RangeError("leaves must be a non-empty multiple of 32 bytes");
  const layers = [leaves];
  const scratch = new Uint8Array(64);
  let layer = leaves;
  while (layer.length > 32) {
    const n = layer.length / 32;
    const next = new Uint8Array(Math.ceil(n / 2) * 32);
    for (let i = 0; i + 1 < n; i += 2) {
      const left = layer.subarray(i * 32, i * 32 + 32);
      const right = layer.subarray(i * 32 + 32, i * 32 + 64);
      next.set(hashSortedPair(left, right, scratch), (i / 2) * 32);
    }
    if (n % 2 === 1) next.set(layer.subarray((n - 1) * 32), ((n - 1) / 2) * 32);
    layers.push(next);
    layer = next;
  }
  return layers;
}

/** The sibling path of leaf `index` (bottom-up; promoted levels contribute no sibling). */
export function proofOf(layers: readonly Uint8Array[], index: number): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let i = index;
  for (let level = 0; level < layers.length - 1; level++) {
    const layer = layers[level]!;
    const n = layer.length / 32;
    const sibling = i ^ 1;
    if (sibling < n) proof.push(layer.slice(sibling * 32, sibling * 32 + 32));
    i >>= 1;
  }
  return proof;
}

/** Hashes `leaf` up through `proof` (sorted pairs) and returns the root it implies. */
export function processProof(leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let node = leaf;
  const scratch = new Uint8Array(64);
  for (const sibling of proof) node = hashSortedPair(node, sibling, scratch);
  return node;
}
