import { scrypt } from "ethers";
import { CredstackError } from "../credential/errors.js";
import { fromBase64url, jcs, toBase64url } from "./fields.js";

/**
 * The wallet's encrypted backup file (`credstack-wallet-backup/1`, docs/formats.md): the holder's keystore, the
 * credentials and the share log in one JSON file, encrypted under the wallet password with a scrypt-derived
 * AES-256-GCM key (Web Crypto). The header (format, KDF and cipher parameters) is authenticated as the cipher's
 * additional data: a changed parameter fails decryption as a wrong password does. Browser-safe and Node-safe
 * (Web Crypto, ethers' scrypt); no DOM.
 */

export const WALLET_BACKUP_FORMAT = "credstack-wallet-backup/1";

/** scrypt cost of a new backup: ethers' keystore default (N = 2^17, r = 8, p = 1). */
export const BACKUP_SCRYPT = { N: 131_072, r: 8, p: 1 } as const;
/**
 * The costs a backup file may ask for. scrypt takes 128·N·r bytes: 2^18 is 256 MiB, which a phone's tab still
 * gives; a hostile file naming more would exhaust memory before the password is even tried.
 */
const N_RANGE = { min: 1 << 14, max: 1 << 18 };

/** One credential as the wallet keeps it: its file's text, where it came from, when it was added. */
export interface BackupCredential {
  id: string;
  text: string;
  source: string;
  addedAt: string;
}

/** What a backup holds, decrypted. */
export interface WalletBackupContents {
  /** The holder key's scrypt JSON keystore (encrypted under the same password). */
  keystore: string;
  /** The holder's address (checksummed), as the keystore names it. */
  address: string;
  credentials: BackupCredential[];
  /** The share log, entries as the wallet records them. */
  shares: Record<string, unknown>[];
}

/** The file: its header in clear, the contents encrypted. */
export interface WalletBackupFile {
  format: typeof WALLET_BACKUP_FORMAT;
  createdAt: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; dkLen: 32; salt: string };
  cipher: { name: "AES-256-GCM"; iv: string };
  /** base64url of the AES-GCM ciphertext and its 16-byte tag. */
  ciphertext: string;
}

/** A backup that cannot be read: `reason` says whether the file or the password is at fault. */
export class WalletBackupError extends CredstackError {
  override name = "WalletBackupError";
  constructor(shortMessage: string, readonly reason: "format" | "password") {
    super(shortMessage);
  }
}

const utf8 = new TextEncoder();
const passwordBytes = (password: string) => utf8.encode(password.normalize("NFKC"));
const header = (file: Omit<WalletBackupFile, "ciphertext">) =>
  utf8.encode(jcs({ format: file.format, createdAt: file.createdAt, kdf: file.kdf, cipher: file.cipher }));

