import { decodeAbiParameters, encodeAbiParameters, getAddress, type Address, type Hex } from "viem";
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

const PAYLOAD = [
  { type: "uint8", name: "version" },
  { type: "uint256", name: "chainId" },
  { type: "address", name: "registry" },
  { type: "uint256", name: "index" },
  { type: "bytes32", name: "leaf" },
  { type: "bytes32", name: "root" },
  { type: "bytes32[]", name: "path" },
  { type: "bytes", name: "salts" },
] as const;

/** What a credstack Merkle proof carries. */
export interface MerkleProofData {
  chainId: number;
  registry: Address;
  /** The issuer account whose batch (issuer, root) holds the leaf. */
  issuer: Address;
  index: number;
  leaf: Hex;
  root: Hex;
  path: Hex[];
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
  return `did:pkh:eip155:${chainId}:${getAddress(issuer.toLowerCase())}#blockchainAccountId`;
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
  const payload = encodeAbiParameters(PAYLOAD, [
    MERKLE_PROOF_VERSION,
    BigInt(data.chainId),
    getAddress(data.registry.toLowerCase()), // one spelling, whatever case the caller used
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
    verificationMethod: merkleVerificationMethod(data.chainId, getAddress(data.issuer.toLowerCase())),
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
  const hex = `0x${bytes.toString("hex")}` as Hex;
  let decoded: readonly [number, bigint, Address, bigint, Hex, Hex, readonly Hex[], Hex];
  try {
    decoded = decodeAbiParameters(PAYLOAD, hex);
  } catch {
    throw new MerkleProofError("The Merkle proof's proofValue does not decode as its ABI payload.", "proof.proofValue");
  }
  const [version, chainId, registry, index, leaf, root, path, salts] = decoded;
  if (version !== MERKLE_PROOF_VERSION) throw new MerkleProofError(`Unknown Merkle proof version ${version}.`, "proof.proofValue");
  if (encodeAbiParameters(PAYLOAD, decoded as never) !== hex) throw new MerkleProofError("The Merkle proof's proofValue is not canonically encoded.", "proof.proofValue");
  if (chainId !== BigInt(vm[1]!)) throw new MerkleProofError("The Merkle proof's chain differs from its verificationMethod's.", "proof.verificationMethod");
  if (chainId > BigInt(Number.MAX_SAFE_INTEGER)) throw new MerkleProofError("The Merkle proof's chain id is out of range.", "proof.verificationMethod");
  // One spelling only: the issuer address EIP-55 checksummed, as merkleProof writes it.
  if (p.verificationMethod !== merkleVerificationMethod(Number(chainId), getAddress(vm[2]!.toLowerCase()))) {
    throw new MerkleProofError("The Merkle proof's verificationMethod must name the issuer address EIP-55 checksummed.", "proof.verificationMethod");
  }
  if (index > 2n ** 32n - 2n || path.length > 64) throw new MerkleProofError("The Merkle proof's index or path is out of range.", "proof.proofValue");
  const saltBytes = Buffer.from(salts.slice(2), "hex");
  if (saltBytes.length % SALT_BYTES !== 0) throw new MerkleProofError("The Merkle proof's salts are not whole 16-byte salts.", "proof.proofValue");
  return {
    chainId: Number(chainId),
    registry: getAddress(registry),
    issuer: getAddress(vm[2]!.toLowerCase()),
    index: Number(index),
    leaf,
    root,
    path: [...path],
    salts: saltBytes,
  };
}
