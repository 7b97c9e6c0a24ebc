import type { VerifyOptions } from "../../../verify/verify-credentials.js";
import type { WebConfig } from "../shared/config.js";
import { acceptFiles, announce, h, replace } from "../shared/dom.js";
import type { PageReplayStore } from "./replay-store.js";
import { loadRequests, markAnswered, type PendingRequest } from "./requests-store.js";
import { renderOutcome } from "./result-view.js";
import {
  classifyInput,
  expectedFor,
  MAX_INPUT_CHARS,
  runCredentials,
  runPresentation,
  type Outcome,
} from "./verification.js";

/**
 * "Check a presentation or credential": the input (paste, file picker, drop zone), the expected challenge and
 * domain when the page made no request, the Verify button; and the result section it fills (`#verify-result`).
 */

export interface VerifyPanel {
  /** The input panel and the result section, in page order. */
  elements: HTMLElement[];
  /** Tells the panel the page's requests changed (shows or hides the expected challenge and domain). */
  setRequests(requests: readonly PendingRequest[]): void;
}

/** Builds the panel. `onAnswered` hears that a request was answered by a VALID presentation. */
export function verifyPanel(params: {
  config: WebConfig;
  options: VerifyOptions;
  replay: PageReplayStore;
  onAnswered: () => void;
}): VerifyPanel {
  const input = h("textarea", {
    id: "verify-input",
    name: "input",
    rows: 10,
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": "verify-input-hint",
  });
  const file = h("input", {
    id: "verify-file",
    type: "file",
    accept: ".json,.jsonld,application/json,application/ld+json",
  });
  const fileNote = h("p", { id: "verify-file-note", class: "muted hint", "aria-live": "polite" });
  const zone = h(
    "div",
    { class: "dropzone", id: "verify-drop" },
    h("p", { class: "dropzone-text" }, "Drop a file here, or"),
    h("label", { for: "verify-file", class: "file-label" }, "Choose a file"),
    file,
    fileNote
  );
  const challenge = h("input", {
    id: "expected-challenge",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "expected-hint",
  });
  const domain = h("input", {
    id: "expected-domain",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    value: location.origin,
    "aria-describedby": "expected-hint",
  });
  const expectedBox = h(
    "fieldset",
    { id: "expected", class: "expected" },
    h("legend", {}, "Expected challenge and domain"),
    h(
      "p",
      { id: "expected-hint", class: "muted hint" },
      "No request was made on this page: a presentation is checked against the challenge and domain " +
        "you gave the holder."
    ),
    h("label", { for: "expected-challenge" }, "Expected challenge"),
    challenge,
    h("label", { for: "expected-domain" }, "Expected domain"),
    domain
  );
  const auto = h("p", { id: "expected-auto", class: "muted hint" });
  const error = h("p", { id: "verify-error", class: "error-text", role: "alert" });
  const button = h("button", { type: "submit", id: "verify-button" }, "Verify");
  const clear = h(
    "button",
    {
      type: "button",
      id: "verify-clear",
      class: "secondary",
      onclick: () => {
        input.value = "";
        fileNote.textContent = "";
        error.textContent = "";
        input.focus();
      },
    },
    "Clear"
  );
  const result = h(
    "div",
    { id: "verify-result", class: "verify-result", "data-run": 0, "aria-busy": "false" },
    h("p", { class: "muted" }, "Nothing checked yet.")
  );
  let runs = 0;
  let busy = false;

  const fail = (message: string, field?: HTMLElement) => {
    error.textContent = message;
    field?.focus();
  };

  const verify = async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    error.textContent = "";
    const text = input.value;
    const parsed = classifyInput(text);
    if (parsed.kind === "empty") return fail("Paste a presentation or a credential, or choose a file.", input);
    if (parsed.kind === "too-large")
      return fail(`That is too long to check here (over ${MAX_INPUT_CHARS.toLocaleString()} characters).`, input);
    let run: () => Promise<Outcome>;
    let answered: string | undefined;
    if (parsed.kind === "presentation") {
      const expected = expectedFor(parsed.value, loadRequests(), { challenge: challenge.value, domain: domain.value });
      if ("missing" in expected) return fail(expected.missing, challenge.value.trim() ? domain : challenge);
      answered = expected.matched ? expected.challenge : undefined;
      run = () => runPresentation(parsed.value, expected, params.options, params.replay);
    } else {
      run = () => runCredentials(parsed.items, params.options);
    }
    busy = true;
    button.disabled = true;
    button.textContent = "Checking…";
    result.setAttribute("aria-busy", "true");
    result.removeAttribute("data-status");
    replace(result, h("p", { class: "muted" }, "Checking…"));
    announce("Checking…");
    try {
      let outcome = await run();
      let rendered: ReturnType<typeof renderOutcome>;
      try {
        rendered = renderOutcome(result, outcome, params.config);
      } catch (e) {
        // A report this page cannot draw is the page's failure, said as such (never a verdict).
        outcome = {
          kind: "failed",
          message: `the result could not be shown: ${(e as Error)?.message ?? String(e)}`,
          ms: 0,
        };
        rendered = renderOutcome(result, outcome, params.config);
      }
      result.setAttribute("data-status", rendered.status);
      result.setAttribute("data-kind", outcome.kind);
      if (rendered.status === "VALID" && answered) {
        markAnswered(answered);
        params.onAnswered();
      }
      announce(rendered.announcement);
    } finally {
      busy = false;
      button.disabled = false;
      button.textContent = "Verify";
      result.setAttribute("aria-busy", "false");
      result.setAttribute("data-run", String(++runs));
      (result.querySelector("#verify-headline") as HTMLElement | null)?.focus();
    }
  };

  acceptFiles({
    zone,
    input: file,
    onFiles: (files) => {
      const first = files[0];
      if (!first) return;
      input.value = first.text;
      fileNote.textContent =
        files.length > 1 ? `Read ${first.name} (one file at a time: the others were left).` : `Read ${first.name}.`;
      void verify();
    },
  });

  const panel = h(
    "section",
    { id: "verify-panel", class: "panel", "aria-labelledby": "verify-heading" },
    h("h2", { id: "verify-heading" }, "2. Check a presentation or credential"),
    h(
      "form",
      { id: "verify-form", novalidate: true, onsubmit: (e: Event) => void verify(e) },
      h("label", { for: "verify-input" }, "Presentation or credential (JSON)"),
      input,
      h(
        "p",
        { id: "verify-input-hint", class: "muted hint" },
        "Paste what the student sent: a presentation (answering your request) or a full credential file. " +
          "Nothing leaves this browser " +
          "but the reads of the chain."
      ),
      zone,
      expectedBox,
      auto,
      error,
      h("div", { class: "actions" }, button, clear)
    )
  );
  const resultSection = h(
    "section",
    { id: "result-panel", class: "panel result-panel", "aria-labelledby": "result-heading" },
    h("h2", { id: "result-heading" }, "3. Result"),
    result
  );

  const setRequests = (requests: readonly PendingRequest[]) => {
    expectedBox.hidden = requests.length > 0;
    auto.hidden = requests.length === 0;
    auto.textContent =
      `A presentation is checked against the request it answers (${requests.length} on this page), ` +
      "or, if it answers none, against your newest.";
  };
  setRequests(loadRequests());
  return { elements: [panel, resultSection], setRequests };
}
