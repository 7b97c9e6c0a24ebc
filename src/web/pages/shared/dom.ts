/** Building the pages' DOM without innerHTML: every text a credential or presentation brings is set as text. */

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | number | null | undefined | false;

/**
 * An element with attributes (`on…` keys add listeners; `true` sets an empty attribute; false and
 * undefined are skipped) and children (strings become text nodes).
 *
 * @example
 * h("button", { type: "button", onclick: () => save() }, "Save");
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Says `message` to screen readers through the page's polite live region (`#announcer`, made on first use). */
export function announce(message: string): void {
  let region = document.getElementById("announcer");
  if (!region) {
    region = h("div", { id: "announcer", class: "visually-hidden", "aria-live": "polite", role: "status" });
    document.body.appendChild(region);
  }
  region.textContent = message;
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The text of files dropped on `zone` or picked with `input`, each with its name, handed to `onFiles`. */
export function acceptFiles(params: {
  zone: HTMLElement;
  input: HTMLInputElement;
  onFiles: (files: { name: string; text: string }[]) => void;
}): void {
  const read = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    params.onFiles(await Promise.all([...list].map(async (f) => ({ name: f.name, text: await f.text() }))));
  };
  params.input.addEventListener("change", () => {
    void read(params.input.files).then(() => (params.input.value = ""));
  });
  params.zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    params.zone.classList.add("dragging");
  });
  params.zone.addEventListener("dragleave", () => params.zone.classList.remove("dragging"));
  params.zone.addEventListener("drop", (e) => {
    e.preventDefault();
    params.zone.classList.remove("dragging");
    void read(e.dataTransfer?.files ?? null);
  });
}
