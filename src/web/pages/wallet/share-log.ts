import { announce, h, replace } from "../shared/dom.js";
import type { WalletContext } from "./context.js";
import { fieldWords } from "./disclosure.js";
import { showDateTime } from "./facts.js";

/**
 * The share log: every presentation this wallet made (kept in IndexedDB, in the backup too): when, to whom (the
 * domain it was signed for), which credentials, which fields were revealed and which hidden. Newest first.
 */

/** Mounts the log in `root` (re-rendered when it changes). */
export function mountShareLog(ctx: WalletContext, root: HTMLElement): void {
  const clearButton = h("button", { type: "button", id: "clear-share-log", class: "secondary small" }, "Clear the log");
  clearButton.addEventListener("click", () => {
    if (!confirm("Clear the share log? The presentations already given stay with their verifiers.")) return;
    void ctx.store.clearShares().then(() => {
      ctx.shares = [];
      ctx.emit("shares");
      announce("Share log cleared.");
    });
  });
  const list = h("ol", { id: "share-log", class: "share-log", "aria-label": "Presentations made" });
  const empty = h(
    "p",
    { class: "muted", id: "share-log-empty" },
    "Nothing shared yet. Each presentation you make is listed here."
  );
  const render = () => {
    empty.hidden = ctx.shares.length > 0;
    clearButton.hidden = ctx.shares.length === 0;
    replace(
      list,
      ...ctx.shares.map((s) =>
        h(
          "li",
          { class: "share", "data-domain": s.domain, "data-via": s.viaRequest ? "request" : "manual" },
          h(
            "p",
            { class: "share-head" },
            h("time", { datetime: s.at }, showDateTime(s.at)),
            " — to ",
            h("strong", { class: "share-domain" }, s.domain),
            h("span", { class: "muted" }, s.viaRequest ? " (answering a request)" : " (challenge typed in)")
          ),
          h(
            "ul",
            {},
            ...s.credentials.map((c) =>
              h(
                "li",
                { "data-credential-id": c.id },
                h("span", { class: "share-title" }, c.title),
                ": ",
                h(
                  "span",
                  { "data-revealed": c.revealed.join(" ") },
                  `revealed ${
                    c.revealed.length ? c.revealed.map(fieldWords).join(", ") : "only what is always revealed"
                  }`
                ),
                c.hidden.length
                  ? h("span", { "data-hidden": c.hidden.join(" ") }, `; hidden ${c.hidden.map(fieldWords).join(", ")}`)
                  : null
              )
            )
          ),
          h("p", { class: "muted small" }, `Valid until ${showDateTime(s.expiresAt)}.`)
        )
      )
    );
  };
  ctx.on("shares", render);
  replace(root, empty, list, h("div", { class: "actions" }, clearButton));
  render();
}
