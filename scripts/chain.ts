/**
 * `npm run chain`: starts a local `hardhat node` on 127.0.0.1 (port $PORT or 8545), deploys the
 * registry through the Ignition module, writes the deployment to .credstack/deployment.json (where
 * the SDK and CLI look by default) and keeps the node running until Ctrl-C.
 */
import { startLocalNode } from "../src/chain/local-node.js";
import { deployToNode } from "./lib/deploy.js";

const port = Number(process.env.PORT ?? 8545);
const node = await startLocalNode({ port });
const shutdown = async () => {
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

try {
  const record = await deployToNode(node.url);
  console.log(`credstack local chain
  RPC URL    ${record.rpcUrl}
  chain id   ${record.chainId}
  registry   ${record.registry}
  written to .credstack/deployment.json
Press Ctrl-C to stop.`);
} catch (error) {
  await node.stop();
  throw error;
}
await new Promise(() => {});
