import type { WebConfig } from "../shared/config.js";
import { announce, h, replace } from "../shared/dom.js";
import { mountBackup } from "./backup.js";
import { mountCards } from "./cards.js";
import { checkAll } from "./checker.js";
import { loadSdk, WalletContext } from "./context.js";
import { mountImport } from "./import.js";
import { mountKeyPanel } from "./key-panel.js";
import { mountPathways } from "./pathways.js";
import { mountPresentPanel } from "./present-panel.js";
import { mountShareLog } from "./share-log.js";
import { WalletStore } from "./storage.js";

/**
 * The student's wallet page (/wallet/): opens the stored wallet (IndexedDB), mounts the panels, and says it is
 * interactive (`body[data-ready="true"]`, performance mark `credstack-ready`) once the key's state is known and the
 * credentials are listed; the SDK chunk and the chain checks follow.
 */

const byId = (id: string) => document.getElementById(id)!;

/**
 * `/config.json`, as shared/config.ts's `loadConfig` reads it: not imported from there, as that module brings viem's
 * client with it, which the page loads only with the SDK chunk (the bundler splits by module).
 */
async function loadConfig(): Promise<WebConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`The page's server did not give its settings (HTTP ${response.status}).`);
  return (await response.json()) as WebConfig;
}

async function start(): Promise<void> {
  const [config, store] = await Promise.all([loadConfig(), WalletStore.open()]);
  const ctx = new WalletContext(config, store);
  await ctx.reload();
  mountKeyPanel(ctx, byId("key-panel"));
  mountImport(ctx, byId("import-panel"));
  mountCards(ctx, byId("cards"));
  mountPathways(ctx, byId("pathways-panel"));
  mountPresentPanel(ctx, byId("present-panel"));
  mountShareLog(ctx, byId("share-log-panel"));
  mountBackup(ctx, byId("backup-panel"));
  byId("boot").remove();
  document.body.dataset.ready = "true";
  performance.mark("credstack-ready");
  store.onChangeElsewhere(() => void ctx.reload().then(() => checkAll(ctx)));
  loadSdk().then(
    () => checkAll(ctx),
    (error: unknown) =>
      announce(`The wallet's checks could not load: ${(error as Error)?.message ?? String(error)}. Reload the page.`)
  );
}

start().catch((error: unknown) => {
  const boot = document.getElementById("boot");
  const text = `The wallet could not open: ${(error as Error)?.message ?? String(error)}`;
  if (boot) replace(boot, h("span", { class: "error-text" }, text));
  else document.body.prepend(h("p", { class: "error-text", role: "alert" }, text));
  document.body.dataset.ready = "error";
});
