import { bytesToHex, decodeAbiParameters, encodeAbiParameters, getAddress, hexToBytes, type Address, type Hex } from "viem";
import {
  MERKLE_CRYPTOSUITE, MERKLE_PROOF_PAYLOAD, MERKLE_PROOF_POSITION, type LeafPosition,
} from "../batch/v3/merkle-proof.js";
import { CredstackError } from "../credential/errors.js";
import { fromBase64url, toBase64url } from "./fields.js";

/**
 * The `credstack-merkle-2026` proof of a v3 credential, base (version 1, docs/spec.md §6: every salt) and derived
 * (version 2, §14.2: the revealed fields' pointers and salts, the hidden fields' digests), read and written with
 * viem (the payload layout is src/batch/v3's): the holder's wallet derives in the browser. Like `ecdsa-sd-2023`,
 * one cryptosuite names both; the payload's version tells them apart.
 */

export { MERKLE_CRYPTOSUITE, type LeafPosition };
/** The version of a derived proof's payload (a base proof's is 1). */
export const DERIVED_PROOF_VERSION = 2;

const DERIVED = [
  ...MERKLE_PROOF_POSITION,
  { type: "string[]", name: "pointers" },
  { type: "bytes", name: "salts" },
  { type: "bytes32[]", name: "hidden" },
] as const;

/** A base proof's data: the position and all salts (16 bytes each, in sorted-pointer order). */
export interface BaseProofData extends LeafPosition {
  salts: Hex;
}

/** A derived proof's data: the position, each revealed field's pointer and salt, and the hidden fields' digests. */
export interface DerivedProofData extends LeafPosition {
  /** The revealed fields' pointers in the original document, in sorted (UTF-8 byte) order. */
  pointers: string[];
  /** Their salts, `0x` and 32 hex digits each, in the same order. */
  salts: Hex[];
  /** The hidden fields' digests (§3.3), sorted ascending. */
  hidden: Hex[];
}

/** A proof that is not the credstack Merkle proof the reader expects; `field` names where. */
export class DerivedProofError extends CredstackError {
  override name = "DerivedProofError";
  constructor(shortMessage: string, readonly field: string) {
    super(shortMessage, { details: `field: ${field}` });
  }
}

const VM = /^did:pkh:eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})#blockchainAccountId$/;
const KEYS = ["type", "cryptosuite", "proofPurpose", "verificationMethod", "proofValue"];
const MAX_PROOF_VALUE = 98_304;

/** The one credstack Merkle proof of a credential's `proof` array, with its issuer and payload bytes. */
function openProof(credential: Record<string, unknown>): { issuer: Address; chainId: number; bytes: Uint8Array } {
  const proofs = Array.isArray(credential.proof) ? credential.proof : [];
  const merkle = proofs.filter((p) => (p as { cryptosuite?: unknown } | null)?.cryptosuite === MERKLE_CRYPTOSUITE);
  if (merkle.length !== 1) throw new DerivedProofError(`A credential holds exactly one ${MERKLE_CRYPTOSUITE} proof, this one ${merkle.length}.`, "proof");
  const p = merkle[0] as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !KEYS.includes(k));
  if (extra.length) throw new DerivedProofError(`The Merkle proof has members the cryptosuite does not define: ${extra.join(", ")}.`, `proof.${extra[0]}`);
  if (p.type !== "DataIntegrityProof" || p.proofPurpose !== "assertionMethod") throw new DerivedProofError("The Merkle proof's type or purpose is wrong.", "proof.type");
  const vm = typeof p.verificationMethod === "string" ? VM.exec(p.verificationMethod) : null;
  const issuer = vm ? getAddress(vm[2]!.toLowerCase()) : undefined;
  if (!vm || p.verificationMethod !== `did:pkh:eip155:${vm[1]}:${issuer}#blockchainAccountId`) {
    throw new DerivedProofError("The Merkle proof's verificationMethod must name the issuer account EIP-55 checksummed.", "proof.verificationMethod");
  }
  const value = p.proofValue;
  const bytes = typeof value === "string" && value.length <= MAX_PROOF_VALUE && value.startsWith("u") ? fromBase64url(value.slice(1)) : undefined;
  if (!bytes) throw new DerivedProofError("The Merkle proof's proofValue must be canonical multibase base64url (u…).", "proof.proofValue");
  return { issuer: issuer!, chainId: Number(vm[1]), bytes };
}

