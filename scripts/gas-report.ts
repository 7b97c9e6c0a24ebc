/**
 * Gas report of the credstack contracts: deploys on the in-process Hardhat network, performs each
 * operation as its own transaction, and prints the gas used by each (receipt.gasUsed, so the
 * 21,000 intrinsic gas and calldata are included) against the budgets the design commits to; then
 * stacking claims of 3, 10 and 30 components (depth-20 proofs) under osaka and cancun rules, with
 * the gas per component (marginal between sizes, and average).
 *
 *   npm run gas            # tables on stdout
 *   npm run gas -- --json  # machine-readable
 */
import { network } from "hardhat";
import { measureRegistryGas } from "./lib/measure-gas.js";
import { STACKING_BUDGETS, measureStackingGas, type StackingGasRow } from "./lib/measure-stacking-gas.js";

const { viem } = await network.create();
const rows = await measureRegistryGas(viem);
const stacking: StackingGasRow[] = [];
for (const hardfork of ["osaka", "cancun"]) {
  const connection = await network.create({ override: { hardfork } } as never);
  stacking.push(...(await measureStackingGas(connection.viem, hardfork)));
}

const n = (v: bigint | undefined) => (v === undefined ? "" : v.toLocaleString("en-US"));
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ registry: rows, stacking }, (_, v) => (typeof v === "bigint" ? Number(v) : v), 2));
} else {
  const w = Math.max(...rows.map((r) => r.operation.length));
  console.log(`${"operation".padEnd(w)} | gas used | budget`);
  console.log(`${"-".repeat(w)} | -------: | -----:`);
  for (const r of rows) {
    const budget = r.budget === undefined ? "" : `${r.gas <= r.budget ? "≤" : "> !"} ${r.budget.toLocaleString("en-US")}`;
    console.log(`${r.operation.padEnd(w)} | ${n(r.gas).padStart(8)} | ${budget}`);
  }
  console.log("\nstacking claim (holder-sent, depth-20 proofs, non-exclusive) | hardfork | components | gas used | per component: marginal | average | budget");
  console.log("--- | --- | ---: | ---: | ---: | ---: | ---:");
  for (const r of stacking) {
    const budget = STACKING_BUDGETS[r.hardfork]!;
    const check = r.marginal === undefined ? "" : `${r.marginal <= budget ? "≤" : "> !"} ${n(budget)}`;
    console.log(`${r.pathway} | ${r.hardfork} | ${r.components} | ${n(r.gas)} | ${n(r.marginal)} | ${n(r.average)} | ${check}`);
  }
}
