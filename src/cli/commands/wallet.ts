import { createPublicClient, http } from "viem";
import { startWebServer } from "../../web/server.js";
import { localDeployment, parseAddress, parseInteger, type GlobalOptions } from "../context.js";
import { UsageError, type Output } from "../output.js";
import { readPathwayFile } from "../pathway-file.js";
import { loadTrust } from "../trust.js";

/**
 * `credstack wallet serve [--port 6342] [--trust <caip10>] [--accreditor <addr>]... [--pathway <file>]...`:
 * the student's wallet (`/wallet/`) and the verifier page (`/verifier/`) on 127.0.0.1, their scripts bundled
 * from src/ at start. The pages read the chain through the trusted registry's RPC URL, from the browser.
 * Trust as for `credstack verify` (one registry). Runs until Ctrl-C.
 */
export async function serve(
  options: { port: string; trust?: string[]; accreditor?: string[]; pathway?: string[]; stacking?: string },
  globals: GlobalOptions,
  out: Output
): Promise<number> {
  const port = parseInteger(options.port, "--port", 0, 65_535);
  const trust = await loadTrust({ ...options, rpc: globals.rpc, registry: globals.registry }, localDeployment);
  if (trust.length !== 1)
    throw new UsageError(
      `The pages verify against one trusted registry; ${trust.length} are trusted: pass --trust <caip10> once.`
    );
  const entry = trust[0]!;
  const rpcUrl = globals.rpc ?? entry.rpc;
  if (!rpcUrl) throw new UsageError(`No RPC URL for the trusted registry ${entry.registry}: pass --rpc <url>.`);
  const chainId =
    entry.chainId ??
    (await createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 10_000 }) }).getChainId());
  const pathways = await Promise.all((options.pathway ?? []).map((file) => readPathwayFile(file)));
  const deployment = await localDeployment();
  const stacking =
    options.stacking !== undefined
      ? parseAddress(options.stacking, "--stacking")
      : deployment?.rpcUrl === rpcUrl && deployment.registry === entry.registry
      ? deployment.stacking
      : undefined;

  const progress = out.progress();
  progress?.line("bundling the pages…");
  const server = await startWebServer({
    port,
    config: {
      rpcUrl,
      chainId,
      registry: entry.registry,
      trustSource: entry.source,
      pathways,
      ...(entry.accreditors ? { accreditors: entry.accreditors } : {}),
      ...(stacking ? { stacking } : {}),
    },
  });
  progress?.clear();
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  await out.result(
    [
      "credstack pages",
      `  wallet      ${server.url}/wallet/`,
      `  verifier    ${server.url}/verifier/`,
      `  trusting    eip155:${chainId}:${entry.registry} (${entry.source}) through ${rpcUrl}`,
      `  pathways    ${pathways.length === 0 ? "none (add --pathway <file>)" : pathways.map((p) => p.name).join(", ")}`,
      `  scripts     wallet ${kib(server.bundle.pageBytes.wallet)} (${kib(
        server.bundle.pageTotalBytes.wallet
      )} with the SDK), ` +
        `verifier ${kib(server.bundle.pageBytes.verifier)} (${kib(server.bundle.pageTotalBytes.verifier)}), built in ${
          server.bundle.buildMs
        } ms`,
      "Press Ctrl-C to stop.",
    ],
    {
      wallet: `${server.url}/wallet/`,
      verifier: `${server.url}/verifier/`,
      chainId,
      registry: entry.registry,
      rpcUrl,
      pageBytes: server.bundle.pageBytes,
    }
  );
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  return new Promise<number>(() => {}); // until a signal
}
