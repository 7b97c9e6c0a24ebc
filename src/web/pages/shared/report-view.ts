import type { Check, VerificationReport } from "../../../verify/report.js";
import { h } from "./dom.js";

/** How the pages show a verification result: a status in words and a checklist ✔ / ✘ / ! per check with its reason. */

type Status = VerificationReport["status"] | Check["status"];

/** The symbol and the words of a status (never colour alone). */
export const STATUS_TEXT: Record<Status, { mark: string; words: string }> = {
  VALID: { mark: "✔", words: "valid" },
  INVALID: { mark: "✘", words: "invalid" },
  ERROR: { mark: "!", words: "could not be checked" },
  SKIPPED: { mark: "–", words: "not checked" },
} as Record<Status, { mark: string; words: string }>;

const textOf = (status: Status) => STATUS_TEXT[status] ?? { mark: "?", words: String(status).toLowerCase() };

/** A status badge: `✔ valid`, `✘ invalid`, `! could not be checked`. */
export function statusBadge(status: Status, label?: string): HTMLElement {
  const t = textOf(status);
  return h(
    "span",
    { class: `badge status-${String(status).toLowerCase()}` },
    h("span", { "aria-hidden": "true" }, t.mark),
    " ",
    label ?? t.words
  );
}

/**
 * One line per check: mark, check id (or its title from `titles`, e.g. CHECK_TITLES), message and stable code.
 * The line keeps `data-check` (the id) and `data-code` either way.
 */
export function checklist(
  checks: readonly Check[],
  caption?: string,
  titles?: Partial<Record<Check["id"], string>>
): HTMLElement {
  return h(
    "ul",
    { class: "checklist", "aria-label": caption ?? "Checks" },
    ...checks.map((c) =>
      h(
        "li",
        { class: `check status-${c.status.toLowerCase()}`, "data-check": c.id, "data-code": c.code },
        h("span", { class: "mark", "aria-hidden": "true" }, textOf(c.status).mark),
        h("span", { class: "visually-hidden" }, `${textOf(c.status).words}: `),
        h("strong", { class: "check-id" }, titles?.[c.id] ?? c.id),
        " ",
        h("span", { class: "message" }, c.message),
        " ",
        h("code", { class: "code" }, c.code)
      )
    )
  );
}

/** The first check that is not VALID (the reason a report is not VALID), if any. */
export function firstProblem(checks: readonly Check[]): Check | undefined {
  return checks.find((c) => c.status === "INVALID") ?? checks.find((c) => c.status === "ERROR");
}
