/**
 * The document loader of issuer signatures: credstack's offline context loader (../jsonld.ts),
 * extended with the two DID methods an issuer signs with, still without any network access:
 *
 * - `did:key:…` DIDs and key URLs, resolved from the DID itself (`@digitalbazaar/did-method-key`);
 * - `did:web:…` DIDs and key URLs, from DID documents the caller supplies (never fetched).
 *
 * No other context is needed: verifiers read a DID document whose first `@context` is DID v1.0
 * without JSON-LD processing, and the verification method is used as plain JSON.
 */
import * as DidKey from "@digitalbazaar/did-method-key";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { documentLoader, type RemoteDocument } from "../jsonld.js";
import { DidDocumentError, DidDocumentNeededError } from "./errors.js";
import { MULTIKEY_V1_CONTEXT_URL, didWebUrl, isDidWeb } from "./keys.js";

/** DID documents of did:web issuers, by DID (what each publishes at `didWebUrl(did)`). */
export type DidDocuments = Readonly<Record<string, object>>;

/** A JSON-LD document loader: what jsonld.js and jsonld-signatures call. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

const didKey = DidKey.driver();
didKey.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });

type Node = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const remote = (url: string, document: Node): RemoteDocument => ({ contextUrl: null, documentUrl: url, document });

/** Makes relative ids (`#key-1`) absolute, as verifiers compare verification method ids literally. */
function absolute(did: string, value: unknown): unknown {
  if (typeof value === "string") return value.startsWith("#") ? `${did}${value}` : value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const node = value as Node;
    return { ...node, ...(typeof node.id === "string" ? { id: absolute(did, node.id) } : {}) };
  }
  return value;
}

const RELATIONSHIPS = [
  "verificationMethod", "assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation",
];

/** The supplied DID document of `did`, checked and with absolute ids. */
function didWebDocumentOf(did: string, didDocuments: DidDocuments): Node {
  const document = Object.hasOwn(didDocuments, did) ? didDocuments[did] : undefined;
  if (!document) throw new DidDocumentNeededError(did, isDidWeb(did) ? didWebUrl(did) : undefined);
  const doc = structuredClone(document) as Node;
  if (doc.id !== did) throw new DidDocumentError(did, `its id is ${JSON.stringify(doc.id)}, not the DID`);
  for (const term of RELATIONSHIPS) {
    if (doc[term] !== undefined) doc[term] = asArray(doc[term]).map((v) => absolute(did, v));
  }
  return doc;
}

/** The verification method `url` names in `doc`, with the Multikey context as did:key's driver gives it. */
function verificationMethodOf(url: string, did: string, doc: Node): Node {
  for (const term of RELATIONSHIPS) {
    for (const method of asArray(doc[term])) {
      if (method && typeof method === "object" && (method as Node).id === url) {
        // The Data Integrity library ignores `revoked`: a revoked key signs nothing here.
        if ((method as Node).revoked !== undefined) throw new DidDocumentError(did, `its verification method ${url} is revoked`);
        return { "@context": MULTIKEY_V1_CONTEXT_URL, controller: did, ...(method as Node) };
      }
    }
  }
  throw new DidDocumentError(did, `no verification method ${url} in it`);
}

/**
 * A document loader that resolves did:key DIDs and key URLs from the DID, did:web ones from
 * `didDocuments` (a did:web DID missing there throws {@link DidDocumentNeededError}, naming where
 * the issuer publishes it), and everything else with credstack's offline context loader. Nothing
 * is fetched.
 *
 * @example
 * const load = issuerDocumentLoader({ didDocuments: { [key.controller]: didWebDocument(key) } });
 * (await load(key.id)).document; // { "@context": "https://w3id.org/security/multikey/v1", type: "Multikey", … }
 * await load("did:web:other.example");  // throws DidDocumentNeededError
 */
export function issuerDocumentLoader(options: { didDocuments?: DidDocuments } = {}): DocumentLoader {
  const didDocuments = options.didDocuments ?? {};
  return async (url: string) => {
    if (url.startsWith("did:key:")) return remote(url, await didKey.get({ url }));
    if (url.startsWith("did:web:")) {
      const did = url.split("#")[0]!;
      const doc = didWebDocumentOf(did, didDocuments);
      return remote(url, url === did ? doc : verificationMethodOf(url, did, doc));
    }
    return documentLoader(url);
  };
}
