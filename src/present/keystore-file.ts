import { chmod, readFile, writeFile } from "node:fs/promises";
import { decryptHolderKey, encryptHolderKey, HolderKeyError, type HolderKey } from "./keys.js";

/**
 * The holder's keystore as a file, for the CLI (Node only; the browser keeps it in IndexedDB): written with mode
 * 0600 (the owner alone reads it), never over an existing file unless asked.
 */

/**
 * Encrypts `key` with `password` and writes the keystore to `path` (mode 0600).
 *
 * @example
 * await saveKeystoreFile({ path: "holder.json", key: createHolderKey(), password });
 */
export async function saveKeystoreFile(params: { path: string; key: HolderKey; password: string; overwrite?: boolean }): Promise<void> {
  const json = await encryptHolderKey(params);
  try {
    await writeFile(params.path, `${json}\n`, { mode: 0o600, flag: params.overwrite ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new HolderKeyError(`${params.path} exists: a keystore is not overwritten.`);
    throw error;
  }
  await chmod(params.path, 0o600); // an existing file overwritten keeps its mode otherwise
}

/**
 * Reads and decrypts the keystore at `path`. Throws {@link HolderKeyError} for a wrong password.
 *
 * @example
 * const key = await loadKeystoreFile({ path: "holder.json", password });
 */
export async function loadKeystoreFile(params: { path: string; password: string }): Promise<HolderKey> {
  return decryptHolderKey({ keystore: await readFile(params.path, "utf8"), password: params.password });
}
