import { h, replace } from "../shared/dom.js";
import { loadSdk, type WalletContext, type WalletCredential } from "./context.js";
import { ALWAYS_REVEALED_WORDS, asksFor, fieldGroups, type FieldGroup } from "./disclosure.js";
import { sameAccount } from "./facts.js";
import { cardStatus } from "./status.js";

/**
 * Choosing what to present: which credentials (checkboxes; those that cannot be presented are shown disabled with
 * the reason), and for each chosen one which fields to reveal (checkboxes; the fields that cannot be hidden are
 * shown checked and disabled, "always revealed"). The choices survive re-renders (status or key changes).
 */

/** What the verifier asks for, when presenting to a request. */
export interface Ask {
  disclose: readonly string[];
  achievements: readonly string[];
}

/** A credential chosen, with the field keys to reveal (`deriveCredential`'s `reveal`) and the groups it has. */
export interface Chosen {
  credential: WalletCredential;
  reveal: string[];
  groups: FieldGroup[];
}

export class PresentChoices {
  private readonly chosen = new Map<string, Set<string>>();
  private groups = new Map<string, FieldGroup[]>();
  private ask: Ask | undefined;
  private generation = 0;

  constructor(private readonly ctx: WalletContext, readonly root: HTMLElement) {
    for (const topic of ["credentials", "status", "key"] as const) ctx.on(topic, () => void this.render());
  }

  /** Sets what a request asks for: pre-chooses the credentials it names, with the fields it asks to see. */
  async setAsk(ask: Ask | undefined): Promise<void> {
    this.ask = ask;
    this.chosen.clear();
    if (ask) {
      const sdk = await loadSdk();
      for (const c of this.ctx.credentials) {
        if (this.blocked(c)) continue;
        const named =
          ask.achievements.length > 0 &&
          c.facts.achievementId !== undefined &&
          ask.achievements.includes(c.facts.achievementId);
        if (named)
          this.chosen.set(
            c.stored.id,
            new Set(
              safeGroups(sdk, c)
                .filter((g) => this.askedFor(g))
                .map((g) => g.key)
            )
          );
      }
    }
    await this.render();
  }

  /** Why a credential cannot be presented from this wallet, or undefined. */
  blocked(c: WalletCredential): string | undefined {
    if (!this.ctx.address) return "Create or restore your key first.";
    if (!sameAccount(c.facts.holder?.address, this.ctx.address))
      return "Bound to another account than this wallet's key.";
    const status = cardStatus(this.ctx.reports.get(c.stored.id), "");
    if (status.state === "invalid") return `Not valid (${status.label}): a verifier would refuse it.`;
    return undefined;
  }

  /** The chosen credentials with the fields to reveal, in wallet order. */
  selection(): Chosen[] {
    return this.ctx.credentials
      .filter((c) => this.chosen.has(c.stored.id) && !this.blocked(c))
      .map((c) => ({
        credential: c,
        reveal: [...this.chosen.get(c.stored.id)!],
        groups: this.groups.get(c.stored.id) ?? [],
      }));
  }

  private askedFor(group: FieldGroup): boolean {
    return this.ask ? asksFor(this.ask.disclose, group) : false;
  }

  async render(): Promise<void> {
    const mine = ++this.generation;
    const sdk = await loadSdk();
    if (mine !== this.generation) return;
    this.groups = new Map(this.ctx.credentials.map((c) => [c.stored.id, safeGroups(sdk, c)]));
    const active =
      document.activeElement instanceof HTMLElement && this.root.contains(document.activeElement)
        ? document.activeElement.id
        : undefined;
    if (this.ctx.credentials.length === 0) {
      replace(this.root, h("p", { class: "muted" }, "No credentials to present yet."));
      return;
    }
    replace(
      this.root,
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "Credentials to present"),
        ...this.ctx.credentials.map((c, i) => this.row(c, i))
      )
    );
    if (active) document.getElementById(active)?.focus();
  }

  private row(c: WalletCredential, i: number): HTMLElement {
    const id = `present-credential-${i}`;
    const reason = this.blocked(c);
    const checked = !reason && this.chosen.has(c.stored.id);
    const box = h("input", {
      type: "checkbox",
      id,
      "data-credential-id": c.stored.id,
      checked,
      disabled: !!reason,
      ...(reason ? { "aria-describedby": `${id}-why` } : {}),
    });
    box.addEventListener("change", () => {
      if (box.checked) {
        const asked = (this.groups.get(c.stored.id) ?? []).filter((g) => this.askedFor(g)).map((g) => g.key);
        this.chosen.set(c.stored.id, new Set(asked));
      } else this.chosen.delete(c.stored.id);
      void this.render();
    });
    const notAsked =
      this.ask &&
      this.ask.achievements.length > 0 &&
      !(c.facts.achievementId && this.ask.achievements.includes(c.facts.achievementId));
    return h(
      "div",
      { class: `choice${checked ? " chosen" : ""}`, "data-credential-id": c.stored.id },
      h(
        "label",
        { class: "inline choice-label", for: id },
        box,
        h("span", {}, h("strong", {}, c.facts.title), ` — ${c.facts.issuerName}`)
      ),
      reason ? h("p", { class: "muted why", id: `${id}-why` }, reason) : null,
      !reason && notAsked ? h("p", { class: "muted why" }, "The verifier did not ask for this achievement.") : null,
      checked ? this.fields(c, i) : null
    );
  }

  private fields(c: WalletCredential, i: number): HTMLElement {
    const reveal = this.chosen.get(c.stored.id)!;
    const groups = this.groups.get(c.stored.id) ?? [];
    return h(
      "fieldset",
      { class: "fields", "data-credential-id": c.stored.id },
      h("legend", {}, `Reveal from “${c.facts.title}”`),
      groups.length === 0 ? h("p", { class: "muted" }, "Nothing in this credential can be hidden.") : null,
      ...groups.map((g, k) => {
        const id = `present-field-${i}-${k}`;
        const box = h("input", { type: "checkbox", id, "data-field": g.key, checked: reveal.has(g.key) });
        box.addEventListener("change", () => (box.checked ? reveal.add(g.key) : reveal.delete(g.key)));
        return h(
          "label",
          { class: "inline field-choice", for: id },
          box,
          h("span", {}, g.label, this.askedFor(g) ? h("em", { class: "asked" }, " — asked for by the verifier") : null)
        );
      }),
      h("p", { class: "muted always-heading" }, "Always revealed (a verifier's checks need them):"),
      ...ALWAYS_REVEALED_WORDS.map((words, k) =>
        h(
          "label",
          { class: "inline field-choice always", for: `present-always-${i}-${k}` },
          h("input", {
            type: "checkbox",
            id: `present-always-${i}-${k}`,
            checked: true,
            disabled: true,
            "data-always": "true",
          }),
          h("span", {}, words)
        )
      )
    );
  }
}

function safeGroups(sdk: Parameters<typeof fieldGroups>[0], c: WalletCredential): FieldGroup[] {
  try {
    return fieldGroups(sdk, c.vc);
  } catch {
    return [];
  }
}
