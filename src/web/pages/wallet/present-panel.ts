import type { VerificationRequest } from "../../../present/request.js";
import { announce, h, replace } from "../shared/dom.js";
import { loadSdk, type WalletContext } from "./context.js";
import { fieldWords } from "./disclosure.js";
import { showDateTime } from "./facts.js";
import { PresentChoices } from "./present-choices.js";
import { showPresentation } from "./present-result.js";
import type { ShareRecord } from "./storage.js";
import { busy, clear, errorText, field, messageBox, say } from "./ui.js";

/**
 * The present panel: answer a verification request (its `credstack-request:` link pasted: who asks, what for,
 * until when), or a challenge and domain typed in; choose credentials and fields; sign the presentation with the
 * unlocked key (`createPresentation`); offer it as a download and, when it fits, a QR code; record it in the share
 * log.
 */

/** Whom the presentation answers: a request, or a challenge and domain typed in. */
type Target = { request?: VerificationRequest; challenge: string; domain: string; expiresAt: Date };

/** Minutes a presentation made without a request stays valid, by default. */
const DEFAULT_MINUTES = 10;

function minutesLeft(until: Date): string {
  const minutes = Math.round((until.getTime() - Date.now()) / 60_000);
  return minutes <= 0
    ? "expired"
    : minutes < 120
    ? `in ${minutes} minute${minutes === 1 ? "" : "s"}`
    : `in ${Math.round(minutes / 60)} hours`;
}

function requestSummary(target: Target): HTMLElement {
  const r = target.request;
  const rows: [string, string, string | Node][] = [
    ["Asked by", "domain", target.domain],
    [
      "Asks to see",
      "disclose",
      r
        ? r.disclose.length
          ? r.disclose.map(fieldWords).join(", ")
          : "nothing beyond what is always revealed"
        : "what you choose",
    ],
    [
      "For",
      "achievements",
      r
        ? r.achievements.length
          ? h("ul", {}, ...r.achievements.map((a) => h("li", { class: "breakable" }, a)))
          : "any of your credentials"
        : "any of your credentials",
    ],
    ["Answer until", "expires", `${showDateTime(target.expiresAt.toISOString())} (${minutesLeft(target.expiresAt)})`],
  ];
  if (r?.responseUri) rows.push(["Send the answer to", "response", r.responseUri]);
  return h(
    "div",
    {
      id: "request-summary",
      class: "card request-summary",
      "data-domain": target.domain,
      "data-via": r ? "request" : "manual",
    },
    h("h3", {}, r ? "The request" : "Presenting without a request"),
    h(
      "dl",
      { class: "facts" },
      ...rows.flatMap(([dt, key, dd]) => [h("dt", {}, dt), h("dd", { "data-request": key, class: "breakable" }, dd)])
    )
  );
}

