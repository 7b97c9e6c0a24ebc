import { bytesToHex, getAddress, stringToBytes, type Address, type Hex, type LocalAccount, type TypedDataDomain } from "viem";
import { CredstackError } from "../credential/errors.js";
import { keccak256Bytes } from "../credential/keccak.js";
import { deriveCredential, type Disclosure } from "./derive.js";
import { readDerivedProof, type DerivedProofData } from "./derived-proof.js";
import { jcs, toBase64url } from "./fields.js";

/**
 * W3C VC 2.0 presentations of derived credentials (docs/spec.md §14.3), signed by the holder's key with EIP-712 in
 * the shape of the EthereumEip712Signature2021 draft. Browser-safe (no Node API).
 */

export const VC_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export const PRESENTATION_PROOF_TYPE = "EthereumEip712Signature2021";

/**
 * The EIP-712 types a holder signs (§14.3), kept small: per derived credential, the keccak-256 of its JCS form
 * (`content`: every revealed value, salt and pointer and its proof) and its hidden digests; then the challenge, the
 * domain and the expiry exactly as the proof states them, and the holder account.
 */
export const PRESENTATION_TYPES = {
  Presentation: [
    { name: "holder", type: "address" },
    { name: "challenge", type: "string" },
    { name: "domain", type: "string" },
    { name: "expires", type: "string" },
    { name: "credentials", type: "PresentedCredential[]" },
  ],
  PresentedCredential: [
    { name: "content", type: "bytes32" },
    { name: "hidden", type: "bytes32[]" },
  ],
} as const;

/** `EIP712Domain` as the proof's `eip712.types` states it (the draft carries the domain type too). */
export const PRESENTATION_DOMAIN_TYPE = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
] as const;

/** The EIP-712 domain's name and version (its chain is the holder's). */
export const PRESENTATION_DOMAIN = { name: "credstack presentation", version: "1" } as const;

/** The EIP-712 domain of a presentation on the holder's chain. */
export const presentationDomain = (chainId: number): TypedDataDomain => ({ ...PRESENTATION_DOMAIN, chainId });

/** A presentation that cannot be made (a weak challenge, a credential of another holder, …); `field` names what. */
export class PresentationError extends CredstackError {
  override name = "PresentationError";
  constructor(shortMessage: string, readonly field: string) {
    super(shortMessage, { details: `field: ${field}` });
  }
}

/**
 * Whether a challenge carries at least 128 bits: 32 or more hex digits (`0x` optional), or 22 or more base64url
 * characters that are not all hex, at most 512 characters.
 */
export function isStrongChallenge(challenge: unknown): challenge is string {
  if (typeof challenge !== "string" || challenge.length > 512) return false;
  const hex = /^(0x)?([0-9a-fA-F]+)$/.exec(challenge);
  if (hex) return hex[2]!.length >= 32;
  return /^[A-Za-z0-9_-]{22,}$/.test(challenge);
}

/**
 * A fresh challenge: 128 random bits from the platform's CSPRNG as 22 base64url characters.
 *
 * @example
 * const challenge = createChallenge(); // hand it to the holder with your domain
 */
