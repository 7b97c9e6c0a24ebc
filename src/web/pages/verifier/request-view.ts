import { requestLink } from "../../../present/request.js";
import { announce, download, h, replace } from "../shared/dom.js";
import { qrCode } from "../shared/qr.js";
import { FRIENDLY_LABELS } from "./disclosed-fields.js";
import { isExpired, type PendingRequest } from "./requests-store.js";
import { formatTime } from "./time.js";

/**
 * One request as the verifier hands it to a student: the `credstack-request:` link (copy, download as the JSON file
 * `credstack present --request` reads), its QR code, and its challenge, domain, fields asked for and expiry.
 */

/** Shows `pending` in `output`: its link (copy, download), QR code, challenge, domain, what it asks, until when. */
export function showRequest(output: HTMLElement, pending: PendingRequest): void {
  const r = pending.request;
  const link = requestLink(r);
  const linkBox = h(
    "textarea",
    { id: "request-link", readonly: true, rows: 4, spellcheck: "false", "aria-describedby": "request-link-hint" },
    link
  );
  const copy = h(
    "button",
    { type: "button", id: "copy-link", class: "secondary", onclick: () => void copyText(link, linkBox) },
    "Copy link"
  );
  const save = h(
    "button",
    {
      type: "button",
      id: "download-request",
      class: "secondary",
      onclick: () => download(`request-${r.challenge.slice(0, 8)}.json`, `${JSON.stringify(r, null, 2)}\n`),
    },
    "Download request (JSON)"
  );
  const qr = qrCode(link, `QR code of the request link for ${r.domain}`);
  const expired = isExpired(pending);
  replace(
    output,
    h("h3", { id: "request-output-heading" }, `Request for ${r.domain}`),
    expired
      ? h(
          "p",
          { class: "error-text" },
          `This request expired at ${formatTime(r.expiresAt)}: answers to it are refused.`
        )
      : null,
    h(
      "div",
      { class: "request-grid" },
      h(
        "figure",
        { id: "request-qr", class: "request-qr" },
        qr ?? h("p", { class: "muted" }, "Too long for a QR code: send the link or the file."),
        h("figcaption", { class: "muted" }, "Let the student's wallet scan it.")
      ),
      h(
        "div",
        { class: "request-details" },
        h("label", { for: "request-link" }, "Request link"),
        linkBox,
        h(
          "p",
          { id: "request-link-hint", class: "muted hint" },
          "Send it to the student, or let their wallet scan the code."
        ),
        h("div", { class: "actions" }, copy, save),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Challenge"),
          h("dd", {}, h("code", { id: "request-challenge" }, r.challenge)),
          h("dt", {}, "Domain"),
          h("dd", { id: "request-domain-shown" }, r.domain),
          h("dt", {}, "Asks to see"),
          h("dd", {}, r.disclose.length ? r.disclose.map(labelOf).join(", ") : "nothing beyond the public facts"),
          h("dt", {}, "Achievements"),
          h("dd", {}, r.achievements.length ? r.achievements.join(", ") : "any"),
          h("dt", {}, "Valid until"),
          h("dd", {}, h("time", { datetime: r.expiresAt }, formatTime(r.expiresAt)))
        )
      )
    )
  );
  output.hidden = false;
}

/** The friendly label of a field a request asks for (`grade` → Grade), or the field as given. */
export const labelOf = (field: string) =>
  field in FRIENDLY_LABELS ? FRIENDLY_LABELS[field as keyof typeof FRIENDLY_LABELS] : field;

/** Copies `text` (the clipboard API, else the selection of `box`), and says whether it worked. */
async function copyText(text: string, box: HTMLTextAreaElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    announce("Link copied.");
  } catch {
    box.focus();
    box.select();
    announce(
      document.execCommand("copy")
        ? "Link copied."
        : "Copying is not allowed here: the link is selected, copy it with your keyboard."
    );
  }
}
