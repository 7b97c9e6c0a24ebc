import { announce, download, h, replace } from "../shared/dom.js";
import { checkAll } from "./checker.js";
import type { WalletContext, WalletCredential } from "./context.js";
import { sameAccount, shortAddress, showDate } from "./facts.js";
import { cardStatus, type CardStatus } from "./status.js";

/**
 * One card per credential: the EU micro-credential elements (title, issuer and country, ECTS credits, EQF level,
 * learning outcomes, awarded / valid until, grade), its status (valid; revoked, suspended or expired with the
 * reason; could not check) and whether its issuer is accredited on the trusted registry or unknown (a warning).
 */

const MARKS: Record<CardStatus["state"], string> = {
  checking: "…",
  valid: "✔",
  invalid: "✘",
  error: "!",
  untrusted: "⚠",
};

function statusBlock(status: CardStatus): HTMLElement {
  return h(
    "div",
    {
      class: `card-status state-${status.state}`,
      "data-status": status.state,
      ...(status.code ? { "data-code": status.code } : {}),
    },
    h(
      "span",
      { class: `badge state-${status.state}` },
      h("span", { "aria-hidden": "true" }, MARKS[status.state]),
      " ",
      h("span", { class: "status-label" }, status.label)
    ),
    status.reason ? h("p", { class: "status-reason" }, status.reason) : null
  );
}

function trustLine(status: CardStatus): HTMLElement {
  const mark = { trusted: "✔", unknown: "⚠", unchecked: "…" }[status.trust];
  return h(
    "p",
    { class: `trust trust-${status.trust}`, "data-trust": status.trust },
    h("span", { "aria-hidden": "true" }, mark),
    " ",
    status.trustText
  );
}

function fact(name: string, key: string, value: string | number | undefined): Node[] {
  return [h("dt", {}, name), h("dd", { "data-fact": key }, value === undefined ? "—" : String(value))];
}

function card(ctx: WalletContext, c: WalletCredential): HTMLElement {
  const f = c.facts;
  const status = cardStatus(
    ctx.reports.get(c.stored.id),
    `${ctx.trustedRegistry.slice(0, 20)}…${ctx.config.registry.slice(-4)}`
  );
  const mine = !ctx.address || sameAccount(f.holder?.address, ctx.address);
  const headingId = `card-${cssId(c.stored.id)}`;
  const remove = h("button", { type: "button", class: "secondary small", "aria-describedby": headingId }, "Remove");
  remove.addEventListener("click", () => {
    if (!confirm(`Remove “${f.title}” from this wallet? Keep its file (or a backup) if you may need it again.`)) return;
    void ctx.store.removeCredential(c.stored.id).then(() => {
      ctx.credentials = ctx.credentials.filter((x) => x.stored.id !== c.stored.id);
      ctx.reports.delete(c.stored.id);
      ctx.emit("credentials");
      announce(`Removed “${f.title}”.`);
      void checkAll(ctx);
      document.getElementById("credentials-heading")?.focus();
    });
  });
  const save = h("button", { type: "button", class: "secondary small", "aria-describedby": headingId }, "Download");
  save.addEventListener("click", () =>
    download(c.stored.source.endsWith(".json") ? c.stored.source : `${c.stored.source}.json`, c.stored.text)
  );
  return h(
    "article",
    {
      class: "card credential-card",
      "data-credential-id": c.stored.id,
      "data-status": status.state,
      "aria-labelledby": headingId,
    },
    h("h3", { id: headingId, class: "card-title" }, f.title),
    h(
      "p",
      { class: "issuer" },
      h("span", { "data-fact": "issuer" }, f.issuerName),
      f.country ? ", " : null,
      f.country ? h("span", { "data-fact": "country" }, f.country) : null
    ),
    statusBlock(status),
    trustLine(status),
    mine
      ? null
      : h(
          "p",
          { class: "holder-warning", "data-warning": "holder" },
          h("span", { "aria-hidden": "true" }, "⚠ "),
          `Bound to ${
            f.holder ? shortAddress(f.holder.address) : "no account"
          }, not to this wallet's key: it cannot be presented from this wallet.`
        ),
    h(
      "dl",
      { class: "facts" },
      ...fact("ECTS credits", "ects", f.ects),
      ...fact("EQF level", "eqf", f.eqf),
      ...fact("Awarded", "awarded", showDate(f.awarded)),
      ...fact("Valid until", "valid-until", f.validUntil ? showDate(f.validUntil) : "no end date"),
      ...(f.grade ? fact("Grade", "grade", `${f.grade.value}${f.grade.scale ? ` (${f.grade.scale})` : ""}`) : [])
    ),
    f.outcomes.length
      ? h(
          "details",
          { class: "outcomes-list" },
          h("summary", {}, `Learning outcomes (${f.outcomes.length})`),
          h("ul", { "data-fact": "outcomes" }, ...f.outcomes.map((o) => h("li", {}, o)))
        )
      : null,
    h("div", { class: "actions" }, save, remove)
  );
}

/** An id usable in an element id, from a credential id (`urn:uuid:…`). */
const cssId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, "-");

/** Mounts the cards in `root` (re-rendered when credentials, their status or the key change). */
export function mountCards(ctx: WalletContext, root: HTMLElement): void {
  const again = h("button", { type: "button", id: "check-again", class: "secondary" }, "Check status again");
  again.addEventListener("click", () => {
    announce("Checking your credentials again…");
    void checkAll(ctx);
  });
  const count = h("p", { id: "credential-count", class: "muted" });
  const grid = h("div", { class: "grid cards", id: "card-list" });
  const render = () => {
    const n = ctx.credentials.length;
    count.textContent =
      n === 0
        ? "No credentials yet: import the files your institutions gave you."
        : `${n} credential${n === 1 ? "" : "s"}.`;
    again.hidden = n === 0;
    // A re-render keeps what the reader opened and where the focus was.
    const open = new Set(
      [...grid.querySelectorAll<HTMLElement>("details[open]")].map(
        (d) => d.closest<HTMLElement>("[data-credential-id]")?.dataset.credentialId
      )
    );
    const active =
      document.activeElement instanceof HTMLElement && grid.contains(document.activeElement)
        ? document.activeElement
        : undefined;
    const focus = active && {
      id: active.closest<HTMLElement>("[data-credential-id]")?.dataset.credentialId,
      text: active.textContent,
    };
    replace(grid, ...ctx.credentials.map((c) => card(ctx, c)));
    for (const el of grid.querySelectorAll<HTMLElement>("[data-credential-id]")) {
      if (open.has(el.dataset.credentialId)) el.querySelector("details")?.setAttribute("open", "");
      if (focus && el.dataset.credentialId === focus.id) {
        [...el.querySelectorAll<HTMLElement>("button, summary")].find((b) => b.textContent === focus.text)?.focus();
      }
    }
  };
  for (const topic of ["credentials", "status", "key"] as const) ctx.on(topic, render);
  const trust = h(
    "p",
    { class: "muted small trust-anchor" },
    "Checked against the trusted registry ",
    h("code", { class: "breakable" }, ctx.trustedRegistry),
    ` (${ctx.config.trustSource})${
      ctx.config.accreditors?.length ? `, accreditors ${ctx.config.accreditors.join(", ")}` : ""
    }.`
  );
  replace(root, h("div", { class: "toolbar" }, count, again), grid, trust);
  render();
}
