import { rm } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import CredstackModule from "../ignition/modules/Credstack.js";
import { writeDeployment, type DeploymentRecord } from "../../src/chain/deployments.js";
import { getAddress } from "viem";

/**
 * Deploys the registry to the JSON-RPC node at `url` through the Ignition module and records the
 * deployment where the SDK and CLI find it. Returns the record.
 */
export async function deployToNode(url: string, file?: string): Promise<DeploymentRecord> {
  const connection = await network.create({ network: "localhost", override: { url } });
  // A local node is ephemeral: its Ignition journal would be stale at the next start, so each
  // deployment gets its own id and the journal is removed once the deployment is recorded.
  const deploymentId = `local-${Date.now()}-${process.pid}`;
  const journal = path.resolve("scripts/ignition/deployments", deploymentId);
  try {
    const { registry } = await connection.ignition.deploy(CredstackModule, { displayUi: false, deploymentId });
    const provider = connection.ethers.provider;
    const chainId = Number((await provider.getNetwork()).chainId);
    const record: DeploymentRecord = {
      chainId,
      rpcUrl: url,
      registry: getAddress(await registry.getAddress()),
      deployedAtBlock: await provider.getBlockNumber(),
      deployedAt: new Date().toISOString(),
    };
    await writeDeployment(record, file);
    return record;
  } finally {
    await rm(journal, { recursive: true, force: true });
    await connection.close();
  }
}
