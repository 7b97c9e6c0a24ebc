import { encodeAbiParameters, type Address, type Hex } from "viem";
import { checksumAddress } from "../../credential/keccak.js";
import { CredstackError } from "../../credential/errors.js";
import { SALT_BYTES } from "../../credential/disclosure.js";

/**
 * The `credstack-merkle-2026` Data Integrity cryptosuite (docs/spec.md §6): a v3 credential's
 * inclusion in an anchored batch, as a `DataIntegrityProof` in its `proof` array. In the spirit of
 * Blockcerts' `merkle-proof-2019`, but ABI-encoded (what viem and Solidity decode) and bound to an
 * EVM registry:
 *
 *   proofValue = "u" + base64url(abi.encode(uint8 version = 1, uint256 chainId, address registry,
 *                  uint256 index, bytes32 leaf, bytes32 root, bytes32[] path, bytes salts))
 *
 * `verificationMethod` names the issuer account (`did:pkh:eip155:<chainId>:<issuer>#blockchainAccountId`)
 * whose batch holds the leaf; `salts` are the document's field salts in sorted-pointer order. Every
 * proof property is fixed or bound by the leaf: a reader refuses anything else.
 */
export const MERKLE_CRYPTOSUITE = "credstack-merkle-2026";
export const MERKLE_PROOF_VERSION = 1;

/** The payload's leading members, where the leaf sits: shared by the base proof and the derived one (§14.2). */
export const MERKLE_PROOF_POSITION = [
  { type: "uint8", name: "version" },
  { type: "uint256", name: "chainId" },
  { type: "address", name: "registry" },
  { type: "uint256", name: "index" },
  { type: "bytes32", name: "leaf" },
  { type: "bytes32", name: "root" },
  { type: "bytes32[]", name: "path" },
] as const;
/** The base (version 1) payload: the position and every field salt. */
export const MERKLE_PROOF_PAYLOAD = [...MERKLE_PROOF_POSITION, { type: "bytes", name: "salts" }] as const;

/** Where a credential's leaf sits: chain, registry, issuer account, index, leaf, root and path. */
export interface LeafPosition {
  chainId: number;
  registry: Address;
  /** The issuer account whose batch (issuer, root) holds the leaf. */
  issuer: Address;
  index: number;
  leaf: Hex;
  root: Hex;
  path: Hex[];
}

/** What a credstack Merkle proof carries. */
export interface MerkleProofData extends LeafPosition {
  /** The document's field salts, 16 bytes each, in sorted-pointer order. */
  salts: Uint8Array;
}

/** A credstack Merkle proof as it sits in a credential's `proof` array. */
export interface MerkleDataIntegrityProof {
  type: "DataIntegrityProof";
  cryptosuite: typeof MERKLE_CRYPTOSUITE;
  proofPurpose: "assertionMethod";
  verificationMethod: string;
  proofValue: string;
}

/** A credential's Merkle proof is missing, malformed or not credstack's. */
export class MerkleProofError extends CredstackError {
  override name = "MerkleProofError";
  constructor(shortMessage: string, readonly field: string) {
    super(shortMessage, { details: `field: ${field}` });
  }
}

/** `did:pkh:eip155:<chainId>:<issuer>#blockchainAccountId`: the proof's verification method. */
export function merkleVerificationMethod(chainId: number, issuer: Address): string {
  return `did:pkh:eip155:${chainId}:${checksumAddress(issuer.toLowerCase())}#blockchainAccountId`;
}

/**
 * The Data Integrity proof of a credential's inclusion.
 *
 * @example
 * const proof = merkleProof({ chainId: 31337, registry, issuer, index: 0, leaf, root, path, salts });
 * const vc = { ...document, proof: [proof] };
 */
export function merkleProof(data: MerkleProofData): MerkleDataIntegrityProof {
  if (data.salts.length % SALT_BYTES !== 0) throw new RangeError("salts must be whole 16-byte salts");
  const payload = encodeAbiParameters(MERKLE_PROOF_PAYLOAD, [
    MERKLE_PROOF_VERSION,
    BigInt(data.chainId),
    checksumAddress(data.registry.toLowerCase()), // one spelling, whatever case the caller used
    BigInt(data.index),
    data.leaf,
    data.root,
    data.path,
    `0x${Buffer.from(data.salts.buffer, data.salts.byteOffset, data.salts.byteLength).toString("hex")}`,
  ]);
  return {
    type: "DataIntegrityProof",
    cryptosuite: MERKLE_CRYPTOSUITE,
    proofPurpose: "assertionMethod",
    verificationMethod: merkleVerificationMethod(data.chainId, checksumAddress(data.issuer.toLowerCase())),
    proofValue: `u${Buffer.from(payload.slice(2), "hex").toString("base64url")}`,
  };
}

const PROOF_KEYS = ["type", "cryptosuite", "proofPurpose", "verificationMethod", "proofValue"];
const VM = /^did:pkh:eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})#blockchainAccountId$/;
/**
 * Largest proofValue read (characters): room for a depth-64 path and 2,000 salts, as many fields as
 * the verifier admits values (`MAX_JSON_VALUES`), about 46,000 characters.
 */
const MAX_PROOF_VALUE = 49_152;

type Payload = readonly [number, bigint, Address, bigint, Hex, Hex, readonly Hex[], Hex];

/**
 * Decodes the payload, accepting only its canonical ABI encoding (what `encodeAbiParameters` writes:
 * head offsets 0x100 and after the path, zero-padded words, nothing after the salts); a reason
 * otherwise. Equivalent to viem's `decodeAbiParameters` plus re-encoding and comparing (a test
 * checks it against that on random and mutated payloads), without the generic coder's cost, which a
 * verifier pays for every credential.
 */
