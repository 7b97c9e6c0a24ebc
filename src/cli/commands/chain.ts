import { createWalletClient, getAddress, http } from "viem";
import { PACKAGE_ROOT, deployRegistry } from "../../chain/deploy.js";
import { deploymentFile } from "../../chain/deployments.js";
import { startLocalNode } from "../../chain/local-node.js";
import { parseInteger, type GlobalOptions } from "../context.js";
import type { Output } from "../output.js";

/**
 * `credstack chain start [--port 8545]`: a local `hardhat node` on 127.0.0.1 with the registry
 * deployed through the Ignition module, the deployment recorded in $CREDSTACK_HOME (the other
 * commands' default --rpc and --registry). Runs until Ctrl-C (SIGINT) or SIGTERM, then stops the node.
 */
export async function chainStart(options: { port: string }, _globals: GlobalOptions, out: Output): Promise<number> {
  const port = parseInteger(options.port, "--port", 1, 65_535);
  const file = deploymentFile();
  const progress = out.progress();
  progress?.line(`starting hardhat node on 127.0.0.1:${port}…`);
  const node = await startLocalNode({ port, cwd: PACKAGE_ROOT });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await node.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  node.process.once("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(`error: the hardhat node exited (${signal ?? `code ${code}`}).\n`);
    process.exit(2);
  });

  try {
    progress?.line("deploying the registry…");
    const record = await deployRegistry(node.url, { file });
    const accounts = await createWalletClient({ transport: http(node.url) }).getAddresses();
    const accreditor = accounts[0] ? getAddress(accounts[0]) : null;
    progress?.clear();
    await out.result(
      [
        "credstack local chain",
        `  RPC URL     ${record.rpcUrl}`,
        `  chain id    ${record.chainId}`,
        `  registry    ${record.registry}`,
        ...(accreditor ? [`  accreditor  ${accreditor} (development account #0: governance admin and accreditor)`] : []),
        `  recorded in ${file}`,
        "Press Ctrl-C to stop.",
      ],
      { ...record, accreditor, deploymentFile: file },
    );
  } catch (error) {
    progress?.clear();
    stopping = true;
    await node.stop();
    throw error;
  }
  return new Promise<number>(() => {}); // until a signal
}
