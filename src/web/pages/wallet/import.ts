import { CHECK_TITLES } from "../../../verify/codes.js";
import { acceptFiles, announce, h, replace } from "../shared/dom.js";
import { checkAll } from "./checker.js";
import { loadSdk, walletCredential, type WalletContext } from "./context.js";
import { pkhOf, sameAccount } from "./facts.js";
import type { StoredCredential } from "./storage.js";
import { errorText } from "./ui.js";

/**
 * Importing credentials: files picked or dropped (the shared `acceptFiles`), or JSON pasted. Each file is read as
 * the VC 2.0 / OB 3.0 credential credstack issues (or the SDK's record of one, `credstack-credential-v3`), then
 * checked offline (format, integrity, inclusion): a malformed or altered file is refused with the file's name and
 * the field or check at fault, a credential already in the wallet is refused, and one bound to another holder
 * than this wallet's key is added with a warning (it cannot be presented from here).
 */

/** What became of one imported file. */
export interface ImportOutcome {
  file: string;
  kind: "added" | "warning" | "refused";
  message: string;
}

type Candidate = { file: string; vc: Record<string, unknown>; text: string };

/** A file's credential, or why it is refused. */
async function read(file: { name: string; text: string }): Promise<Candidate | ImportOutcome> {
  const sdk = await loadSdk();
  const refuse = (message: string): ImportOutcome => ({
    file: file.name,
    kind: "refused",
    message: `${file.name}: refused — ${message}`,
  });
  if (new TextEncoder().encode(file.text).length > sdk.MAX_CREDENTIAL_BYTES)
    return refuse(`larger than ${sdk.MAX_CREDENTIAL_BYTES / 1024 / 1024} MiB, no credential is.`);
  let value: unknown;
  try {
    value = JSON.parse(file.text);
  } catch (error) {
    return refuse(`not JSON (${errorText(error)}).`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return refuse("not a credential: the file must hold one JSON object.");
  const v = value as Record<string, unknown>;
  if ("format" in v) {
    if (v.format !== "credstack-credential-v3")
      return refuse(
        `field format: ${JSON.stringify(
          v.format
        )} is not a format this wallet holds (VC 2.0 credentials, or credstack-credential-v3 records).`
      );
    const { vc, check } = sdk.verifiableCredentialOfRecord(v);
    if (!vc) return refuse(check?.message ?? "a malformed credential record.");
    return { file: file.name, vc, text: JSON.stringify(vc, null, 2) };
  }
  if (!Array.isArray(v["@context"]) || v["@context"][0] !== "https://www.w3.org/ns/credentials/v2") {
    return refuse(
      "field @context: not a W3C VC 2.0 credential (its @context must start with https://www.w3.org/ns/credentials/v2)."
    );
  }
  if (!Array.isArray(v.type) || !v.type.includes("VerifiableCredential"))
    return refuse("field type: must include VerifiableCredential.");
  return { file: file.name, vc: v, text: file.text };
}

/**
 * Reads, checks and stores the files; resolves to one outcome per file (in order) and starts a status check.
 *
 * @example
 * const outcomes = await importFiles(ctx, [{ name: "credential.json", text }]);
 */
export async function importFiles(
  ctx: WalletContext,
  files: readonly { name: string; text: string }[]
): Promise<ImportOutcome[]> {
  const sdk = await loadSdk();
  const outcomes: ImportOutcome[] = [];
  const candidates: Candidate[] = [];
  const slots: number[] = [];
  for (const file of files) {
    const r = await read(file);
    if ("kind" in r) outcomes.push(r);
    else {
      slots.push(outcomes.length);
      outcomes.push({ file: r.file, kind: "refused", message: "" });
      candidates.push(r);
    }
  }
  const reports = await sdk.verifyCredentials(
    candidates.map((c) => ({ source: c.file, input: c.text })),
    { offline: true }
  );
  const ids = new Set(ctx.credentials.map((c) => c.stored.id));
  const added: StoredCredential[] = [];
  candidates.forEach((c, i) => {
    const slot = slots[i]!;
    // Format, integrity and inclusion must pass (ERROR here is a fault of this page, not of the chain); an expired
    // credential is kept: its card says so.
    const failed = reports[i]!.checks.find(
      (k) => (k.status === "INVALID" || k.status === "ERROR") && k.id !== "validity"
    );
    if (failed) {
      outcomes[slot] = {
        file: c.file,
        kind: "refused",
        message: `${c.file}: refused — ${CHECK_TITLES[failed.id]} check failed: ${failed.message} [${failed.code}]`,
      };
      return;
    }
    const id = typeof c.vc.id === "string" ? c.vc.id : "";
    if (!id)
      return void (outcomes[slot] = {
        file: c.file,
        kind: "refused",
        message: `${c.file}: refused — field id: the credential has no id.`,
      });
    if (ids.has(id))
      return void (outcomes[slot] = {
        file: c.file,
        kind: "refused",
        message: `${c.file}: refused — already in your wallet (${id}).`,
      });
    ids.add(id);
    added.push({ id, text: c.text, source: c.file, addedAt: new Date().toISOString() });
    const holder = pkhOf((c.vc.credentialSubject as { id?: unknown } | undefined)?.id);
    const title = typeof c.vc.name === "string" ? c.vc.name : id;
    if (ctx.address && !sameAccount(holder?.address, ctx.address)) {
      outcomes[slot] = {
        file: c.file,
        kind: "warning",
        message: `${c.file}: added “${title}”, but it is bound to ${
          holder?.address ?? "no account"
        }, not to this wallet's key ${ctx.address}: it cannot be presented from this wallet.`,
      };
    } else outcomes[slot] = { file: c.file, kind: "added", message: `${c.file}: added “${title}”.` };
  });
  if (added.length > 0) {
    await ctx.store.addCredentials(added);
    ctx.credentials = [...ctx.credentials, ...added.map(walletCredential)];
    ctx.emit("credentials");
    void checkAll(ctx);
  }
  return outcomes;
}

/** Mounts the import controls (file picker, drop zone, paste) in `root`. */
export function mountImport(ctx: WalletContext, root: HTMLElement): void {
  const input = h("input", {
    type: "file",
    id: "import-file",
    multiple: true,
    accept: ".json,application/json,application/ld+json",
  });
  const zone = h(
    "div",
    { class: "dropzone", id: "import-zone" },
    h("p", { class: "drop-text" }, "Drop credential files (.json) here, or choose them:"),
    h("label", { for: "import-file", class: "visually-hidden" }, "Credential files"),
    input
  );
  const messages = h("ul", { id: "import-messages", class: "outcomes", "aria-label": "Import results" });
  const paste = h("textarea", { id: "import-paste", rows: 6, spellcheck: "false" });
  const show = (outcomes: ImportOutcome[]) => {
    replace(
      messages,
      ...outcomes.map((o) =>
        h(
          "li",
          { class: `outcome outcome-${o.kind}`, "data-kind": o.kind, "data-file": o.file },
          h("span", { "aria-hidden": "true" }, { added: "✔", warning: "⚠", refused: "✘" }[o.kind]),
          " ",
          o.message
        )
      )
    );
    const n = (k: ImportOutcome["kind"]) => outcomes.filter((o) => o.kind === k).length;
    announce(
      `Import: ${n("added") + n("warning")} added${n("warning") ? ` (${n("warning")} with a warning)` : ""}, ${n(
        "refused"
      )} refused.`
    );
  };
  const run = (files: { name: string; text: string }[]) => {
    void importFiles(ctx, files).then(show, (error: unknown) =>
      show([{ file: "", kind: "refused", message: `The import failed: ${errorText(error)}` }])
    );
  };
  acceptFiles({ zone, input, onFiles: run });
  const pasteButton = h(
    "button",
    { type: "button", id: "import-paste-button", class: "secondary" },
    "Add the pasted credential"
  );
  pasteButton.addEventListener("click", () => {
    if (paste.value.trim() === "")
      return show([
        { file: "pasted text", kind: "refused", message: "pasted text: refused — paste a credential's JSON first." },
      ]);
    run([{ name: "pasted text", text: paste.value }]);
    paste.value = "";
  });
  replace(
    root,
    zone,
    h(
      "details",
      { class: "paste" },
      h("summary", {}, "Paste a credential's JSON instead"),
      h("label", { for: "import-paste" }, "Credential JSON"),
      paste,
      h("div", { class: "actions" }, pasteButton)
    ),
    messages
  );
}