export function decodePayload(bytes: Uint8Array): Payload | string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = b.length / 32;
  if (!Number.isInteger(words) || words < 10) return "is not a whole ABI payload";
  const zero = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (b[i] !== 0) return false;
    return true;
  };
  const word = (i: number) => b.subarray(i * 32, i * 32 + 32);
  const hexWord = (i: number): Hex => `0x${b.toString("hex", i * 32, i * 32 + 32)}`;
  const small = (i: number) => (zero(i * 32, i * 32 + 24) ? Number(word(i).readBigUInt64BE(24)) : Infinity);
  if (!zero(0, 31)) return "is not canonically encoded (version)";
  if (!zero(64, 76)) return "is not canonically encoded (registry)";
  const n = small(8);
  if (small(6) !== 256 || n > 64 || small(7) !== 256 + 32 + 32 * n) return "is not canonically encoded (offsets or path length)";
  const saltsAt = 9 + n;
  const length = small(saltsAt);
  const saltWords = Math.ceil(length / 32);
  if (!Number.isFinite(length) || words !== saltsAt + 1 + saltWords) return "is not canonically encoded (salts length)";
  if (!zero((saltsAt + 1) * 32 + length, words * 32)) return "is not canonically encoded (salts padding)";
  return [
    b[31]!,
    BigInt(hexWord(1)),
    checksumAddress(`0x${b.toString("hex", 76, 96)}`),
    BigInt(hexWord(3)),
    hexWord(4),
    hexWord(5),
    Array.from({ length: n }, (_, i) => hexWord(9 + i)),
    `0x${b.toString("hex", (saltsAt + 1) * 32, (saltsAt + 1) * 32 + length)}`,
  ];
}

/** Whether a `proof` entry is a credstack Merkle proof (by type and cryptosuite). */
export function isMerkleProof(proof: unknown): boolean {
  const p = proof as { type?: unknown; cryptosuite?: unknown } | null;
  return p !== null && typeof p === "object" && p.type === "DataIntegrityProof" && p.cryptosuite === MERKLE_CRYPTOSUITE;
}

/**
 * Reads a credstack Merkle proof, refusing anything not exactly as {@link merkleProof} writes it:
 * another property, another purpose, a verification method other than an issuer account's, a
 * proofValue that is not the canonical encoding of a version-1 payload. Throws {@link MerkleProofError}.
 */
export function readMerkleProof(proof: unknown): MerkleProofData {
  if (!isMerkleProof(proof)) throw new MerkleProofError(`Not a ${MERKLE_CRYPTOSUITE} DataIntegrityProof.`, "proof");
  const p = proof as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !PROOF_KEYS.includes(k));
  if (extra.length) throw new MerkleProofError(`The Merkle proof has properties the cryptosuite does not define: ${extra.slice(0, 3).join(", ")}.`, `proof.${extra[0]}`);
  if (p.proofPurpose !== "assertionMethod") throw new MerkleProofError('The Merkle proof\'s proofPurpose must be "assertionMethod".', "proof.proofPurpose");
  const vm = typeof p.verificationMethod === "string" ? VM.exec(p.verificationMethod) : null;
  if (!vm) throw new MerkleProofError("The Merkle proof's verificationMethod must be did:pkh:eip155:<chainId>:<issuer>#blockchainAccountId.", "proof.verificationMethod");
  const value = p.proofValue;
  if (typeof value !== "string" || value.length > MAX_PROOF_VALUE || !/^u[A-Za-z0-9_-]+$/.test(value)) {
    throw new MerkleProofError("The Merkle proof's proofValue must be multibase base64url (u…).", "proof.proofValue");
  }
  const bytes = Buffer.from(value.slice(1), "base64url");
  if (bytes.toString("base64url") !== value.slice(1)) throw new MerkleProofError("The Merkle proof's proofValue is not canonical base64url.", "proof.proofValue");
  const decoded = decodePayload(bytes);
  if (typeof decoded === "string") throw new MerkleProofError(`The Merkle proof's proofValue ${decoded}.`, "proof.proofValue");
  const [version, chainId, registry, index, leaf, root, path, salts] = decoded;
  if (version !== MERKLE_PROOF_VERSION) throw new MerkleProofError(`Unknown Merkle proof version ${version}.`, "proof.proofValue");
  if (chainId !== BigInt(vm[1]!)) throw new MerkleProofError("The Merkle proof's chain differs from its verificationMethod's.", "proof.verificationMethod");
  if (chainId > BigInt(Number.MAX_SAFE_INTEGER)) throw new MerkleProofError("The Merkle proof's chain id is out of range.", "proof.verificationMethod");
  // One spelling only: the issuer address EIP-55 checksummed, as merkleProof writes it.
  if (p.verificationMethod !== merkleVerificationMethod(Number(chainId), checksumAddress(vm[2]!.toLowerCase()))) {
    throw new MerkleProofError("The Merkle proof's verificationMethod must name the issuer address EIP-55 checksummed.", "proof.verificationMethod");
  }
  if (index > 2n ** 32n - 2n || path.length > 64) throw new MerkleProofError("The Merkle proof's index or path is out of range.", "proof.proofValue");
  const saltBytes = Buffer.from(salts.slice(2), "hex");
  if (saltBytes.length % SALT_BYTES !== 0) throw new MerkleProofError("The Merkle proof's salts are not whole 16-byte salts.", "proof.proofValue");
  return {
    chainId: Number(chainId),
    registry: checksumAddress(registry),
    issuer: checksumAddress(vm[2]!.toLowerCase()),
    index: Number(index),
    leaf,
    root,
    path: [...path],
    salts: saltBytes,
  };
}
