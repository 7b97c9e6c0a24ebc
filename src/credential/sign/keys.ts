/**
 * Issuer signing keys: Ed25519 Multikeys (`@digitalbazaar/ed25519-multikey`) controlled by the
 * issuer's DID, a `did:key` (derived from the key) or a `did:web` (published by the issuer).
 *
 * An {@link IssuerKey} is a frozen object holding only the public part; its secret half is kept
 * out of reach (module-private), so logging or `JSON.stringify`-ing a key never shows it. Only
 * `saveIssuerKey` (./key-file.ts) writes it, to a 0600 file.
 */
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import type { Ed25519KeyPair } from "@digitalbazaar/ed25519-multikey";
import { SIGNING_DID } from "../v3/dids.js";
import { IssuerKeyError } from "./errors.js";

/** `@context` of a DID document and of a Multikey verification method. */
export const DID_V1_CONTEXT_URL = "https://www.w3.org/ns/did/v1";
export const MULTIKEY_V1_CONTEXT_URL = "https://w3id.org/security/multikey/v1";

/**
 * An issuer's Ed25519 signing key, public part. `id` is the verification method a proof names:
 * `<controller>#<publicKeyMultibase>` for keys made here (for did:key, as its DID document has it;
 * for did:web, a fragment that names the key, so that a rotated key gets a new id and both can be
 * listed in the DID document while older credentials are still checked).
 */
export interface IssuerKey {
  readonly type: "Multikey";
  /** The verification method id, `<controller>#<fragment>`. */
  readonly id: string;
  /** The issuer's DID: a credential signed with this key must have it as `issuer.id`. */
  readonly controller: string;
  /** The Ed25519 public key, multibase (`z6Mk…`). */
  readonly publicKeyMultibase: string;
}

const pairs = new WeakMap<IssuerKey, Ed25519KeyPair>();

/** Wraps an imported key pair (with its secret key) as an {@link IssuerKey}. */
export function issuerKeyOf(pair: Ed25519KeyPair): IssuerKey {
  const key: IssuerKey = Object.freeze({
    type: "Multikey",
    id: pair.id!,
    controller: pair.controller!,
    publicKeyMultibase: pair.publicKeyMultibase,
  });
  pairs.set(key, pair);
  return key;
}

/** The key pair behind an {@link IssuerKey} (internal: signing and the key file need its secret half). */
export function keyPairOf(key: IssuerKey): Ed25519KeyPair {
  const pair = pairs.get(key);
  if (!pair) throw new IssuerKeyError("key", "not an issuer key made by createIssuerKey or loadIssuerKey");
  return pair;
}

/** Is `did` a `did:web:…` DID credstack can sign with? */
export const isDidWeb = (did: string) => did.startsWith("did:web:") && SIGNING_DID.test(did);

/**
 * Makes a new Ed25519 issuer key. Without `did`, its controller is the key's own `did:key`; with a
 * `did:web:…` DID, that DID (publish {@link didWebDocument} at {@link didWebUrl} for verifiers).
 * The verification method id is `<did>#<publicKeyMultibase>` either way.
 *
 * @example
 * const key = await createIssuerKey();                              // key.controller: "did:key:z6Mk…"
 * const web = await createIssuerKey({ did: "did:web:uni.example" }); // web.id: "did:web:uni.example#z6Mk…"
 */
export async function createIssuerKey(options: { did?: string } = {}): Promise<IssuerKey> {
  const { did } = options;
  if (did !== undefined && !isDidWeb(did)) {
    const why = `must be a did:web DID (a did:key is derived from the key), got ${JSON.stringify(did)}`;
    throw new IssuerKeyError("did", why);
  }
  const fresh = await Ed25519Multikey.generate();
  const controller = did ?? `did:key:${fresh.publicKeyMultibase}`;
  const exported = await fresh.export({ publicKey: true, secretKey: true, includeContext: false });
  const pair = await Ed25519Multikey.from({ ...exported, id: `${controller}#${fresh.publicKeyMultibase}`, controller });
  return issuerKeyOf(pair);
}

/**
 * The `did:web` DID document an issuer publishes for `key` (at {@link didWebUrl} of its DID): the key
 * as a Multikey verification method, referenced from `assertionMethod` (what credential proofs use).
 * To rotate, publish a document listing the old and the new key (merge `verificationMethod` and
 * `assertionMethod`): credentials signed with the old key keep verifying until it is removed.
 *
 * @example
 * const key = await createIssuerKey({ did: "did:web:uni.example" });
 * didWebDocument(key).assertionMethod; // [key.id]
 */
export function didWebDocument(key: IssuerKey) {
  if (!isDidWeb(key.controller)) {
    throw new IssuerKeyError("controller", `a DID document is published for did:web keys only, not ${key.controller}`);
  }
  return {
    "@context": [DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL],
    id: key.controller,
    verificationMethod: [
      { id: key.id, type: "Multikey" as const, controller: key.controller, publicKeyMultibase: key.publicKeyMultibase },
    ],
    assertionMethod: [key.id],
  };
}

/** A DID document as {@link didWebDocument} makes it (verifiers accept any DID Core document). */
export type DidDocument = ReturnType<typeof didWebDocument>;

/**
 * Where the DID document of a `did:web` DID is published (did:web method, §3.2): `did:web:host` →
 * `https://host/.well-known/did.json`, `did:web:host:a:b` → `https://host/a/b/did.json`.
 *
 * @example
 * didWebUrl("did:web:uni.example");         // "https://uni.example/.well-known/did.json"
 * didWebUrl("did:web:uni.example%3A8443:x"); // "https://uni.example:8443/x/did.json"
 */
export function didWebUrl(did: string): string {
  if (!isDidWeb(did)) throw new IssuerKeyError("did", `not a did:web DID: ${JSON.stringify(did)}`);
  const [host, ...path] = did.slice("did:web:".length).split(":").map(decodeURIComponent);
  return path.length ? `https://${host}/${path.join("/")}/did.json` : `https://${host}/.well-known/did.json`;
}
