import type { BackupCredential, WalletBackupContents } from "../../../present/wallet-backup.js";

/**
 * The wallet's storage in the browser: IndexedDB (database `credstack-wallet`), the browser twin of
 * src/present/keystore-file.ts. Three object stores: `meta` (the holder key's scrypt JSON keystore, never the key
 * in clear), `credentials` (the credential files as imported, keyed by credential id) and `shares` (the share log).
 */

export const DB_NAME = "credstack-wallet";
const DB_VERSION = 1;

/** The holder key as stored: its scrypt keystore and the address it unlocks to. */
export interface StoredKeystore {
  keystore: string;
  address: string;
  createdAt: string;
}

/** A credential as stored: the text of its file, the file's name, when it was added. */
export type StoredCredential = BackupCredential;

/** One presentation in the share log: when, to whom, which credentials with which fields shown or hidden. */
export interface ShareRecord {
  id?: number;
  at: string;
  domain: string;
  /** Until when the presentation is valid. */
  expiresAt: string;
  /** Answered a verification request (true), or a challenge typed in (false). */
  viaRequest: boolean;
  credentials: { id: string; title: string; revealed: string[]; hidden: string[] }[];
}

const promised = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });

const finished = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });

/** The wallet's IndexedDB database, opened. */
export class WalletStore {
  /** Tells the wallet's other tabs that something changed (they read the store again). */
  private readonly channel: BroadcastChannel | undefined;

  private constructor(private readonly db: IDBDatabase, name: string) {
    this.channel = typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel(`${name}/changes`);
  }

  /** Calls `listener` when another tab of this wallet changed the store. */
  onChangeElsewhere(listener: () => void): void {
    if (this.channel) this.channel.onmessage = () => listener();
  }

  /** Waits for a write transaction, then tells the other tabs. */
  private async commit(tx: IDBTransaction): Promise<void> {
    await finished(tx);
    this.channel?.postMessage("changed");
  }

  /**
   * Opens (and on first use creates) the database.
   *
   * @example
   * const store = await WalletStore.open();
   * const keystore = await store.getKeystore(); // undefined: no key yet
   */
  static async open(name = DB_NAME): Promise<WalletStore> {
    if (typeof indexedDB === "undefined")
      throw new Error(
        "This browser offers no IndexedDB (a private window may disable it): the wallet cannot keep anything."
      );
    const request = indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
      if (!db.objectStoreNames.contains("credentials")) db.createObjectStore("credentials", { keyPath: "id" });
      if (!db.objectStoreNames.contains("shares"))
        db.createObjectStore("shares", { keyPath: "id", autoIncrement: true });
    };
    return new WalletStore(await promised(request), name);
  }

  /** The stored keystore, if a key was created or restored. */
  async getKeystore(): Promise<StoredKeystore | undefined> {
    return (await promised(this.db.transaction("meta").objectStore("meta").get("keystore"))) as
      | StoredKeystore
      | undefined;
  }

  /** Stores the keystore; refuses to replace another key's (a restore replaces it, {@link restore}). */
  async putKeystore(value: StoredKeystore): Promise<void> {
    const tx = this.db.transaction("meta", "readwrite");
    const store = tx.objectStore("meta");
    const existing = (await promised(store.get("keystore"))) as StoredKeystore | undefined;
    if (existing && existing.address.toLowerCase() !== value.address.toLowerCase()) {
      tx.abort();
      throw new Error("This wallet already has a key: it is not replaced.");
    }
    store.put(value, "keystore");
    await this.commit(tx);
  }

  /** The credentials, oldest first. */
  async listCredentials(): Promise<StoredCredential[]> {
    const all = (await promised(
      this.db.transaction("credentials").objectStore("credentials").getAll()
    )) as StoredCredential[];
    return all.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.id.localeCompare(b.id));
  }

  /** Adds credentials in one transaction (a credential id already stored is an error: the caller checks first). */
  async addCredentials(list: readonly StoredCredential[]): Promise<void> {
    const tx = this.db.transaction("credentials", "readwrite");
    for (const c of list) tx.objectStore("credentials").add(c);
    await this.commit(tx);
  }

  async removeCredential(id: string): Promise<void> {
    const tx = this.db.transaction("credentials", "readwrite");
    tx.objectStore("credentials").delete(id);
    await this.commit(tx);
  }

  /** The share log, newest first. */
  async listShares(): Promise<ShareRecord[]> {
    const all = (await promised(this.db.transaction("shares").objectStore("shares").getAll())) as ShareRecord[];
    return all.sort((a, b) => b.at.localeCompare(a.at) || (b.id ?? 0) - (a.id ?? 0));
  }

  /** Records a presentation; resolves to the record with its id. */
  async addShare(record: ShareRecord): Promise<ShareRecord> {
    const tx = this.db.transaction("shares", "readwrite");
    const id = await promised(tx.objectStore("shares").add(record));
    await this.commit(tx);
    return { ...record, id: id as number };
  }

  async clearShares(): Promise<void> {
    const tx = this.db.transaction("shares", "readwrite");
    tx.objectStore("shares").clear();
    await this.commit(tx);
  }

  /** Everything a backup holds. */
  async snapshot(): Promise<WalletBackupContents | undefined> {
    const keystore = await this.getKeystore();
    if (!keystore) return undefined;
    const shares = (await this.listShares()).map(({ id: _id, ...rest }) => rest as unknown as Record<string, unknown>);
    return {
      keystore: keystore.keystore,
      address: keystore.address,
      credentials: await this.listCredentials(),
      shares,
    };
  }

  /** Replaces the whole wallet (key, credentials, share log) with a backup's contents, in one transaction. */
  async restore(contents: WalletBackupContents): Promise<void> {
    const tx = this.db.transaction(["meta", "credentials", "shares"], "readwrite");
    tx.objectStore("meta").put(
      {
        keystore: contents.keystore,
        address: contents.address,
        createdAt: new Date().toISOString(),
      } satisfies StoredKeystore,
      "keystore"
    );
    tx.objectStore("credentials").clear();
    for (const c of contents.credentials) tx.objectStore("credentials").put(c);
    tx.objectStore("shares").clear();
    for (const s of contents.shares) {
      const { id: _id, ...rest } = s as ShareRecord;
      tx.objectStore("shares").add(rest);
    }
    await this.commit(tx);
  }
}
