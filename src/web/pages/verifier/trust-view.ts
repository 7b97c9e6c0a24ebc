import { trustedRegistryId, type WebConfig } from "../shared/config.js";
import { h } from "../shared/dom.js";

/** The trust setting the page verifies with (`/config.json`), shown so that a verifier knows whom it trusts. */

/** The footer: trusted registry (CAIP-10), RPC URL, accreditors, stacking registry, where the setting came from. */
export function trustView(config: WebConfig): HTMLElement {
  const accreditors = config.accreditors?.length
    ? h("ul", { class: "plain" }, ...config.accreditors.map((a) => h("li", {}, h("code", {}, a))))
    : "any accreditor the registry's governance appointed";
  return h(
    "footer",
    { id: "trust", class: "trust", "aria-labelledby": "trust-heading" },
    h("h2", { id: "trust-heading" }, "Whom this page trusts"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Trusted registry"),
      h("dd", {}, h("code", { id: "trust-registry" }, trustedRegistryId(config))),
      h("dt", {}, "Chain read through"),
      h("dd", {}, h("code", { id: "trust-rpc" }, config.rpcUrl)),
      h("dt", {}, "Accreditors"),
      h("dd", { id: "trust-accreditors" }, accreditors),
      config.stacking ? h("dt", {}, "Stacking registry") : null,
      config.stacking ? h("dd", {}, h("code", {}, `eip155:${config.chainId}:${config.stacking}`)) : null,
      h("dt", {}, "Setting from"),
      h("dd", { id: "trust-source" }, config.trustSource)
    ),
    h(
      "p",
      { class: "muted" },
      "A credential anchored on another registry or chain is invalid here: whoever deploys a registry " +
        "can accredit themselves on it. Verification runs in this browser; only the chain reads leave it."
    )
  );
}
