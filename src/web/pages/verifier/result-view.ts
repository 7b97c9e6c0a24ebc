import { CHECK_TITLES } from "../../../verify/codes.js";
import { overallStatus, type Check, type VerificationReport } from "../../../verify/report.js";
import type { WebConfig } from "../shared/config.js";
import { trustedRegistryId } from "../shared/config.js";
import { h, replace } from "../shared/dom.js";
import { checklist, firstProblem, statusBadge } from "../shared/report-view.js";
import { describeDisclosure, type DisclosureView } from "./disclosed-fields.js";
import { disclosedFields } from "./disclosed-view.js";
import { formatMs, formatTime } from "./time.js";
import { fulfilment, type Outcome } from "./verification.js";

/**
 * The result of a verification (`#verify-result`, `data-status` VALID | INVALID | ERROR): a headline (✔ valid,
 * ✘ invalid with the first reason and its code, ! could not be checked — an outage is never "invalid"), the
 * presentation's two checks, then per credential its title, issuer and accreditation, disclosed fields and seven
 * checks.
 */

type Status = VerificationReport["status"];

/** What {@link renderOutcome} drew: the status and the sentence to announce. */
export interface Rendered {
  status: Status;
  announcement: string;
}

const HEAD: Record<Status, string> = { VALID: "✔", INVALID: "✘", ERROR: "!" };

/** Draws `outcome` into `container` and returns its status and announcement. */
export function renderOutcome(container: HTMLElement, outcome: Outcome, config: WebConfig): Rendered {
  const checkedAt = new Date().toISOString();
  const timing = h(
    "p",
    { class: "muted timing" },
    "Checked against the trusted registry ",
    h("code", {}, trustedRegistryId(config)),
    ` in ${formatMs(outcome.ms)}, at ${formatTime(checkedAt)}.`
  );
  if (outcome.kind === "failed") {
    const text =
      `Could not be checked: the page failed (${outcome.message}). ` + "This says nothing against what you pasted.";
    replace(container, headline("ERROR", text), timing);
    return { status: "ERROR", announcement: `Result: ${text}` };
  }
  if (outcome.kind === "presentation") {
    const { report, expected, credentials } = outcome;
    // The credentials' checks before the holder's: an altered value (integrity) explains a signature that fails.
    const all = [
      ...report.checks.slice(0, 1),
      ...report.credentials.flatMap((r) => r.checks),
      ...report.checks.slice(1),
    ];
    const views = credentials.map((vc, i) => (vc ? describeDisclosure(vc, report.disclosed[i]) : undefined));
    const wants = fulfilment(
      expected.request,
      credentials,
      views.map((v) => (v ? namesOf(v) : []))
    );
    // The holder decides what to reveal (spec §14.7): a valid answer may still give less than the request asked.
    const short = wants.missingFields.length > 0 || wants.otherAchievements.length > 0;
    const text =
      headlineText(report.status, all, "presentation", report.credentials) +
      (report.status === "VALID" && short ? " It does not give everything your request asked for (below)." : "");
    replace(
      container,
      headline(report.status, text, firstProblem(all), problems(all) - 1),
      timing,
      h(
        "section",
        { class: "result-part", "aria-labelledby": "presentation-heading" },
        h("h3", { id: "presentation-heading" }, "Presentation"),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Holder"),
          h("dd", { id: "result-holder" }, report.holder ?? "not readable"),
          h("dt", {}, "Checked against"),
          h("dd", {}, expectedText(expected)),
          h("dt", {}, "Expires"),
          h("dd", {}, expiresOf(outcome))
        ),
        checklist(report.checks, "Presentation checks", CHECK_TITLES),
        requestNotes(wants, expected.request !== undefined && expected.matched, credentials.length)
      ),
      ...report.credentials.map((r, i) => credentialCard(r, i, views[i], credentials.length))
    );
    return { status: report.status, announcement: `Result: ${text}` };
  }
  const status = overallStatus(outcome.reports.map((r) => ({ status: r.status } as Check)));
  const all = outcome.reports.flatMap((r) => r.checks);
  const text = headlineText(status, all, "credential", outcome.reports);
  const views = outcome.credentials.map((vc) => (vc ? describeDisclosure(vc) : undefined));
  replace(
    container,
    headline(status, text, firstProblem(all), problems(all) - 1),
    timing,
    ...outcome.reports.map((r, i) => credentialCard(r, i, views[i], outcome.reports.length))
  );
  return { status, announcement: `Result: ${text}` };
}

