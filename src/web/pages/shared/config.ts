import { createPublicClient, http } from "viem";
import type { RegistryReadClient } from "../../../chain/actions/index.js";
import type { VerifyOptions } from "../../../verify/verify-credentials.js";
import type { WebConfig } from "../../server.js";

/** The chain settings the server hands the pages (`/config.json`), and the verifier options built from them. */

export type { WebConfig };

/** Reads `/config.json`; throws with a sentence when the server does not answer. */
export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`The page's server did not give its settings (HTTP ${response.status}).`);
  return (await response.json()) as WebConfig;
}

/** A viem client of the configured RPC URL (batched reads, one retry, 15 s timeout). */
export function readClient(config: WebConfig): RegistryReadClient {
  return createPublicClient({
    transport: http(config.rpcUrl, { batch: true, retryCount: 1, timeout: 15_000 }),
  }) as RegistryReadClient;
}

/** The options every verification on the pages uses: the trusted registry, its chain and accreditors. */
export function verifyOptions(config: WebConfig, client = readClient(config)): VerifyOptions {
  return { client, registry: config.registry, chainId: config.chainId, accreditors: config.accreditors };
}

/** `eip155:<chainId>:<registry>` (CAIP-10) of the trusted registry, for display. */
export const trustedRegistryId = (config: WebConfig): string => `eip155:${config.chainId}:${config.registry}`;
