import { announce, download, h, replace } from "../shared/dom.js";
import { fieldWords } from "./disclosure.js";
import { showDateTime } from "./facts.js";
import type { ShareRecord } from "./storage.js";

/**
 * A presentation made: what it shows and hides, a download button (JSON), a QR code when it fits (the shared
 * qr.ts refuses long texts), and its JSON to copy.
 */

/** The file name of a presentation: its domain and the time, e.g. `presentation-admissions.example-2026-11-27T1701.json`. */
export function presentationFileName(domain: string, at: string): string {
  const safe = domain
    .replace(/^https?:\/\//, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .slice(0, 60);
  return `presentation-${safe}-${at.slice(0, 16).replace(/:/g, "")}.json`;
}

/**
 * Shows the presentation in `root` and moves the focus to its heading; `qr`: its QR code, or undefined when too long
 * (the shared `qrCode`).
 */
export function showPresentation(
  root: HTMLElement,
  params: { text: string; record: ShareRecord; qr: SVGSVGElement | undefined }
): void {
  const { text, record, qr } = params;
  const bytes = new TextEncoder().encode(text).length;
  const name = presentationFileName(record.domain, record.at);
  const save = h("button", { type: "button", id: "download-presentation" }, "Download presentation (JSON)");
  save.addEventListener("click", () => {
    download(name, text);
    announce(`Saved as ${name}.`);
  });
  const copy = h("button", { type: "button", id: "copy-presentation", class: "secondary" }, "Copy");
  copy.addEventListener("click", () => {
    navigator.clipboard.writeText(text).then(
      () => announce("Presentation copied."),
      () => {
        output.focus();
        output.select();
        announce("Copying was refused by the browser: the text is selected, copy it with your keyboard.");
      }
    );
  });
  const output = h("textarea", { id: "presentation-json", readonly: true, rows: 8, spellcheck: "false" });
  output.value = text;
  const heading = h("h3", { tabindex: -1 }, "Presentation ready");
  replace(
    root,
    h(
      "div",
      { class: "card presentation", "data-domain": record.domain, "data-bytes": bytes },
      heading,
      h("p", {}, `For ${record.domain}, valid until ${showDateTime(record.expiresAt)}. Signed by your key.`),
      h(
        "ul",
        { class: "disclosed-summary" },
        ...record.credentials.map((c) =>
          h(
            "li",
            {},
            h("strong", {}, c.title),
            ": reveals ",
            c.revealed.length ? c.revealed.map(fieldWords).join(", ") : "only what is always revealed",
            c.hidden.length ? `; hides ${c.hidden.map(fieldWords).join(", ")}` : ""
          )
        )
      ),
      h("div", { class: "actions" }, save, copy),
      qr
        ? h(
            "figure",
            { class: "qr-figure", id: "presentation-qr" },
            qr,
            h("figcaption", { class: "muted" }, "Let the verifier scan it.")
          )
        : h(
            "p",
            { id: "qr-note", class: "muted" },
            `Too large for a QR code (${(bytes / 1024).toFixed(1)} KB): give the verifier the file instead.`
          ),
      h("label", { for: "presentation-json" }, "Presentation JSON"),
      output
    )
  );
  heading.focus();
}
