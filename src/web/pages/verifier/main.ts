import { loadConfig, readClient, verifyOptions } from "../shared/config.js";
import { h, replace } from "../shared/dom.js";
import { createPersistentReplayStore } from "./replay-store.js";
import { requestPanel } from "./request-panel.js";
import { trustView } from "./trust-view.js";
import { verifyPanel } from "./verify-panel.js";

/**
 * The verifier page (`/verifier/`, issue #13): make a verification request (link, QR code, file), check the
 * presentation that answers it, or a credential, in this browser against the trusted registry, and see why.
 */

async function start(): Promise<void> {
  const app = document.getElementById("app")!;
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    replace(app, h("p", { class: "error-text", role: "alert" }, `The page cannot start: ${(error as Error).message}`));
    return;
  }
  const options = verifyOptions(config, readClient(config));
  const replay = createPersistentReplayStore();
  let requests: ReturnType<typeof requestPanel> | undefined = undefined;
  const verify = verifyPanel({ config, options, replay, onAnswered: () => requests?.refresh() });
  requests = requestPanel({ onChange: (list) => verify.setRequests(list) });
  replace(app, h("div", { class: "columns" }, requests.element, verify.elements[0]!), verify.elements[1]!);
  app.after(trustView(config));
  app.setAttribute("data-ready", "true");
}

void start();
