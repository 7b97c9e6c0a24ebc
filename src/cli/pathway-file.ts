import { readFile } from "node:fs/promises";
import { createPublicClient, http, type Address } from "viem";
import type { RegistryReadClient } from "../chain/actions/index.js";
import { ValidationError } from "../credential/errors.js";
import { parsePathway, type Pathway } from "../stack/index.js";
import type { VerifyOptions } from "../verify/index.js";
import { localDeployment, parseTime, requirePath, type GlobalOptions } from "./context.js";
import { UsageError } from "./output.js";
import { loadTrust, type TrustEntry } from "./trust.js";

/** The pathway file, validated; a file that cannot be read or validated is a usage error (exit 2), never "not met". */
export async function readPathwayFile(file: string): Promise<Pathway> {
  await requirePath(file, "file", "The pathway file");
  try {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new ValidationError(`pathway ${file}`, [{ field: "(file)", message: `not valid JSON: ${(error as Error).message}` }]);
    }
    return parsePathway(json, `pathway ${file}`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(error.shortMessage, { details: error.details, cause: error });
  }
}

/**
 * The one registry a stacking command trusts (the trust of `credstack verify`), a read client for
 * it and the verifier's options (`--at`): `what` names the command in the message when several are trusted.
 */
export async function stackingTrust(
  options: { trust?: string[]; accreditor?: string[]; at?: string },
  globals: GlobalOptions,
  what: string,
): Promise<{ entry: TrustEntry; url: string; client: RegistryReadClient; verify: VerifyOptions }> {
  const trust = await loadTrust({ ...options, rpc: globals.rpc, registry: globals.registry }, localDeployment);
  if (trust.length !== 1) throw new UsageError(`${what} against one trusted registry; ${trust.length} are trusted: pass --trust <caip10> once.`);
  const entry = trust[0]!;
  const url = globals.rpc ?? entry.rpc;
  if (!url) throw new UsageError(`No RPC URL for the trusted registry ${entry.registry}: pass --rpc <url>.`);
  const client = createPublicClient({ transport: http(url, { batch: true, retryCount: 1, timeout: 30_000 }) }) as RegistryReadClient;
  const verify: VerifyOptions = {
    client,
    registry: entry.registry,
    ...(entry.chainId !== undefined ? { chainId: entry.chainId } : {}),
    ...(entry.accreditors ? { accreditors: entry.accreditors } : {}),
    ...(options.at !== undefined ? { at: parseTime(options.at, "--at") } : {}),
  };
  return { entry, url, client, verify };
}

/** The stacking registry: `--stacking`, else the local deployment's when `url` is its node. */
export async function stackingAddress(option: string | undefined, url: string, parse: (v: string, what: string) => Address): Promise<Address> {
  if (option) return parse(option, "--stacking");
  const deployment = await localDeployment();
  if (deployment?.stacking && deployment.rpcUrl === url) return deployment.stacking;
  throw new UsageError("No stacking registry: pass --stacking <address>.", {
    details: deployment ? `The local deployment record names none for ${url}.` : "No local deployment; `credstack chain start` deploys one.",
  });
}
