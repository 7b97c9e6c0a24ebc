/**
 * Gas report for the registry contracts: deploys on the in-process Hardhat network, performs each
 * operation as its own transaction, and prints the gas used by each (receipt.gasUsed, so the
 * 21,000 intrinsic gas and calldata are included) against the budgets the design commits to.
 *
 *   npm run gas            # table on stdout
 *   npm run gas -- --json  # machine-readable
 */
import { network } from "hardhat";
import { measureRegistryGas } from "./lib/measure-gas.js";

const { viem } = await network.create();
const rows = await measureRegistryGas(viem);

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? Number(v) : v), 2));
} else {
  const w = Math.max(...rows.map((r) => r.operation.length));
  console.log(`${"operation".padEnd(w)} | gas used | budget`);
  console.log(`${"-".repeat(w)} | -------: | -----:`);
  for (const r of rows) {
    const budget = r.budget === undefined ? "" : `${r.gas <= r.budget ? "≤" : "> !"} ${r.budget.toLocaleString("en-US")}`;
    console.log(`${r.operation.padEnd(w)} | ${r.gas.toLocaleString("en-US").padStart(8)} | ${budget}`);
  }
}
