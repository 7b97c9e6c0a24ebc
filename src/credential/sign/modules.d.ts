// Digital Bazaar's Data Integrity packages are ESM without TypeScript types: only what
// src/credential/sign/ uses is declared here, as narrowly as their sources allow.

declare module "@digitalbazaar/ed25519-multikey" {
  /** What a jsonld-signatures suite signs with. */
  export interface Signer {
    algorithm: "Ed25519";
    id: string | undefined;
    sign(args: { data: Uint8Array }): Promise<Uint8Array>;
  }
  export interface Verifier {
    algorithm: "Ed25519";
    id: string | undefined;
    verify(args: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>;
  }
  /** A serialized Multikey (`export()`); `secretKeyMultibase` only with `secretKey: true`. */
  export interface MultikeyJson {
    "@context"?: string;
    type: "Multikey";
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
  }
  /** An Ed25519 key pair (its secret half only when generated or imported with one). */
  export interface Ed25519KeyPair {
    id: string | undefined;
    controller: string | undefined;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    publicKey: Uint8Array;
    secretKey?: Uint8Array;
    export(options?: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<MultikeyJson>;
    signer(): Signer;
    verifier(): Verifier;
  }
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  /** Imports a Multikey (or a key another suite serialized); throws a TypeError when it is not one. */
  export function from(key: Partial<MultikeyJson> & Record<string, unknown>): Promise<Ed25519KeyPair>;
}

declare module "@digitalbazaar/did-method-key" {
  import type { Ed25519KeyPair } from "@digitalbazaar/ed25519-multikey";
  export interface DidKeyDriver {
    use(options: {
      multibaseMultikeyHeader: string;
      fromMultibase: (key: { publicKeyMultibase: string }) => Promise<Ed25519KeyPair>;
    }): void;
    /** The DID document of a `did:key` DID, or the verification method a `did:key:…#…` URL names. */
    get(options: { did?: string; url?: string }): Promise<Record<string, unknown>>;
  }
  export function driver(): DidKeyDriver;
}

declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  /** The `eddsa-rdfc-2022` cryptosuite, for `DataIntegrityProof`. */
  export const cryptosuite: { name: "eddsa-rdfc-2022"; requiredAlgorithm: "Ed25519" } & Record<string, unknown>;
}

declare module "@digitalbazaar/data-integrity" {
  import type { Signer } from "@digitalbazaar/ed25519-multikey";
  /** A jsonld-signatures suite producing / checking `DataIntegrityProof`s of one cryptosuite. */
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: Signer; date?: string | Date | number | null });
    readonly type: "DataIntegrityProof";
    readonly cryptosuite: string;
    verificationMethod: string | undefined;
  }
}

declare module "@digitalbazaar/vc" {
  import type { DataIntegrityProof } from "@digitalbazaar/data-integrity";
  type Loader = (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  /** One proof's outcome (jsonld-signatures `ProofSet.verify`). */
  export interface ProofResult {
    proof: Record<string, unknown>;
    verified: boolean;
    verificationMethod?: Record<string, unknown>;
    error?: Error & { errors?: Error[] };
    purposeResult?: { valid: boolean; error?: Error };
  }
  export interface VerifyCredentialResult {
    verified: boolean;
    results?: ProofResult[];
    error?: Error & { errors?: Error[] };
  }
  /** Signs `credential` (which it mutates) and returns it with `proof` set to the new proof object. */
  export function issue<T extends object>(options: {
    credential: T;
    suite: DataIntegrityProof;
    documentLoader: Loader;
    now?: string | Date;
  }): Promise<T & { proof: Record<string, unknown> }>;
  /** Checks the credential's shape, then every proof a suite matches; never throws. */
  export function verifyCredential(options: {
    credential: object;
    suite: DataIntegrityProof | DataIntegrityProof[];
    documentLoader: Loader;
    now?: string | Date;
  }): Promise<VerifyCredentialResult>;
}
