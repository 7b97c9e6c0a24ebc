import type { PathwayEvaluation } from "../../../stack/evaluate.js";
import { h, replace } from "../shared/dom.js";
import type { PathwayResult, WalletContext } from "./context.js";

/**
 * Progress toward each pathway the page is configured with (`config.pathways`): `evaluatePathway` over the
 * wallet's credentials, bound to this wallet's holder: met or not, the credits so far against those needed, each
 * rule with its message (what is missing), and which credential fills which part.
 */

function credits(e: PathwayEvaluation): { have: number; need: number } | undefined {
  return e.rules.find((r) => r.rule === "totalCredits")?.progress;
}

function pathwayCard(ctx: WalletContext, result: PathwayResult, index: number): HTMLElement {
  const headingId = `pathway-${index}`;
  const e = result.evaluation;
  if (!e) {
    return h(
      "article",
      { class: "card pathway", "data-pathway": index, "aria-labelledby": headingId },
      h("h3", { id: headingId }, result.name),
      h("p", { class: "message message-warning", "data-kind": "warning" }, result.error ?? "Not evaluated.")
    );
  }
  const raw = ctx.config.pathways[index] as {
    awardingBody?: { name?: string };
    destination?: { name?: string; eqfLevel?: number };
  };
  const progress = credits(e);
  const titleOf = (i: number | undefined) => (i === undefined ? undefined : ctx.credentials[i]?.facts.title);
  return h(
    "article",
    { class: "card pathway", "data-pathway": index, "data-met": String(e.met), "aria-labelledby": headingId },
    h("h3", { id: headingId }, result.name),
    raw.awardingBody?.name
      ? h(
          "p",
          { class: "muted" },
          `Awarded by ${raw.awardingBody.name}${
            raw.destination?.eqfLevel ? `, EQF level ${raw.destination.eqfLevel}` : ""
          }.`
        )
      : null,
    h(
      "p",
      { class: "pathway-state" },
      h(
        "span",
        { class: `badge ${e.met ? "state-valid" : "state-progress"}`, "data-state": e.met ? "met" : "not-met" },
        h("span", { "aria-hidden": "true" }, e.met ? "✔" : "◔"),
        " ",
        e.met ? "met" : "not met yet"
      )
    ),
    progress
      ? h(
          "div",
          { class: "credits" },
          h("label", { for: `${headingId}-credits` }, "ECTS credits"),
          h("progress", {
            id: `${headingId}-credits`,
            max: progress.need,
            value: Math.min(progress.have, progress.need),
          }),
          h(
            "span",
            { class: "credits-text", "data-credits": `${progress.have}/${progress.need}` },
            `${progress.have} of ${progress.need} ECTS`
          )
        )
      : null,
    e.incomplete
      ? h(
          "p",
          { class: "message message-warning", "data-incomplete": "true" },
          "⚠ Some credentials could not be checked (the chain did not answer): this may change."
        )
      : null,
    h("h4", {}, "Rules"),
    h(
      "ul",
      { class: "checklist rules" },
      ...e.rules.map((r) =>
        h(
          "li",
          { class: `rule ${r.met ? "status-valid" : "status-open"}`, "data-rule": r.rule, "data-met": String(r.met) },
          h("span", { class: "mark", "aria-hidden": "true" }, r.met ? "✔" : "○"),
          h("span", { class: "visually-hidden" }, r.met ? "met: " : "not met: "),
          r.message
        )
      )
    ),
    h("h4", {}, "Parts"),
    h(
      "ul",
      { class: "components" },
      ...e.components.map((c) =>
        h(
          "li",
          { "data-component": c.id, "data-filled": String(c.filledBy !== undefined) },
          h("strong", {}, c.name),
          ": ",
          c.filledBy !== undefined
            ? `filled by “${titleOf(c.filledBy) ?? `credential ${c.filledBy + 1}`}” (${c.credits} ECTS)`
            : `missing${c.message ? ` — ${c.message}` : ""}`
        )
      )
    )
  );
}

/** Mounts the pathway panel in `root` (re-rendered when the evaluations change). */
export function mountPathways(ctx: WalletContext, root: HTMLElement): void {
  const render = () => {
    if (ctx.config.pathways.length === 0)
      return replace(root, h("p", { class: "muted" }, "No pathways are configured for this wallet."));
    if (!ctx.pathways)
      return replace(root, h("p", { class: "muted", "data-state": "checking" }, "Evaluating your progress…"));
    replace(root, h("div", { class: "pathway-list" }, ...ctx.pathways.map((p, i) => pathwayCard(ctx, p, i))));
  };
  ctx.on("pathways", render);
  render();
}
