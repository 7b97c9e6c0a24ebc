import { h } from "../shared/dom.js";
import { FRIENDLY_LABELS, identityMatches, type DisclosureView, type FieldView } from "./disclosed-fields.js";

/**
 * The disclosed fields of one credential as a list (`#disclosed` for the first credential on the page): one
 * `li[data-field]` per field, hidden ones `data-hidden="true"` reading "hidden (not disclosed)", revealed values as
 * text; a hashed name or student number can be compared with what the student says. Every other revealed field is
 * listed under a disclosure widget.
 */

/**
 * Renders `view`. `index` numbers the credential on the page (ids stay unique); `intact`: its integrity and inclusion
 * hold, so the values are the issuer's (otherwise they are shown as claims).
 */
export function disclosedFields(view: DisclosureView, index: number, intact: boolean): HTMLElement {
  const listId = index === 0 ? "disclosed" : `disclosed-${index + 1}`;
  const items: HTMLElement[] = view.subject.map((f) => fieldItem(f, index));
  if (view.unnamedHidden > 0) {
    const among = view.maybe.length
      ? ` (among ${view.maybe
          .map((n) => FRIENDLY_LABELS[n].toLowerCase())
          .join(", ")}; the credential need not have them all)`
      : "";
    items.push(
      h(
        "li",
        { class: "field hidden-field", "data-field": "", "data-hidden": "true", "data-count": view.unnamedHidden },
        h(
          "span",
          { class: "field-label" },
          `${view.unnamedHidden} ${view.unnamedHidden === 1 ? "field" : "fields"} hidden`
        ),
        h("span", { class: "field-value muted" }, `not disclosed${among}`)
      )
    );
  }
  return h(
    "div",
    { class: "disclosure" },
    h("h4", { id: `${listId}-heading` }, "Disclosed fields"),
    h(
      "p",
      { class: "muted" },
      view.hiddenCount === 0
        ? `All ${view.revealedCount} fields revealed.`
        : `${view.revealedCount} fields revealed, ${view.hiddenCount} hidden by the student.`,
      intact ? "" : " These values are claims: the credential fails its integrity or inclusion check."
    ),
    items.length
      ? h("ul", { id: listId, class: "fields", "aria-labelledby": `${listId}-heading` }, ...items)
      : h(
          "ul",
          { id: listId, class: "fields", "aria-labelledby": `${listId}-heading` },
          h(
            "li",
            { class: "field muted", "data-field": "" },
            "No learner fields (name, student number, grade) in this credential."
          )
        ),
    view.other.length
      ? h(
          "details",
          { class: "other-fields" },
          h("summary", {}, `${view.other.length} other revealed fields (public facts, achievement, issuer)`),
          h(
            "ul",
            { class: "fields" },
            ...view.other.map((f) =>
              h(
                "li",
                { class: "field", "data-field": f.pointer },
                h("code", { class: "field-label" }, f.pointer),
                " ",
                h("span", { class: "field-value" }, f.value ?? "")
              )
            )
          )
        )
      : null
  );
}

function fieldItem(f: FieldView, index: number): HTMLElement {
  if (f.hidden) {
    return h(
      "li",
      { class: "field hidden-field", "data-field": f.pointer ?? "", "data-name": f.name, "data-hidden": "true" },
      h("span", { class: "field-label" }, f.label),
      " ",
      h("span", { class: "field-value muted" }, "hidden (not disclosed)")
    );
  }
  return h(
    "li",
    { class: "field", "data-field": f.pointer ?? "", "data-name": f.name, "data-hidden": "false" },
    h("span", { class: "field-label" }, f.label),
    " ",
    h("span", { class: "field-value" }, f.value ?? ""),
    f.identity?.hashed ? identityCompare(f, index) : null
  );
}

/** "Compare with what the student says": the typed name or number hashed with the credential's salt. */
function identityCompare(f: FieldView, index: number): HTMLElement {
  const id = `compare-${index}-${f.name}`;
  const what = f.name === "name" ? "name" : "student number";
  const input = h("input", { id, type: "text", autocomplete: "off", spellcheck: "false" });
  const result = h("output", { for: id, class: "compare-result", "aria-live": "polite" });
  const compare = (event: Event) => {
    event.preventDefault();
    if (!input.value.trim()) {
      result.textContent = `Type the ${what} first.`;
      result.className = "compare-result muted";
      return;
    }
    const ok = identityMatches(f.identity!, input.value);
    result.textContent = ok ? `✔ matches the credential's ${what}` : `✘ does not match the credential's ${what}`;
    result.className = `compare-result ${ok ? "status-valid" : "status-invalid"}`;
  };
  return h(
    "form",
    { class: "compare", novalidate: true, onsubmit: compare },
    h("label", { for: id, class: "compare-label" }, `Compare with the ${what} the student gives`),
    h("span", { class: "compare-row" }, input, h("button", { type: "submit", class: "secondary small" }, "Compare")),
    result
  );
}