function headline(status: Status, text: string, problem?: Check, more = 0): HTMLElement {
  return h(
    "div",
    { class: `headline status-${status.toLowerCase()}`, id: "verify-headline", tabindex: -1 },
    h("span", { class: "headline-mark", "aria-hidden": "true" }, HEAD[status]),
    " ",
    h("span", { class: "headline-text" }, text),
    more > 0 ? h("span", { class: "headline-more" }, moreText(status, more)) : null,
    status !== "VALID" && problem ? h("code", { class: "code", id: "verify-reason-code" }, problem.code) : null
  );
}

/** " 2 more problems below." (INVALID) or " 2 more checks could not be made." (ERROR). */
const moreText = (status: Status, more: number) =>
  status === "ERROR"
    ? ` ${more} more ${more === 1 ? "check" : "checks"} could not be made.`
    : ` ${more} more ${more === 1 ? "problem" : "problems"} below.`;

/** How many checks failed or could not be made. */
const problems = (checks: readonly Check[]) =>
  checks.filter((c) => c.status === "INVALID" || c.status === "ERROR").length;

/** The headline sentence: what passed, or the first reason it did not. */
function headlineText(
  status: Status,
  all: readonly Check[],
  kind: "presentation" | "credential",
  reports: readonly VerificationReport[]
): string {
  const n = reports.length;
  if (status === "VALID") {
    const issuers = [...new Set(reports.map((r) => r.credential?.issuer.name).filter(Boolean))].join(", ");
    if (kind === "presentation")
      return `Valid presentation: ${n} ${
        n === 1 ? "credential" : "credentials"
      } from ${issuers}, signed by the holder.`;
    // A credential file proves what was issued, not who hands it over: a copy verifies as well as the original.
    const unbound = " Not a presentation: nothing shows that whoever gave it to you is its holder — ask for one.";
    return (n === 1 ? `Valid credential from ${issuers}.` : `${n} valid credentials from ${issuers}.`) + unbound;
  }
  const problem = firstProblem(all);
  const subject =
    kind === "presentation"
      ? "presentation"
      : n === 1
      ? "credential"
      : `credentials (${reports.filter((r) => r.status !== "VALID").length} of ${n})`;
  if (status === "INVALID") return `Invalid ${subject}: ${problem?.message ?? "a check failed."}`;
  // The chain checks' messages start "Could not check: …": said once.
  const reason = (problem?.message ?? "a check could not be made.").replace(/^Could not check:\s*/i, "");
  return `Could not be checked: ${reason} This says nothing against the ${kind}: try again when the chain can be read.`;
}

function expectedText(expected: Extract<Outcome, { kind: "presentation" }>["expected"]): HTMLElement {
  const what = expected.request
    ? expected.matched
      ? "your request for "
      : "your newest request for "
    : "the challenge you entered, for ";
  return h(
    "span",
    {},
    what,
    h("strong", {}, expected.domain),
    " (challenge ",
    h("code", {}, expected.challenge),
    ")",
    expected.request && !expected.matched
      ? h("span", { class: "muted" }, ": the presentation names a challenge this page did not issue")
      : null
  );
}

function expiresOf(outcome: Extract<Outcome, { kind: "presentation" }>): HTMLElement | string {
  const expires = outcome.claimed.expires;
  return expires && Number.isFinite(Date.parse(expires))
    ? h("time", { datetime: expires }, formatTime(expires))
    : "not readable";
}

/** What the request asked that the presentation did not give: fields not disclosed, other achievements. */
function requestNotes(wants: ReturnType<typeof fulfilment>, hasRequest: boolean, count: number): HTMLElement | null {
  if (!hasRequest) return null;
  const notes: HTMLElement[] = [];
  if (wants.missingFields.length) {
    notes.push(
      h(
        "li",
        { class: "status-error", "data-note": "missing-fields" },
        h("span", { "aria-hidden": "true" }, "! "),
        `Not disclosed, though your request asked for ${
          wants.missingFields.length === 1 ? "it" : "them"
        }: ${wants.missingFields.join(", ")}.`
      )
    );
  }
  if (wants.otherAchievements.length) {
    notes.push(
      h(
        "li",
        { class: "status-error", "data-note": "other-achievements" },
        h("span", { "aria-hidden": "true" }, "! "),
        `${wants.otherAchievements.length} of ${count} ${
          count === 1 ? "credential is" : "credentials are"
        } for an achievement your request did not ask for.`
      )
    );
  }
  if (notes.length === 0)
    return h("p", { class: "muted", "data-note": "fulfilled" }, "Everything your request asked for is disclosed.");
  return h("ul", { class: "notes", "aria-label": "Compared with your request" }, ...notes);
}

