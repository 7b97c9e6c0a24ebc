import { readFileSync } from "node:fs";
import path from "node:path";
import type { Abi } from "viem";

/** The registry ABI as compiled by `hardhat build` (artifacts are built before tests run). */
export const credentialRegistryAbi: Abi = JSON.parse(
  readFileSync(path.resolve("artifacts/contracts/registry/CredentialRegistry.sol/CredentialRegistry.json"), "utf8"),
).abi;
