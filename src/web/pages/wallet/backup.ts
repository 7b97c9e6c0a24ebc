import { announce, download, h, replace } from "../shared/dom.js";
import { checkAll } from "./checker.js";
import { loadSdk, type WalletContext } from "./context.js";
import { sameAccount } from "./facts.js";
import { busy, errorText, field, messageBox, passwordInput, say, usernameField } from "./ui.js";

/**
 * Backup and restore: one file (`credstack-wallet-backup/1`, docs/formats.md) holding the key's keystore, the
 * credentials and the share log, encrypted under the wallet password (scrypt → AES-256-GCM); restored in another
 * browser with the same password: the same key, the same credentials. A wrong password changes nothing.
 */

/** `credstack-wallet-backup-2026-11-27.json`. */
export const backupFileName = (now = new Date()): string =>
  `credstack-wallet-backup-${now.toISOString().slice(0, 10)}.json`;

/** The address a keystore unlocks to, as its JSON states it (lowercase hex, no 0x), or undefined. */
function keystoreAddress(keystore: string): string | undefined {
  try {
    const a = (JSON.parse(keystore) as { address?: unknown }).address;
    return typeof a === "string" && /^(0x)?[0-9a-fA-F]{40}$/.test(a) ? (a.startsWith("0x") ? a : `0x${a}`) : undefined;
  } catch {
    return undefined;
  }
}

function backupForm(ctx: WalletContext): HTMLElement {
  const password = passwordInput("backup-password", "current-password");
  const button = h("button", { type: "submit", id: "download-backup" }, "Download encrypted backup");
  const message = messageBox("backup-message");
  const form = h(
    "form",
    { id: "backup-form", class: "stack", novalidate: true },
    h("h3", {}, "Back up this wallet"),
    h(
      "p",
      {},
      "One file holds your key, your credentials and your share log, encrypted with your wallet password. Keep it somewhere safe: with the password it restores this wallet in any browser."
    ),
    usernameField(ctx.keystore?.address),
    field("Wallet password", password, "The password of your key: the backup is encrypted with it."),
    h("div", { class: "actions" }, button),
    message
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      const keystore = ctx.keystore;
      if (!keystore) return say(message, "error", "Create or restore a key first: there is nothing to back up.");
      if (!password.value) {
        password.focus();
        return say(message, "error", "Type your wallet password.");
      }
      const sdk = await loadSdk();
      try {
        await busy(button, "Checking password…", (onProgress) =>
          sdk.decryptHolderKey({ keystore: keystore.keystore, password: password.value, onProgress })
        );
      } catch (error) {
        password.value = "";
        password.focus();
        return say(message, "error", `${errorText(error)} The backup is encrypted with your wallet password.`);
      }
      try {
        const contents = await ctx.store.snapshot();
        const text = await busy(button, "Encrypting backup…", (onProgress) =>
          sdk.encryptWalletBackup({ contents: contents!, password: password.value, onProgress })
        );
        password.value = "";
        const name = backupFileName();
        download(name, text);
        say(
          message,
          "ok",
          `Backup saved as ${name}: your key, ${contents!.credentials.length} credential${
            contents!.credentials.length === 1 ? "" : "s"
          } and ${contents!.shares.length} share-log entr${contents!.shares.length === 1 ? "y" : "ies"}.`
        );
      } catch (error) {
        say(message, "error", `The backup could not be made: ${errorText(error)}`);
      }
    })();
  });
  return form;
}

function restoreForm(ctx: WalletContext): HTMLElement {
  const file = h("input", { type: "file", id: "restore-file", accept: ".json,application/json" });
  const password = passwordInput("restore-password", "current-password");
  const replaceBox = h("input", { type: "checkbox", id: "restore-replace" });
  const replaceRow = h(
    "label",
    { class: "inline", for: "restore-replace" },
    replaceBox,
    "Replace this browser's wallet (its key, credentials and share log) with the backup"
  );
  const button = h("button", { type: "submit", id: "restore-button", class: "secondary" }, "Restore");
  const message = messageBox("restore-message");
  const sync = () => (replaceRow.hidden = !ctx.keystore && ctx.credentials.length === 0);
  ctx.on("key", sync);
  ctx.on("credentials", sync);
  sync();
  const form = h(
    "form",
    { id: "restore-form", class: "stack", novalidate: true },
    h("h3", {}, "Restore from a backup"),
    field("Backup file", file),
    usernameField(),
    field("Backup password", password),
    replaceRow,
    h("div", { class: "actions" }, button),
    message
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      const picked = file.files?.[0];
      if (!picked) return say(message, "error", "Choose the backup file (credstack-wallet-backup-….json).");
      if (!password.value) {
        password.focus();
        return say(message, "error", "Type the password the backup was made with.");
      }
      const sdk = await loadSdk();
      let contents;
      try {
        const text = await picked.text();
        contents = await busy(button, "Decrypting…", (onProgress) =>
          sdk.decryptWalletBackup({ text, password: password.value, onProgress })
        );
      } catch (error) {
        password.value = "";
        password.focus();
        return say(message, "error", `${errorText(error)} Nothing was changed.`);
      }
      if (!sameAccount(keystoreAddress(contents.keystore), contents.address)) {
        return say(
          message,
          "error",
          "The backup's keystore is not the key it names: the backup is damaged. Nothing was changed."
        );
      }
      const occupied = !!ctx.keystore || ctx.credentials.length > 0;
      if (occupied && !replaceBox.checked) {
        replaceBox.focus();
        const other =
          ctx.keystore && !sameAccount(ctx.keystore.address, contents.address)
            ? ` It holds another key (${ctx.keystore.address}): back it up first if you need it.`
            : "";
        return say(
          message,
          "error",
          `This browser's wallet is not empty: tick “Replace …” to replace it with the backup.${other} Nothing was changed.`
        );
      }
      try {
        await ctx.store.restore(contents);
        await ctx.reload();
      } catch (error) {
        return say(message, "error", `The backup could not be stored: ${errorText(error)}`);
      }
      password.value = "";
      file.value = "";
      replaceBox.checked = false;
      const n = contents.credentials.length;
      say(
        message,
        "ok",
        `Restored key ${contents.address} with ${n} credential${n === 1 ? "" : "s"} and ${
          contents.shares.length
        } share-log entr${contents.shares.length === 1 ? "y" : "ies"}. Unlock your key to present.`
      );
      announce("Wallet restored.");
      void checkAll(ctx);
    })();
  });
  return form;
}

/** Mounts backup and restore in `root`. */
export function mountBackup(ctx: WalletContext, root: HTMLElement): void {
  const backup = h("div", { id: "backup-slot" });
  const render = () =>
    replace(
      backup,
      ctx.keystore
        ? backupForm(ctx)
        : h("p", { class: "muted" }, "Once you have a key, you can back up your wallet here.")
    );
  let had = !!ctx.keystore;
  ctx.on("key", () => {
    if (!!ctx.keystore !== had) render();
    had = !!ctx.keystore;
  });
  replace(root, backup, restoreForm(ctx));
  render();
}
