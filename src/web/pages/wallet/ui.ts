import { announce, h, replace } from "../shared/dom.js";

/** Small building blocks of the wallet's panels: labelled fields, messages, a button busy with slow work. */

let counter = 0;
/** A unique element id with a readable prefix. */
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

/**
 * A labelled control: the label names it (`for`), and a hint, when given, describes it (`aria-describedby`).
 *
 * @example
 * field("Password", h("input", { id: "new-password", type: "password" }), "At least 8 characters.");
 */
export function field(
  label: string,
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  hint?: string | HTMLElement
): HTMLElement {
  if (!control.id) control.id = uid("field");
  const hintEl =
    hint === undefined ? undefined : typeof hint === "string" ? h("p", { class: "hint muted" }, hint) : hint;
  if (hintEl) {
    if (!hintEl.id) hintEl.id = `${control.id}-hint`;
    control.setAttribute("aria-describedby", hintEl.id);
  }
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintEl);
}

export type MessageKind = "error" | "warning" | "ok" | "info";

/** A message element (empty until {@link say}): errors are alerts, the rest polite status. */
export function messageBox(id: string): HTMLElement {
  return h("p", { id, class: "message", "aria-live": "polite", hidden: true });
}

/** Shows `text` in a message element; errors are announced assertively. */
export function say(el: HTMLElement, kind: MessageKind, text: string): void {
  el.hidden = false;
  el.className = `message message-${kind}`;
  el.dataset.kind = kind;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
  const mark = { error: "✘", warning: "⚠", ok: "✔", info: "ℹ" }[kind];
  replace(el, h("span", { "aria-hidden": "true" }, mark), " ", text);
}

/** Hides a message element. */
export function clear(el: HTMLElement): void {
  el.hidden = true;
  el.replaceChildren();
}

/**
 * Runs slow work (scrypt: seconds) with `button` disabled and showing `busyText` and the progress, announced to
 * screen readers at the start; the button comes back as it was, whatever happens.
 *
 * @example
 * await busy(button, "Encrypting…", (progress) => encryptHolderKey({ key, password, onProgress: progress }));
 */
export async function busy<T>(
  button: HTMLButtonElement,
  busyText: string,
  work: (progress: (fraction: number) => void) => Promise<T>
): Promise<T> {
  const label = button.textContent ?? "";
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = busyText;
  announce(`${busyText} This takes a few seconds.`);
  let shown = -1;
  const progress = (fraction: number) => {
    const percent = Math.min(100, Math.floor(fraction * 100));
    if (percent === shown) return;
    shown = percent;
    button.textContent = `${busyText} ${percent} %`;
  };
  // Let the browser paint the busy state before the work starts.
  // (requestAnimationFrame does not run in a hidden tab: the timeout goes on without it.)
  await new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 50);
  });
  try {
    return await work(progress);
  } finally {
    button.textContent = label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** A password input (never autofilled into the wrong form: `autocomplete` says which password it is). */
export function passwordInput(id: string, autocomplete: "new-password" | "current-password"): HTMLInputElement {
  return h("input", { id, type: "password", autocomplete, minlength: 8, required: true, spellcheck: "false" });
}

/** The error's sentence for a person: a credstack error's short message, else its message's first line. */
export function errorText(error: unknown): string {
  const e = error as { shortMessage?: unknown; message?: unknown };
  if (typeof e?.shortMessage === "string") return e.shortMessage;
  return String(e?.message ?? error).split("\n")[0]!;
}

/** A hidden user name beside a password field, for password managers (they file the password under it). */
export function usernameField(address?: string): HTMLInputElement {
  return h("input", {
    type: "text",
    name: "username",
    autocomplete: "username",
    value: address ?? "credstack wallet",
    hidden: true,
    readonly: true,
    tabindex: -1,
  });
}