export function createChallenge(): string {
  return toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/** A VerifiablePresentation as {@link createPresentation} writes it. */
export interface Presentation {
  "@context": string[];
  type: string[];
  holder: string;
  verifiableCredential: Record<string, unknown>[];
  proof: PresentationProof;
}

/** The holder's proof (EthereumEip712Signature2021 draft shape). */
export interface PresentationProof {
  type: typeof PRESENTATION_PROOF_TYPE;
  created: string;
  proofPurpose: "authentication";
  verificationMethod: string;
  challenge: string;
  domain: string;
  expires: string;
  proofValue: Hex;
  eip712: { domain: TypedDataDomain; types: Record<string, readonly { name: string; type: string }[]>; primaryType: "Presentation" };
}

/** The EIP-712 message of a presentation (primary type `Presentation`). */
export interface PresentationMessage {
  holder: Address;
  challenge: string;
  domain: string;
  expires: string;
  credentials: { content: Hex; hidden: Hex[] }[];
}

/**
 * The message a presentation's proof signs, rebuilt from the presentation (§14.3); `proofs`: the credentials' derived
 * proofs when read already (else read here). Throws for an unreadable credential.
 */
export function presentationMessage(params: {
  holder: Address;
  challenge: string;
  domain: string;
  expires: string;
  credentials: Record<string, unknown>[];
  proofs?: readonly DerivedProofData[];
}): PresentationMessage {
  return {
    holder: params.holder,
    challenge: params.challenge,
    domain: params.domain,
    expires: params.expires,
    credentials: params.credentials.map((vc, i) => ({
      // keccak256 of a few kilobytes: the WebAssembly keccak once loaded (~15× @noble/hashes', the same digest).
      content: bytesToHex(keccak256Bytes(stringToBytes(jcs(vc)))),
      hidden: (params.proofs?.[i] ?? readDerivedProof(vc)).hidden,
    })),
  };
}

const PKH = /^did:pkh:eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/;

/** The chain and address of a `did:pkh:eip155` DID, or undefined. */
export function pkhAccount(did: unknown): { chainId: number; address: Address } | undefined {
  const m = typeof did === "string" ? PKH.exec(did) : null;
  return m ? { chainId: Number(m[1]), address: getAddress(m[2]!.toLowerCase()) } : undefined;
}

/**
 * A signed presentation of derived credentials: for each credential, the disclosure chosen (`disclose`: one for all,
 * or one per credential; default: reveal only what must stay revealed), for the verifier's `challenge` (≥ 128 bits)
 * and `domain`, until `expiresAt` (Date or unix seconds). Every credential must be the holder's.
 *
 * @example
 * const vp = await createPresentation({
 *   credentials: [vc], disclose: { hide: ["grade"] }, challenge, domain: "https://admissions.example",
 *   expiresAt: new Date(Date.now() + 5 * 60_000), holder: key,
 * });
 */
export async function createPresentation(params: {
  credentials: readonly Record<string, unknown>[];
  disclose?: Disclosure | readonly Disclosure[];
  challenge: string;
  domain: string;
  expiresAt: Date | number;
  holder: { account: LocalAccount };
  now?: Date;
}): Promise<Presentation> {
  const { credentials, challenge, domain } = params;
  const account = params.holder.account;
  if (!isStrongChallenge(challenge)) throw new PresentationError("The challenge must carry at least 128 bits (32 hex digits or 22 base64url characters).", "challenge");
  if (typeof domain !== "string" || domain.length === 0 || domain.length > 512) throw new PresentationError("The domain must be a non-empty string.", "domain");
  if (credentials.length === 0) throw new PresentationError("A presentation holds at least one credential.", "credentials");
  const expiresMs = params.expiresAt instanceof Date ? params.expiresAt.getTime() : params.expiresAt * 1000;
  const now = params.now ?? new Date();
  if (!Number.isFinite(expiresMs) || expiresMs <= now.getTime()) throw new PresentationError("The expiry must be a time after now.", "expiresAt");
  const disclosures = Array.isArray(params.disclose) ? params.disclose : credentials.map(() => params.disclose ?? { reveal: [] });
  if (disclosures.length !== credentials.length) throw new PresentationError("One disclosure per credential, or one for all.", "disclose");
  let chainId: number | undefined;
  const derived = credentials.map((vc, i) => {
    const subject = pkhAccount((vc.credentialSubject as { id?: unknown } | undefined)?.id);
    if (!subject || subject.address !== getAddress(account.address)) {
      throw new PresentationError(`Credential ${i} is not bound to the holder's account ${account.address}.`, `credentials[${i}]`);
    }
    if (chainId !== undefined && subject.chainId !== chainId) throw new PresentationError("The credentials name different chains.", `credentials[${i}]`);
    chainId = subject.chainId;
    return deriveCredential({ credential: vc, disclose: disclosures[i]! }).credential;
  });
  const holderDid = `did:pkh:eip155:${chainId}:${getAddress(account.address)}`;
  const expires = new Date(expiresMs).toISOString();
  const eip712Domain = presentationDomain(chainId!);
  const message = presentationMessage({ holder: getAddress(account.address), challenge, domain, expires, credentials: derived });
  const proofValue = await account.signTypedData({ domain: eip712Domain, types: PRESENTATION_TYPES, primaryType: "Presentation", message });
  return {
    "@context": [VC_CONTEXT],
    type: ["VerifiablePresentation"],
    holder: holderDid,
    verifiableCredential: derived,
    proof: {
      type: PRESENTATION_PROOF_TYPE,
      created: now.toISOString(),
      proofPurpose: "authentication",
      verificationMethod: `${holderDid}#blockchainAccountId`,
      challenge,
      domain,
      expires,
      proofValue,
      eip712: { domain: eip712Domain, types: { EIP712Domain: PRESENTATION_DOMAIN_TYPE, ...PRESENTATION_TYPES }, primaryType: "Presentation" },
    },
  };
}
