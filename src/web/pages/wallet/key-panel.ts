import { announce, h, replace } from "../shared/dom.js";
import { checkAll } from "./checker.js";
import { loadSdk, type WalletContext } from "./context.js";
import { didPkh } from "./facts.js";
import { passwordStrength } from "./password.js";
import { busy, errorText, field, messageBox, passwordInput, say, usernameField } from "./ui.js";

/**
 * The key panel: create a holder key (password twice, a strength hint), unlock it, lock it. The key is kept as the
 * standard scrypt JSON keystore (`encryptHolderKey`) in IndexedDB; unlocked, it lives in this page's memory only,
 * until locked, the page closed, or {@link AUTO_LOCK_MS} without activity.
 */

/** The key locks itself after this long without a click or a key press. */
export const AUTO_LOCK_MS = 15 * 60_000;

/** Mounts the panel in `root`; it re-renders when the key changes. */
export function mountKeyPanel(ctx: WalletContext, root: HTMLElement): void {
  const render = () => replace(root, ctx.keystore ? keyView(ctx) : createForm(ctx));
  ctx.on("key", render);
  render();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const activity = () => {
    clearTimeout(timer);
    if (ctx.key) timer = setTimeout(() => lock(ctx, "Locked after 15 minutes without activity."), AUTO_LOCK_MS);
  };
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, activity, { passive: true });
  ctx.on("key", activity);
}

function lock(ctx: WalletContext, message = "Key locked."): void {
  if (!ctx.key) return;
  ctx.key = undefined;
  ctx.emit("key");
  announce(message);
  document.getElementById("unlock-password")?.focus();
}

function createForm(ctx: WalletContext): HTMLElement {
  const password = passwordInput("new-password", "new-password");
  const again = passwordInput("new-password-again", "new-password");
  const meter = h("meter", {
    id: "password-meter",
    min: 0,
    max: 4,
    low: 2,
    high: 3,
    optimum: 4,
    value: 0,
    "aria-label": "Password strength",
  });
  const strengthText = h("span", { id: "password-strength-words" }, "too short");
  const hint = h(
    "p",
    { class: "hint", id: "new-password-hint" },
    meter,
    " ",
    strengthText,
    ": ",
    h("span", { id: "password-strength-hint" }, "At least 8 characters.")
  );
  const message = messageBox("key-message");
  const button = h("button", { type: "submit", id: "create-key" }, "Create key");
  password.addEventListener("input", () => {
    const s = passwordStrength(password.value);
    meter.value = s.score;
    strengthText.textContent = s.words;
    hint.querySelector("#password-strength-hint")!.textContent = s.hint;
    hint.dataset.score = String(s.score);
  });
  const form = h(
    "form",
    { id: "create-key-form", class: "stack", novalidate: true },
    h(
      "p",
      {},
      "Your key proves that your credentials are yours when you present them. It stays in this browser, encrypted with your password: keep the password safe, nobody can recover it."
    ),
    usernameField(),
    field("Password", password, hint),
    field("Password again", again),
    h("div", { class: "actions" }, button),
    message,
    h(
      "p",
      { class: "muted" },
      "Moving to a new browser or device? ",
      h("a", { href: "#backup" }, "Restore a backup"),
      " instead."
    )
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      if (password.value.length < 8) return fail(message, password, "The password needs at least 8 characters.");
      if (password.value !== again.value)
        return fail(message, again, "The two passwords differ: type the same password twice.");
      try {
        const sdk = await loadSdk();
        const key = sdk.createHolderKey();
        const keystore = await busy(button, "Encrypting…", (onProgress) =>
          sdk.encryptHolderKey({ key, password: password.value, onProgress })
        );
        const stored = { keystore, address: key.address, createdAt: new Date().toISOString() };
        await ctx.store.putKeystore(stored);
        ctx.keystore = stored;
        ctx.key = key;
        ctx.emit("key");
        if (ctx.credentials.length > 0) void checkAll(ctx); // the pathways are evaluated for this holder now
        announce(`Key created and unlocked: ${key.address}.`);
        document.getElementById("key-heading")?.focus();
      } catch (error) {
        fail(message, password, `The key could not be created: ${errorText(error)}`);
      }
    })();
  });
  return form;
}

function fail(message: HTMLElement, input: HTMLInputElement, text: string): void {
  say(message, "error", text);
  input.setAttribute("aria-invalid", "true");
  input.addEventListener("input", () => input.removeAttribute("aria-invalid"), { once: true });
  input.focus();
}

function identity(ctx: WalletContext): HTMLElement {
  const address = ctx.keystore!.address;
  const did = didPkh(ctx.config.chainId, address);
  return h(
    "dl",
    { class: "facts identity" },
    h("dt", {}, "Address"),
    h("dd", {}, h("code", { id: "holder-address", class: "breakable" }, address)),
    h("dt", {}, "DID"),
    h("dd", {}, h("code", { id: "holder-did", class: "breakable" }, did)),
    h("dt", {}, "Key"),
    h(
      "dd",
      {},
      h(
        "span",
        {
          id: "key-state",
          class: `badge key-${ctx.key ? "unlocked" : "locked"}`,
          "data-state": ctx.key ? "unlocked" : "locked",
        },
        ctx.key ? "unlocked" : "locked"
      )
    )
  );
}

function keyView(ctx: WalletContext): HTMLElement {
  if (ctx.key) {
    return h(
      "div",
      { class: "stack" },
      identity(ctx),
      h(
        "p",
        { class: "muted" },
        "Unlocked: you can present credentials. The key locks itself after 15 minutes without activity."
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", id: "lock-key", class: "secondary", onclick: () => lock(ctx) }, "Lock")
      )
    );
  }
  const password = passwordInput("unlock-password", "current-password");
  const message = messageBox("key-message");
  const button = h("button", { type: "submit", id: "unlock-key" }, "Unlock");
  const form = h(
    "form",
    { id: "unlock-form", class: "stack", novalidate: true },
    usernameField(ctx.keystore!.address),
    field("Password", password),
    h("div", { class: "actions" }, button),
    message
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      if (password.value.length === 0) return fail(message, password, "Type your wallet password.");
      try {
        const sdk = await loadSdk();
        const key = await busy(button, "Unlocking…", (onProgress) =>
          sdk.decryptHolderKey({ keystore: ctx.keystore!.keystore, password: password.value, onProgress })
        );
        ctx.key = key;
        ctx.emit("key");
        announce("Key unlocked.");
      } catch (error) {
        password.value = "";
        fail(message, password, errorText(error));
      }
    })();
  });
  return h("div", { class: "stack" }, identity(ctx), form);
}
