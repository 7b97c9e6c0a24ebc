import { access, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, type Address } from "viem";
import { CredstackError } from "../credential/errors.js";
import { writeDeployment, type DeploymentRecord } from "./deployments.js";

/** The credstack package root: where hardhat.config.ts, the artifacts and the Ignition module live. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

const ARTIFACT = path.join(PACKAGE_ROOT, "artifacts/contracts/registry/CredentialRegistry.sol/CredentialRegistry.json");

/** Raised when the registry cannot be deployed (no compiled artifacts, or the deployment failed). */
export class DeployError extends CredstackError {
  override name = "DeployError";
}

export interface DeployRegistryOptions {
  /** Where to write the deployment record; default `$CREDSTACK_HOME/deployment.json` (see deployments.ts). */
  file?: string;
  /** Account granted ACCREDITOR_ROLE; default the deployer (the node's first account). */
  accreditor?: Address;
}

/**
 * A Hardhat runtime for the credstack project itself, whatever the working directory: the CLI
 * runs outside `hardhat run`, so it loads the package's own config.
 */
async function projectRuntime() {
  const { createHardhatRuntimeEnvironment, importUserConfig } = await import("hardhat/hre");
  const configPath = path.join(PACKAGE_ROOT, "hardhat.config.ts");
  return createHardhatRuntimeEnvironment(await importUserConfig(configPath), { config: configPath }, PACKAGE_ROOT);
}

/**
 * Deploys the registry to the JSON-RPC node at `url` through the Ignition module
 * (scripts/ignition/modules/Credstack.ts), with the node's first account as deployer, governance
 * admin and (unless `accreditor` says otherwise) accreditor, and records the deployment where the
 * SDK and CLI find it. For nodes that hold their accounts (a local `hardhat node`). Returns the record.
 *
 * @example
 * const node = await startLocalNode();
 * const { registry } = await deployRegistry(node.url);
 */
export async function deployRegistry(url: string, options: DeployRegistryOptions = {}): Promise<DeploymentRecord> {
  try {
    await access(ARTIFACT);
  } catch {
    throw new DeployError("The registry is not compiled.", { details: `Missing ${ARTIFACT}: run \`npx hardhat build\` in ${PACKAGE_ROOT}.` });
  }
  const hre = await projectRuntime();
  const connection = await hre.network.create({ network: "localhost", override: { url } });
  const { default: CredstackModule } = await import("../../scripts/ignition/modules/Credstack.js");
  // A local node is ephemeral: its Ignition journal would be stale at the next start, so each
  // deployment gets its own id and the journal is removed once the deployment is recorded.
  const deploymentId = `local-${Date.now()}-${process.pid}`;
  const journal = path.join(hre.config.paths.ignition, "deployments", deploymentId);
  try {
    const parameters = options.accreditor ? { Credstack: { accreditor: getAddress(options.accreditor) } } : undefined;
    const { registry, stacking } = await connection.ignition.deploy(CredstackModule, { displayUi: false, deploymentId, ...(parameters ? { parameters } : {}) });
    const provider = connection.ethers.provider;
    const record: DeploymentRecord = {
      chainId: Number((await provider.getNetwork()).chainId),
      rpcUrl: url,
      registry: getAddress(await registry.getAddress()),
      stacking: getAddress(await stacking.getAddress()),
      deployedAtBlock: await provider.getBlockNumber(),
      deployedAt: new Date().toISOString(),
    };
    await writeDeployment(record, options.file);
    return record;
  } finally {
    await rm(journal, { recursive: true, force: true });
    await connection.close();
  }
}