/** Decodes `params` from `bytes`, accepting only their canonical encoding (re-encoding gives the same bytes). */
function decodeCanonical<T extends readonly { type: string; name: string }[]>(params: T, bytes: Uint8Array): readonly unknown[] {
  const hex = bytesToHex(bytes);
  let values: readonly unknown[];
  try {
    values = decodeAbiParameters(params, hex);
  } catch {
    throw new DerivedProofError("The Merkle proof's payload does not decode.", "proof.proofValue");
  }
  if (encodeAbiParameters(params, values as never).toLowerCase() !== hex) {
    throw new DerivedProofError("The Merkle proof's payload is not canonically encoded.", "proof.proofValue");
  }
  return values;
}

function position(values: readonly unknown[], opened: { issuer: Address; chainId: number }): LeafPosition {
  const [, chainId, registry, index, leaf, root, path] = values as [number, bigint, Address, bigint, Hex, Hex, readonly Hex[]];
  if (chainId !== BigInt(opened.chainId)) throw new DerivedProofError("The Merkle proof's chain differs from its verificationMethod's.", "proof.verificationMethod");
  if (index > 2n ** 32n - 2n || path.length > 64) throw new DerivedProofError("The Merkle proof's index or path is out of range.", "proof.proofValue");
  return { chainId: opened.chainId, registry: getAddress(registry), issuer: opened.issuer, index: Number(index), leaf, root, path: [...path] };
}

const versionOf = (bytes: Uint8Array) => (bytes.length >= 32 && bytes.subarray(0, 31).every((b) => b === 0) ? bytes[31]! : -1);

/**
 * Reads the base proof (version 1) of a holder's v3 credential: its position and all salts.
 *
 * @example
 * const base = readBaseProof(vc); // { chainId, registry, issuer, index, leaf, root, path, salts }
 */
export function readBaseProof(credential: Record<string, unknown>): BaseProofData {
  const opened = openProof(credential);
  if (versionOf(opened.bytes) !== 1) throw new DerivedProofError("Not a base Merkle proof (version 1): only a full credential can be derived from.", "proof.proofValue");
  const values = decodeCanonical(MERKLE_PROOF_PAYLOAD, opened.bytes);
  return { ...position(values, opened), salts: values[7] as Hex };
}

/**
 * Reads the derived proof (version 2) of a presented credential. Throws {@link DerivedProofError}.
 *
 * @example
 * const { pointers, salts, hidden } = readDerivedProof(derived);
 */
export function readDerivedProof(credential: Record<string, unknown>): DerivedProofData {
  const opened = openProof(credential);
  if (versionOf(opened.bytes) !== DERIVED_PROOF_VERSION) throw new DerivedProofError("Not a derived Merkle proof (version 2).", "proof.proofValue");
  const values = decodeCanonical(DERIVED, opened.bytes);
  const pointers = [...(values[7] as readonly string[])];
  const saltBytes = values[8] as Hex;
  if ((saltBytes.length - 2) / 32 !== pointers.length) throw new DerivedProofError("The derived proof has not one salt per revealed pointer.", "proof.proofValue");
  const salts = pointers.map((_, i) => `0x${saltBytes.slice(2 + 32 * i, 2 + 32 * (i + 1))}` as Hex);
  return { ...position(values, opened), pointers, salts, hidden: [...(values[9] as readonly Hex[])] };
}

/**
 * The derived proof object (`proofValue` = `u` ‖ base64url of the version-2 payload, §14.2).
 *
 * @example
 * const proof = derivedProof({ ...position, pointers, salts, hidden });
 */
export function derivedProof(data: DerivedProofData): Record<string, string> {
  const payload = encodeAbiParameters(DERIVED, [
    DERIVED_PROOF_VERSION, BigInt(data.chainId), getAddress(data.registry), BigInt(data.index), data.leaf, data.root, data.path,
    data.pointers, `0x${data.salts.map((s) => s.slice(2).toLowerCase()).join("")}`, data.hidden,
  ]);
  const bytes = hexToBytes(payload);
  return {
    type: "DataIntegrityProof",
    cryptosuite: MERKLE_CRYPTOSUITE,
    proofPurpose: "assertionMethod",
    verificationMethod: `did:pkh:eip155:${data.chainId}:${getAddress(data.issuer)}#blockchainAccountId`,
    proofValue: `u${toBase64url(bytes)}`,
  };
}