/** Mounts the panel in `root`. */
export function mountPresentPanel(ctx: WalletContext, root: HTMLElement): void {
  let target: Target | undefined;
  const requestInput = h("textarea", {
    id: "request-input",
    rows: 3,
    spellcheck: "false",
    placeholder: "credstack-request:?request=…",
  });
  const requestMessage = messageBox("request-message");
  const readButton = h("button", { type: "button", id: "read-request" }, "Read the request");
  const summary = h("div", { id: "request-summary-slot" });
  const choicesRoot = h("div", { id: "present-choices" });
  const choices = new PresentChoices(ctx, choicesRoot);
  const createButton = h("button", { type: "button", id: "create-presentation" }, "Create presentation");
  const createMessage = messageBox("present-message");
  const result = h("div", { id: "presentation-result" });

  const setTarget = (t: Target | undefined) => {
    target = t;
    replace(summary, t ? requestSummary(t) : null);
    replace(result);
    void choices.setAsk(
      t?.request ? { disclose: t.request.disclose, achievements: t.request.achievements } : undefined
    );
  };

  readButton.addEventListener("click", () => {
    void (async () => {
      const sdk = await loadSdk();
      const text = requestInput.value.trim();
      if (!text)
        return say(requestMessage, "error", "Paste the verifier's request link (credstack-request:?request=…) first.");
      try {
        const request = sdk.parseVerificationRequest(text);
        const expiresAt = new Date(request.expiresAt);
        if (expiresAt.getTime() <= Date.now()) {
          setTarget(undefined);
          return say(
            requestMessage,
            "error",
            `This request expired ${showDateTime(request.expiresAt)}: ask the verifier for a new one.`
          );
        }
        setTarget({ request, challenge: request.challenge, domain: request.domain, expiresAt });
        say(requestMessage, "ok", `Request from ${request.domain} read. Choose what to present below.`);
        clear(manualMessage);
      } catch (error) {
        setTarget(undefined);
        say(requestMessage, "error", `Not a request this wallet can read: ${errorText(error)}`);
      }
    })();
  });

  const challengeInput = h("input", { id: "manual-challenge", type: "text", spellcheck: "false", autocomplete: "off" });
  const domainInput = h("input", {
    id: "manual-domain",
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "admissions.example",
  });
  const minutesInput = h("input", {
    id: "manual-minutes",
    type: "number",
    min: 1,
    max: 1440,
    value: DEFAULT_MINUTES,
    inputmode: "numeric",
  });
  const manualMessage = messageBox("manual-message");
  const manualButton = h("button", { type: "button", id: "use-manual", class: "secondary" }, "Use this challenge");
  manualButton.addEventListener("click", () => {
    void (async () => {
      const sdk = await loadSdk();
      const challenge = challengeInput.value.trim();
      const domain = domainInput.value.trim();
      const minutes = Number(minutesInput.value);
      if (!sdk.isStrongChallenge(challenge))
        return say(
          manualMessage,
          "error",
          "The challenge must carry at least 128 bits: 32 hex digits or 22 base64url characters, as the verifier gave it."
        );
      if (!domain || /\s/.test(domain))
        return say(manualMessage, "error", "Type the verifier's domain (e.g. admissions.example), without spaces.");
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
        return say(manualMessage, "error", "Valid for 1 to 1,440 minutes.");
      setTarget({ challenge, domain, expiresAt: new Date(Date.now() + minutes * 60_000) });
      say(manualMessage, "ok", `Presenting to ${domain}. Choose what to present below.`);
      clear(requestMessage);
    })();
  });

  createButton.addEventListener("click", () => {
    void (async () => {
      clear(createMessage);
      if (!target)
        return say(createMessage, "error", "Read a verifier's request first (or enter a challenge and domain).");
      if (target.expiresAt.getTime() <= Date.now())
        return say(createMessage, "error", "The request has expired: ask the verifier for a new one.");
      if (!ctx.key) {
        say(createMessage, "error", "Unlock your key (in “Your key” above) to sign the presentation.");
        (document.getElementById("unlock-password") ?? document.getElementById("new-password"))?.focus();
        return;
      }
      const chosen = choices.selection();
      if (chosen.length === 0) return say(createMessage, "error", "Choose at least one credential to present.");
      const sdk = await loadSdk();
      const t = target;
      try {
        const vp = await busy(createButton, "Signing…", () =>
          sdk.createPresentation({
            credentials: chosen.map((c) => c.credential.vc),
            disclose: chosen.map((c) => ({ reveal: c.reveal })),
            challenge: t.challenge,
            domain: t.domain,
            expiresAt: t.expiresAt,
            holder: ctx.key!,
          })
        );
        const text = `${JSON.stringify(vp, null, 2)}\n`;
        const record: ShareRecord = {
          at: new Date().toISOString(),
          domain: t.domain,
          expiresAt: t.expiresAt.toISOString(),
          viaRequest: !!t.request,
          credentials: chosen.map((c) => ({
            id: c.credential.stored.id,
            title: c.credential.facts.title,
            revealed: c.reveal,
            hidden: c.groups.map((g) => g.key).filter((k) => !c.reveal.includes(k)),
          })),
        };
        ctx.shares = [await ctx.store.addShare(record), ...ctx.shares];
        ctx.emit("shares");
        showPresentation(result, { text, record, qr: sdk.qrCode(text, `QR code of the presentation for ${t.domain}`) });
        announce(`Presentation for ${t.domain} created and added to your share log.`);
      } catch (error) {
        say(createMessage, "error", `The presentation could not be made: ${errorText(error)}`);
      }
    })();
  });

  replace(
    root,
    h(
      "p",
      {},
      "A verifier (an employer, an admissions office) gives you a request. Paste its link, choose what to reveal, and hand them the presentation your key signs."
    ),
    field("Verification request", requestInput, "The link the verifier gave you, starting with credstack-request:"),
    h("div", { class: "actions" }, readButton),
    requestMessage,
    h(
      "details",
      { id: "manual-present", class: "manual" },
      h("summary", {}, "No request? Enter the verifier's challenge and domain"),
      field("Challenge", challengeInput, "The random code the verifier gave you (at least 22 characters)."),
      field("Domain", domainInput, "Who you present to, as they named themselves."),
      field("Valid for (minutes)", minutesInput),
      h("div", { class: "actions" }, manualButton),
      manualMessage
    ),
    summary,
    choicesRoot,
    h("div", { class: "actions" }, createButton),
    createMessage,
    result
  );
  void choices.render();
}
