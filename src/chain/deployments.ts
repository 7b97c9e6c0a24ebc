import { mkdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getAddress, type Address } from "viem";
import { writeFileAtomic } from "../batch/files.js";

/** Where a registry was deployed: written by `npm run chain` / `credstack chain start`, read by the SDK and CLI. */
export interface DeploymentRecord {
  chainId: number;
  rpcUrl: string;
  registry: Address;
  /** The stacking registry bound to `registry` (absent in records written before it existed). */
  stacking?: Address;
  deployedAtBlock: number;
  deployedAt: string;
}

/** Raised when no deployment record exists or it cannot be read. */
export class DeploymentNotFoundError extends Error {
  override name = "DeploymentNotFoundError";
  readonly shortMessage: string;
  constructor(readonly file: string, cause?: unknown) {
    const short = `No local deployment found at ${file}.`;
    super(`${short} Start a local chain with \`npm run chain\` or pass --rpc and --registry.`, { cause });
    this.shortMessage = short;
  }
}

/**
 * The directory holding local deployment records: `$CREDSTACK_HOME`, else `~/.credstack` in the
 * user's home — never the working directory, so that a folder cannot bring its own registry.
 */
export function credstackHome(): string {
  return process.env.CREDSTACK_HOME || path.join(os.homedir(), ".credstack");
}

/** File of the current local deployment. */
export function deploymentFile(home = credstackHome()): string {
  return path.join(home, "deployment.json");
}

/** Writes the deployment record atomically (temp file + rename). */
export async function writeDeployment(record: DeploymentRecord, file = deploymentFile()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(record, null, 2) + "\n");
}

/** Reads and validates the deployment record. */
export async function readDeployment(file = deploymentFile()): Promise<DeploymentRecord> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (cause) {
    throw new DeploymentNotFoundError(file, cause);
  }
  const data = JSON.parse(raw) as Partial<DeploymentRecord>;
  if (typeof data.chainId !== "number" || typeof data.rpcUrl !== "string" || typeof data.registry !== "string") {
    throw new DeploymentNotFoundError(file);
  }
  return {
    chainId: data.chainId,
    rpcUrl: data.rpcUrl,
    registry: getAddress(data.registry),
    ...(typeof data.stacking === "string" ? { stacking: getAddress(data.stacking) } : {}),
    deployedAtBlock: Number(data.deployedAtBlock ?? 0),
    deployedAt: String(data.deployedAt ?? ""),
  };
}