/** The friendly names and pointers a credential reveals (what a request's `disclose` may name). */
const namesOf = (view: DisclosureView): string[] =>
  [
    ...view.subject.filter((f) => !f.hidden).flatMap((f) => [f.name ?? "", f.pointer ?? ""]),
    ...view.other.map((f) => f.pointer ?? ""),
  ].filter(Boolean);

/** A derived credential whose validity is VALID without a revealed end while fields are hidden (spec §14.6). */
const expiryUnproven = (r: VerificationReport) =>
  r.checks.some((k) => k.id === "validity" && k.details?.expiryUnproven === true);

/** One credential: title, issuer (name, address, accredited on the trusted registry?), fields, checks. */
function credentialCard(
  r: VerificationReport,
  i: number,
  view: DisclosureView | undefined,
  total: number
): HTMLElement {
  const c = r.credential;
  const intact = r.checks.every((k) => (k.id !== "integrity" && k.id !== "inclusion") || k.status === "VALID");
  const title = !c ? r.source ?? "Credential" : intact ? c.title : `Claims "${c.title}" (unverified)`;
  const accredited = r.checks.find((k) => k.id === "accredited");
  const headingId = `credential-${i + 1}-heading`;
  return h(
    "article",
    {
      class: `card credential status-card-${r.status.toLowerCase()}`,
      "data-index": i,
      "data-status": r.status,
      "aria-labelledby": headingId,
    },
    h("h3", { id: headingId }, total > 1 ? `${i + 1}. ` : "", title, " ", statusBadge(r.status)),
    c
      ? h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Issuer"),
          h("dd", { class: "issuer-name" }, c.issuer.name),
          h("dt", {}, "Issuer account"),
          h("dd", {}, h("code", { class: "issuer-address" }, c.issuer.address)),
          h("dt", {}, "Accreditation"),
          h("dd", { "data-accredited": accredited?.status ?? "SKIPPED" }, accreditationText(accredited, r)),
          h("dt", {}, "Holder"),
          h("dd", {}, h("code", {}, c.holder)),
          h("dt", {}, "Valid"),
          h(
            "dd",
            {},
            `from ${formatTime(c.validFrom)}${c.validUntil ? ` until ${formatTime(c.validUntil)}` : ""}`,
            expiryUnproven(r)
              ? h(
                  "span",
                  { class: "status-warning", "data-note": "expiry-unproven" },
                  " ! no end revealed; with hidden fields an expiry could be among them — ask for the full credential",
                  " if it matters"
                )
              : null
          ),
          h("dt", {}, "Batch"),
          h("dd", {}, `credential ${c.index} of `, h("code", {}, `${c.root.slice(0, 10)}…`), ` on chain ${c.chainId}`)
        )
      : h("p", { class: "muted" }, "Its format could not be read: nothing it claims is shown."),
    view ? disclosedFields(view, i, intact) : null,
    h("h4", {}, "Checks"),
    checklist(r.checks, `Checks of credential ${i + 1}`, CHECK_TITLES),
    r.components
      ? h(
          "p",
          { class: `components status-${r.components.status.toLowerCase()}` },
          statusBadge(r.components.status),
          " ",
          `Components: ${r.components.message}`,
          " ",
          h("code", { class: "code" }, r.components.code)
        )
      : null
  );
}

function accreditationText(k: Check | undefined, r: VerificationReport): HTMLElement {
  const registry = r.trusted ? `eip155:${r.trusted.chainId ?? "?"}:${r.trusted.registry}` : "the trusted registry";
  if (!k || k.status === "SKIPPED") return h("span", { class: "muted" }, "not checked (an earlier check did not pass)");
  if (k.status === "VALID")
    return h("span", { class: "status-valid" }, `✔ accredited on ${registry} when the batch was anchored`);
  if (k.status === "ERROR")
    return h("span", { class: "status-error" }, "! could not be checked (the chain could not be read)");
  return h("span", { class: "status-invalid" }, `✘ not accredited on ${registry}: ${k.message}`);
}
