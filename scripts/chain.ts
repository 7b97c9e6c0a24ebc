/**
 * `npm run chain`: starts a local `hardhat node` on 127.0.0.1 (port $PORT or 8545), deploys the
 * registry through the Ignition module, writes the deployment to .credstack/deployment.json (where
 * the SDK and CLI look by default) and keeps the node running until Ctrl-C.
 * (`credstack chain start` does the same from the CLI.)
 */
import { deployRegistry } from "../src/chain/deploy.js";
import { deploymentFile } from "../src/chain/deployments.js";
import { startLocalNode } from "../src/chain/local-node.js";

const port = Number(process.env.PORT ?? 8545);
const node = await startLocalNode({ port });
const shutdown = async () => {
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

try {
  const record = await deployRegistry(node.url);
  console.log(`credstack local chain
  RPC URL    ${record.rpcUrl}
  chain id   ${record.chainId}
  registry   ${record.registry}
  written to ${deploymentFile()}
Press Ctrl-C to stop.`);
} catch (error) {
  await node.stop();
  throw error;
}
await new Promise(() => {});