async function aesKey(
  password: string,
  kdf: WalletBackupFile["kdf"],
  salt: Uint8Array,
  onProgress?: (f: number) => void,
) {
  const hex = await scrypt(passwordBytes(password), salt, kdf.N, kdf.r, kdf.p, kdf.dkLen, onProgress);
  const raw = Uint8Array.from(hex.slice(2).match(/../g)!, (b) => parseInt(b, 16));
  return globalThis.crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * Encrypts the wallet's contents under `password` (at least 8 characters) into the backup file's JSON text.
 * `onProgress` hears scrypt's progress (0 to 1): a second or more in a browser.
 *
 * @example
 * const text = await encryptWalletBackup({ contents: { keystore, address, credentials, shares }, password });
 */
export async function encryptWalletBackup(params: {
  contents: WalletBackupContents;
  password: string;
  onProgress?: (fraction: number) => void;
  /** scrypt N (a power of 2 from 2^14 to 2^20); tests lower it. Default 2^17. */
  scryptN?: number;
  now?: Date;
}): Promise<string> {
  if (params.password.length < 8)
    throw new WalletBackupError("A backup password has at least 8 characters.", "password");
  const N = params.scryptN ?? BACKUP_SCRYPT.N;
  if (!validN(N)) throw new RangeError("scrypt N is a power of 2 from 2^14 to 2^18.");
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const head: Omit<WalletBackupFile, "ciphertext"> = {
    format: WALLET_BACKUP_FORMAT,
    createdAt: (params.now ?? new Date()).toISOString(),
    kdf: { name: "scrypt", N, r: BACKUP_SCRYPT.r, p: BACKUP_SCRYPT.p, dkLen: 32, salt: toBase64url(salt) },
    cipher: { name: "AES-256-GCM", iv: toBase64url(iv) },
  };
  const key = await aesKey(params.password, head.kdf, salt, params.onProgress);
  const plain = utf8.encode(JSON.stringify(params.contents));
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: header(head), tagLength: 128 },
    key,
    plain,
  );
  const file: WalletBackupFile = { ...head, ciphertext: toBase64url(new Uint8Array(sealed)) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const validN = (N: unknown): N is number =>
  Number.isInteger(N) &&
  (N as number) >= N_RANGE.min &&
  (N as number) <= N_RANGE.max &&
  ((N as number) & ((N as number) - 1)) === 0;

/** The header of a backup file's text, checked; a {@link WalletBackupError} (reason `format`) naming the bad member. */
export function readWalletBackupFile(text: string): WalletBackupFile {
  let f: Record<string, unknown>;
  try {
    f = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new WalletBackupError("Not a wallet backup: the file is not JSON.", "format");
  }
  const bad = (field: string) =>
    new WalletBackupError(`Not a readable wallet backup: ${field} is missing or malformed.`, "format");
  if (f === null || typeof f !== "object" || Array.isArray(f)) throw bad("(root)");
  if (f.format !== WALLET_BACKUP_FORMAT)
    throw new WalletBackupError(`Not a wallet backup: format must be ${WALLET_BACKUP_FORMAT}.`, "format");
  const kdf = f.kdf as Record<string, unknown> | undefined;
  const cipher = f.cipher as Record<string, unknown> | undefined;
  if (typeof f.createdAt !== "string") throw bad("createdAt");
  if (!kdf || kdf.name !== "scrypt" || !validN(kdf.N) || kdf.r !== 8 || kdf.p !== 1 || kdf.dkLen !== 32)
    throw bad("kdf");
  if (typeof kdf.salt !== "string" || fromBase64url(kdf.salt)?.length !== 16) throw bad("kdf.salt");
  if (
    !cipher ||
    cipher.name !== "AES-256-GCM" ||
    typeof cipher.iv !== "string" ||
    fromBase64url(cipher.iv)?.length !== 12
  )
    throw bad("cipher");
  if (typeof f.ciphertext !== "string" || (fromBase64url(f.ciphertext)?.length ?? 0) < 17) throw bad("ciphertext");
  return f as unknown as WalletBackupFile;
}

const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * One share-log entry as the wallet records it (docs/formats.md): `at`, `domain`, `expiresAt` strings, `viaRequest`,
 * and per credential its `id`, `title` and the `revealed` / `hidden` field names. A restored log is read on every
 * start of the wallet, so an entry of another shape is refused here rather than break it later.
 */
function isShareEntry(e: unknown): boolean {
  const r = e as Record<string, unknown> | null;
  if (r === null || typeof r !== "object" || Array.isArray(r)) return false;
  if (!["at", "domain", "expiresAt"].every((k) => typeof r[k] === "string") || typeof r.viaRequest !== "boolean") {
    return false;
  }
  return Array.isArray(r.credentials) && r.credentials.every((c: unknown) => {
    const x = c as Record<string, unknown> | null;
    return x !== null && typeof x === "object" && typeof x.id === "string" && typeof x.title === "string" &&
      isStrings(x.revealed) && isStrings(x.hidden);
  });
}

/**
 * The contents of a backup file. Throws {@link WalletBackupError}: reason `password` for a wrong password (or a
 * file altered after it was written: the two cannot be told apart), `format` for a file that is not a backup.
 *
 * @example
 * const { keystore, credentials } = await decryptWalletBackup({ text, password });
 */
export async function decryptWalletBackup(params: {
  text: string;
  password: string;
  onProgress?: (fraction: number) => void;
}): Promise<WalletBackupContents> {
  const file = readWalletBackupFile(params.text);
  const key = await aesKey(params.password, file.kdf, fromBase64url(file.kdf.salt)!, params.onProgress);
  let plain: ArrayBuffer;
  try {
    plain = await globalThis.crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64url(file.cipher.iv)!, additionalData: header(file), tagLength: 128 },
      key,
      fromBase64url(file.ciphertext)!,
    );
  } catch {
    throw new WalletBackupError("Wrong password for this backup (or the file was altered).", "password");
  }
  let contents: WalletBackupContents;
  try {
    contents = JSON.parse(new TextDecoder().decode(plain)) as WalletBackupContents;
  } catch {
    throw new WalletBackupError("The backup decrypts, but its contents are not JSON.", "format");
  }
  const ok =
    typeof contents?.keystore === "string" &&
    typeof contents.address === "string" &&
    /^0x[0-9a-fA-F]{40}$/.test(contents.address) &&
    Array.isArray(contents.credentials) &&
    Array.isArray(contents.shares) &&
    contents.credentials.every((c) =>
      ["id", "text", "source", "addedAt"].every(
        (k) => typeof (c as unknown as Record<string, unknown>)?.[k] === "string",
      ),
    ) &&
    contents.shares.every(isShareEntry);
  if (!ok)
    throw new WalletBackupError(
      "The backup decrypts, but its contents are not a wallet's (keystore, address, credentials, shares).",
      "format",
    );
  return contents;
}
