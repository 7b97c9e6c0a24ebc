import { expect } from "chai";
import {
  decryptWalletBackup,
  encryptWalletBackup,
  readWalletBackupFile,
  WALLET_BACKUP_FORMAT,
  WalletBackupError,
  type WalletBackupContents,
} from "../../src/present/wallet-backup.js";

/** The wallet's backup file (`credstack-wallet-backup/1`): round trip, wrong password, altered header, bounds. */
describe("wallet backup file (credstack-wallet-backup/1)", function () {
  this.timeout(60_000);
  const PASSWORD = "correct horse battery staple";
  const contents: WalletBackupContents = {
    keystore: JSON.stringify({ address: "15d34aaf54267db7d7c367839aaf71a00a2c6a65", crypto: {} }),
    address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    credentials: [
      {
        id: "urn:uuid:1",
        text: '{"id":"urn:uuid:1"}',
        source: "credential-1.json",
        addedAt: "2026-11-27T10:00:00.000Z",
      },
    ],
    shares: [
      {
        at: "2026-11-27T11:00:00.000Z", domain: "admissions.example", expiresAt: "2026-11-27T11:10:00.000Z", viaRequest: true,
        credentials: [{ id: "urn:uuid:1", title: "Smart Contract Security", revealed: ["name"], hidden: ["grade"] }],
      },
    ],
  };
  const N = 1 << 14; // the lowest cost a file may name: fast tests

  it("decrypts to what was encrypted; the file shows nothing of it", async () => {
    const text = await encryptWalletBackup({ contents, password: PASSWORD, scryptN: N });
    const file = readWalletBackupFile(text);
    expect(file.format).to.equal(WALLET_BACKUP_FORMAT);
    expect(file.kdf).to.include({ name: "scrypt", N, r: 8, p: 1, dkLen: 32 });
    expect(file.cipher.name).to.equal("AES-256-GCM");
    expect(text).not.to.contain("15d34");
    expect(text).not.to.contain("admissions");
    expect(await decryptWalletBackup({ text, password: PASSWORD })).to.deep.equal(contents);
  });

  it("a wrong password, or a header changed after writing, is refused as a password error", async () => {
    const text = await encryptWalletBackup({ contents, password: PASSWORD, scryptN: N });
    const refused = async (t: string, password: string) => {
      try {
        await decryptWalletBackup({ text: t, password });
      } catch (error) {
        return error as WalletBackupError;
      }
      throw new Error("not refused");
    };
    expect((await refused(text, "wrong password!")).reason).to.equal("password");
    const changed = JSON.parse(text);
    changed.createdAt = "2020-01-01T00:00:00.000Z"; // authenticated as the cipher's additional data
    expect((await refused(JSON.stringify(changed), PASSWORD)).reason).to.equal("password");
  });

  it("refuses a file that is not a backup, or asks for an scrypt cost out of bounds, naming the member", async () => {
    const text = await encryptWalletBackup({ contents, password: PASSWORD, scryptN: N });
    const bad = (change: (f: Record<string, any>) => void) => {
      // eslint-disable-line @typescript-eslint/no-explicit-any
      const f = JSON.parse(text);
      change(f);
      return () => readWalletBackupFile(JSON.stringify(f));
    };
    expect(() => readWalletBackupFile("not json")).to.throw(WalletBackupError, /not JSON/);
    expect(bad((f) => (f.format = "other/1"))).to.throw(/format must be credstack-wallet-backup\/1/);
    expect(bad((f) => (f.kdf.N = 2 ** 30))).to.throw(/kdf is missing or malformed/);
    expect(bad((f) => (f.kdf.N = 2 ** 19))).to.throw(/kdf is missing or malformed/); // 512 MiB: too much for a phone
    expect(bad((f) => (f.kdf.N = 3 * 2 ** 14))).to.throw(/kdf/);
    expect(bad((f) => (f.cipher.iv = "AAAA"))).to.throw(/cipher/);
    expect(bad((f) => delete f.ciphertext)).to.throw(/ciphertext/);
  });

  it("refuses contents whose share log is not the wallet's shape (it would break every later start)", async () => {
    for (const shares of [[{}], [{ ...contents.shares[0], at: 1 }], [{ ...contents.shares[0], credentials: [{ id: "x" }] }]]) {
      const text = await encryptWalletBackup({ contents: { ...contents, shares }, password: PASSWORD, scryptN: N });
      try {
        await decryptWalletBackup({ text, password: PASSWORD });
        expect.fail("decrypted");
      } catch (error) {
        expect(error).to.be.instanceOf(WalletBackupError);
        expect((error as WalletBackupError).reason).to.equal("format");
      }
    }
  });

  it("refuses to encrypt under a password shorter than 8 characters", async () => {
    try {
      await encryptWalletBackup({ contents, password: "short", scryptN: N });
      expect.fail("encrypted");
    } catch (error) {
      expect(error).to.be.instanceOf(WalletBackupError);
    }
  });
});
