import type { HolderKey } from "../../../present/keys.js";
import type { PathwayEvaluation } from "../../../stack/evaluate.js";
import type { VerificationReport } from "../../../verify/report.js";
import type { WebConfig } from "../shared/config.js";
import { credentialFacts, type CredentialFacts } from "./facts.js";
import type { ShareRecord, StoredCredential, StoredKeystore, WalletStore } from "./storage.js";

/**
 * The wallet page's state, shared by its panels: the settings, the store, the key (locked or unlocked), the
 * credentials with their reports and the pathway evaluations, the share log. Panels listen for the topics they
 * show (`on`) and say what they changed (`emit`).
 */

export type Sdk = typeof import("./sdk.js");

let sdkPromise: Promise<Sdk> | undefined;

/** The SDK chunk (loaded once; the page starts loading it as soon as it is interactive). */
export const loadSdk = (): Promise<Sdk> =>
  (sdkPromise ??= import("./sdk.js").catch((error: unknown) => {
    sdkPromise = undefined; // a failed load (the network) is tried again on the next use
    throw error;
  }));

/** A credential in the wallet: as stored, parsed, and its facts. */
export interface WalletCredential {
  stored: StoredCredential;
  vc: Record<string, unknown>;
  facts: CredentialFacts;
}

/** What a panel may wait for. */
export type Topic = "key" | "credentials" | "status" | "pathways" | "shares";

/** Pathway results: evaluated, or a sentence saying why not (a malformed definition, the chain down). */
export type PathwayResult = { name: string; evaluation?: PathwayEvaluation; error?: string };

export class WalletContext {
  keystore: StoredKeystore | undefined;
  /** The unlocked key; undefined while locked. */
  key: HolderKey | undefined;
  credentials: WalletCredential[] = [];
  /** Reports by credential id; a credential without one is being checked. */
  reports = new Map<string, VerificationReport>();
  /** One per configured pathway; undefined while evaluating. */
  pathways: PathwayResult[] | undefined;
  shares: ShareRecord[] = [];
  private readonly listeners = new Map<Topic, Set<() => void>>();

  constructor(readonly config: WebConfig, readonly store: WalletStore) {}

  on(topic: Topic, listener: () => void): void {
    if (!this.listeners.has(topic)) this.listeners.set(topic, new Set());
    this.listeners.get(topic)!.add(listener);
  }

  emit(...topics: Topic[]): void {
    for (const topic of topics) for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  /** `eip155:<chainId>:<registry>` (CAIP-10) of the trusted registry (shared/config.ts's `trustedRegistryId`). */
  get trustedRegistry(): string {
    return `eip155:${this.config.chainId}:${this.config.registry}`;
  }

  /** The holder's address (from the keystore: known while locked too). */
  get address(): string | undefined {
    return this.keystore?.address;
  }

  /**
   * Reads the store again (after a restore, or a change made in another tab) and tells every panel. An unlocked key
   * stays unlocked when the stored key is still the same.
   */
  async reload(): Promise<void> {
    const [keystore, stored, shares] = await Promise.all([
      this.store.getKeystore(),
      this.store.listCredentials(),
      this.store.listShares(),
    ]);
    if (!keystore || keystore.address !== this.keystore?.address || keystore.keystore !== this.keystore.keystore) {
      this.key = undefined;
    }
    this.keystore = keystore;
    this.credentials = stored.flatMap((s) => {
      try {
        return [walletCredential(s)];
      } catch {
        return []; // not JSON: cannot happen through the page (imports are parsed first)
      }
    });
    this.reports.clear();
    this.pathways = undefined;
    this.shares = shares;
    this.emit("key", "credentials", "status", "pathways", "shares");
  }
}

/** A stored credential with its parsed document and facts. */
export function walletCredential(stored: StoredCredential): WalletCredential {
  const vc = JSON.parse(stored.text) as Record<string, unknown>;
  return { stored, vc, facts: credentialFacts(vc) };
}
