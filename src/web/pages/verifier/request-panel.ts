import {
  createVerificationRequest,
  VerificationRequestError,
  type VerificationRequest,
} from "../../../present/request.js";
import { announce, h, replace } from "../shared/dom.js";
import { labelOf, showRequest } from "./request-view.js";
import { addRequest, forgetRequest, isExpired, loadRequests, type PendingRequest } from "./requests-store.js";
import { formatTime } from "./time.js";

/**
 * "Ask for a presentation": the form that makes a verification request (docs/spec.md §14.7: a fresh 128-bit
 * challenge, the verifier's domain, the fields asked for, the achievements wanted, a validity), shown as a link, a QR
 * code and a file; and the list of this tab's requests (kept in sessionStorage), each shown again or forgotten.
 */

const ASKABLE = ["name", "studentId", "grade"] as const;
const DEFAULT_MINUTES = 10;
const MAX_MINUTES = 7 * 24 * 60;

/** The request panel and its one command. */
export interface RequestPanel {
  element: HTMLElement;
  /** Redraws the list of requests (after a verification marked one answered). */
  refresh(): void;
}

/** Builds the panel; `onChange` hears every change of the requests (created, forgotten). */
export function requestPanel(params: { onChange: (requests: PendingRequest[]) => void }): RequestPanel {
  const domain = h("input", {
    id: "request-domain",
    name: "domain",
    type: "text",
    required: true,
    autocomplete: "off",
    spellcheck: "false",
    value: location.origin,
    "aria-describedby": "request-domain-hint",
  });
  const asks = ASKABLE.map((f) => h("input", { id: `ask-${f}`, type: "checkbox", name: "disclose", value: f }));
  const achievements = h("input", {
    id: "request-achievements",
    name: "achievements",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "https://…",
    "aria-describedby": "request-achievements-hint",
  });
  const minutes = h("input", {
    id: "request-minutes",
    name: "minutes",
    type: "number",
    min: 1,
    max: MAX_MINUTES,
    step: 1,
    value: DEFAULT_MINUTES,
    inputmode: "numeric",
    "aria-describedby": "request-minutes-hint",
  });
  const error = h("p", { id: "request-error", class: "error-text", role: "alert" });
  const output = h("div", { id: "request-output", class: "request-output", hidden: true });
  const list = h("ul", { id: "pending-requests", class: "pending-list", "aria-labelledby": "pending-heading" });
  const listEmpty = h("p", { class: "muted", id: "pending-empty" }, "No requests yet.");

  const fail = (message: string, field?: HTMLInputElement) => {
    error.textContent = message;
    for (const el of [domain, achievements, minutes]) el.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  };

  const create = (event: Event) => {
    event.preventDefault();
    const count = Number(minutes.value);
    if (!Number.isInteger(count) || count < 1 || count > MAX_MINUTES)
      return fail(`Validity: a whole number of minutes from 1 to ${MAX_MINUTES}.`, minutes);
    let request: VerificationRequest;
    try {
      request = createVerificationRequest({
        domain: domain.value.trim(),
        disclose: asks.filter((a) => a.checked).map((a) => a.value),
        achievements: achievements.value.split(/[\s,]+/).filter(Boolean),
        validForSeconds: count * 60,
      });
    } catch (e) {
      if (!(e instanceof VerificationRequestError)) throw e;
      const field = e.field === "domain" ? domain : e.field === "achievements" ? achievements : undefined;
      const words =
        e.field === "achievements"
          ? "Achievement ids must be https URLs (at most 32), separated by spaces."
          : e.shortMessage;
      return fail(words, field);
    }
    fail("");
    const requests = addRequest(request);
    show(requests[0]!);
    drawList(requests);
    params.onChange(requests);
    announce(`Request created for ${request.domain}, valid until ${formatTime(request.expiresAt)}.`);
    (output.querySelector("#request-link") as HTMLTextAreaElement | null)?.focus();
  };

  const show = (pending: PendingRequest) => showRequest(output, pending);

  const drawList = (requests: PendingRequest[]) => {
    listEmpty.hidden = requests.length > 0;
    replace(
      list,
      ...requests.map((p) => {
        const r = p.request;
        const state = p.answeredAt
          ? `answered at ${formatTime(p.answeredAt)}`
          : isExpired(p)
          ? `expired at ${formatTime(r.expiresAt)}`
          : `open until ${formatTime(r.expiresAt)}`;
        return h(
          "li",
          {
            class: "pending",
            "data-challenge": r.challenge,
            "data-state": p.answeredAt ? "answered" : isExpired(p) ? "expired" : "open",
          },
          h(
            "span",
            { class: "pending-what" },
            h("strong", {}, r.domain),
            " ",
            h("code", {}, `${r.challenge.slice(0, 8)}…`)
          ),
          h("span", { class: "pending-state muted" }, state),
          h(
            "span",
            { class: "actions" },
            h(
              "button",
              {
                type: "button",
                class: "secondary small",
                "aria-label": `Show the request ${r.challenge.slice(0, 8)} again`,
                onclick: () => show(p),
              },
              "Show"
            ),
            h(
              "button",
              {
                type: "button",
                class: "secondary small",
                "aria-label": `Forget the request ${r.challenge.slice(0, 8)}`,
                onclick: () => {
                  const rest = forgetRequest(r.challenge);
                  if (output.querySelector("#request-challenge")?.textContent === r.challenge) output.hidden = true;
                  drawList(rest);
                  params.onChange(rest);
                  announce("Request forgotten.");
                },
              },
              "Forget"
            )
          )
        );
      })
    );
  };

  const element = h(
    "section",
    { id: "request-panel", class: "panel", "aria-labelledby": "request-heading" },
    h("h2", { id: "request-heading" }, "1. Ask for a presentation"),
    h(
      "p",
      { class: "muted" },
      "A request holds a single-use challenge for your domain and the fields you ask to see. " +
        "The student's wallet answers it with a presentation, which you check below."
    ),
    h(
      "form",
      { id: "request-form", novalidate: true, onsubmit: create },
      h("label", { for: "request-domain" }, "Your domain"),
      domain,
      h(
        "p",
        { id: "request-domain-hint", class: "muted hint" },
        "What the presentation is for: one made for another domain is refused."
      ),
      h(
        "fieldset",
        { class: "asks" },
        h("legend", {}, "Fields to ask for (optional)"),
        ...asks.map((a) => h("label", { class: "inline", for: a.id }, a, labelOf(a.value))),
        h("p", { class: "muted hint" }, "The student chooses what to reveal; you see what was withheld.")
      ),
      h("label", { for: "request-achievements" }, "Only these achievements (optional)"),
      achievements,
      h(
        "p",
        { id: "request-achievements-hint", class: "muted hint" },
        "Achievement ids (https), separated by spaces. Empty: any."
      ),
      h("label", { for: "request-minutes" }, "Valid for (minutes)"),
      minutes,
      h("p", { id: "request-minutes-hint", class: "muted hint" }, "Answers after this are refused."),
      error,
      h("button", { type: "submit", id: "create-request" }, "Create request")
    ),
    output,
    h("h3", { id: "pending-heading" }, "Your requests"),
    listEmpty,
    list
  );

  const initial = loadRequests();
  drawList(initial);
  const current = initial.find((p) => !isExpired(p) && !p.answeredAt);
  if (current) show(current);
  return { element, refresh: () => drawList(loadRequests()) };
}
