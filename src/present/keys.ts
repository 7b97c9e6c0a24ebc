import { Wallet } from "ethers";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { isHex, type Address, type Hex } from "viem";
import { CredstackError } from "../credential/errors.js";

/**
 * The holder's key (docs/spec.md §14.3): a secp256k1 account (viem), whose address is the `did:pkh` holder of the
 * learner's credentials. Kept encrypted with a password as a standard Web3 Secret Storage (v3, scrypt) JSON
 * keystore, written and read by ethers v6: in IndexedDB in the browser, in a file for the CLI (./keystore-file.ts).
 * Browser-safe (no Node API).
 */

/** A holder key: its private key and its viem account. */
export interface HolderKey {
  privateKey: Hex;
  account: PrivateKeyAccount;
  address: Address;
}

/** A key or keystore that cannot be used: a malformed private key, a wrong password, a malformed keystore. */
export class HolderKeyError extends CredstackError {
  override name = "HolderKeyError";
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
  }
}

/**
 * A new holder key from the platform's CSPRNG.
 *
 * @example
 * const key = createHolderKey(); // key.address: the holder's account
 */
export function createHolderKey(): HolderKey {
  return importHolderKey({ privateKey: generatePrivateKey() });
}

/**
 * A holder key from its private key (32 bytes, `0x` hex).
 *
 * @example
 * const key = importHolderKey({ privateKey: "0x59c6…690d" });
 */
export function importHolderKey(params: { privateKey: Hex }): HolderKey {
  const { privateKey } = params;
  if (!isHex(privateKey, { strict: true }) || privateKey.length !== 66) {
    throw new HolderKeyError("A holder private key is 32 bytes of 0x-prefixed hex.", { details: `length: ${String(privateKey).length}` });
  }
  let account: PrivateKeyAccount;
  try {
    account = privateKeyToAccount(privateKey);
  } catch (error) {
    throw new HolderKeyError("Not a valid secp256k1 private key.", { cause: error });
  }
  return { privateKey, account, address: account.address };
}

/**
 * The key encrypted with `password` as a scrypt JSON keystore (Web3 Secret Storage v3; ethers' default scrypt
 * parameters, N = 2^17). `password` must have at least 8 characters. `onProgress` hears scrypt's progress (0 to 1):
 * a second or more in a browser.
 *
 * @example
 * const json = await encryptHolderKey({ key, password: "correct horse battery" });
 */
export async function encryptHolderKey(params: { key: HolderKey; password: string; onProgress?: (fraction: number) => void }): Promise<string> {
  if (params.password.length < 8) throw new HolderKeyError("A keystore password has at least 8 characters.");
  return new Wallet(params.key.privateKey).encrypt(params.password, params.onProgress);
}

/**
 * The key of a scrypt JSON keystore (`onProgress`: scrypt's progress, 0 to 1). Throws {@link HolderKeyError} for a wrong password or a malformed keystore.
 *
 * @example
 * const key = await decryptHolderKey({ keystore: json, password: "correct horse battery" });
 */
export async function decryptHolderKey(params: { keystore: string; password: string; onProgress?: (fraction: number) => void }): Promise<HolderKey> {
  let wallet;
  try {
    wallet = await Wallet.fromEncryptedJson(params.keystore, params.password, params.onProgress);
  } catch (error) {
    const wrong = /incorrect password/i.test(String((error as Error)?.message));
    throw new HolderKeyError(wrong ? "Wrong password for this keystore." : "Not a readable JSON keystore.", {
      details: String((error as { shortMessage?: string })?.shortMessage ?? (error as Error)?.message ?? error),
      cause: error,
    });
  }
  return importHolderKey({ privateKey: wallet.privateKey as Hex });
}
