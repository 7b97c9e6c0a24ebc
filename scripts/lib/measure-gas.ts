import type { HardhatViemHelpers } from "@nomicfoundation/hardhat-viem/types";
import { bytesToHex, encodeAbiParameters, encodeFunctionData, hexToBytes, keccak256, toHex, type Hex } from "viem";
import { processProof } from "../../src/batch/core.js";

/** One measured operation: gas used by its transaction, and the budget it must stay within. */
export interface GasRow {
  operation: string;
  gas: bigint;
  budget?: bigint;
}

/** The gas budgets of the registry (issue #2). Receipt gas: intrinsic 21,000 and calldata included. */
export const GAS_BUDGETS = {
  anchor: 50_000n,
  revokeFreshWord: 46_000n,
  revokeUsedWord: 30_000n,
  revoke100: 150_000n,
} as const;

/** A leaf, a proof of `depth` random siblings, and the root they hash to (OpenZeppelin sorted pairs). */
export function syntheticProof(depth: number, seed = 1): { leaf: Hex; proof: Hex[]; root: Hex } {
  const leaf = keccak256(toHex(`leaf-${seed}`));
  const proof = Array.from({ length: depth }, (_, i) => keccak256(toHex(`sibling-${seed}-${i}`)));
  const root = bytesToHex(processProof(hexToBytes(leaf), proof.map((p) => hexToBytes(p))));
  return { leaf, proof, root };
}

/**
 * Deploys the registry on a fresh network connection and measures each operation in its own
 * transaction (so every storage slot it touches is cold, as in production).
 */
export async function measureRegistryGas(viem: HardhatViemHelpers): Promise<GasRow[]> {
  const [admin, accreditor, issuer, operator] = await viem.getWalletClients();
  if (!admin || !accreditor || !issuer || !operator) throw new Error("need 4 funded accounts");
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract("CredentialRegistry", [admin.account.address]);
  const gasOf = async (hash: Hex) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;

  const rows: GasRow[] = [];
  const role = await registry.read.ACCREDITOR_ROLE();
  rows.push({
    operation: "grant ACCREDITOR_ROLE",
    gas: await gasOf(await registry.write.grantRole([role, accreditor.account.address], { account: admin.account })),
  });
  const now = BigInt((await publicClient.getBlock()).timestamp);
  const profile = keccak256(encodeAbiParameters([{ type: "string" }], ["Example University|NL|https://example.edu"]));
  rows.push({
    operation: "accredit issuer",
    gas: await gasOf(
      await registry.write.accredit([issuer.account.address, profile, 7, Number(now), Number(now + 5n * 365n * 86_400n)], {
        account: accreditor.account,
      }),
    ),
  });
  rows.push({
    operation: "add operator",
    gas: await gasOf(await registry.write.addOperator([operator.account.address], { account: issuer.account })),
  });

  const { leaf, proof, root } = syntheticProof(20);
  const manifest = keccak256(toHex("manifest"));
  rows.push({
    operation: "anchor batch (1M leaves)",
    gas: await gasOf(await registry.write.anchorBatch([root, 1_000_000, manifest], { account: operator.account })),
    budget: GAS_BUDGETS.anchor,
  });
  rows.push({
    operation: "revoke 1 credential, fresh word",
    gas: await gasOf(await registry.write.revokeCredentials([root, [300n], 1], { account: operator.account })),
    budget: GAS_BUDGETS.revokeFreshWord,
  });
  rows.push({
    operation: "revoke 1 credential, used word",
    gas: await gasOf(await registry.write.revokeCredentials([root, [301n], 1], { account: operator.account })),
    budget: GAS_BUDGETS.revokeUsedWord,
  });
  const hundred = Array.from({ length: 100 }, (_, i) => 2_000n + BigInt(i)); // spans two fresh words
  rows.push({
    operation: "revoke 100 neighbouring credentials",
    gas: await gasOf(await registry.write.revokeCredentials([root, hundred, 1], { account: operator.account })),
    budget: GAS_BUDGETS.revoke100,
  });
  rows.push({
    operation: "suspend 1 credential, fresh word",
    gas: await gasOf(await registry.write.suspendCredentials([root, [5n]], { account: operator.account })),
  });
  rows.push({
    operation: "reinstate 1 credential",
    gas: await gasOf(await registry.write.reinstateCredentials([root, [5n]], { account: operator.account })),
  });
  const ok = await registry.read.verifyInclusion([root, leaf, proof]);
  if (!ok) throw new Error("synthetic depth-20 proof did not verify");
  rows.push({
    operation: "verifyInclusion depth 20 (as a tx, estimate)",
    // A view, sent as a transaction would be (what a contract calling it pays, plus the 21k intrinsic).
    gas: await publicClient.estimateGas({
      to: registry.address,
      data: encodeFunctionData({ abi: registry.abi, functionName: "verifyInclusion", args: [root, leaf, proof] }),
      account: operator.account,
    }),
  });
  const other = syntheticProof(1, 2);
  await registry.write.anchorBatch([other.root, 2, manifest], { account: operator.account });
  rows.push({
    operation: "revoke batch",
    gas: await gasOf(await registry.write.revokeBatch([other.root, 2], { account: operator.account })),
  });
  // Baselines, side by side on the same network: what the bare storage writes cost.
  const bare = await viem.deployContract("BareAnchor");
  rows.push({
    operation: "baseline: bare anchor(bytes32), no checks",
    gas: await gasOf(await bare.write.anchor([syntheticProof(1, 3).root])),
  });
  const bitmap = await viem.deployContract("MinimalBitmap");
  rows.push({ operation: "baseline: minimal bitmap, fresh word", gas: await gasOf(await bitmap.write.revoke([300n])) });
  rows.push({ operation: "baseline: minimal bitmap, used word", gas: await gasOf(await bitmap.write.revoke([301n])) });
  rows.push({
    operation: "baseline: minimal bitmap, 100 neighbours",
    gas: await gasOf(await bitmap.write.revokeMany([hundred])),
  });
  const booleans = await viem.deployContract("BooleanRevocations");
  rows.push({
    operation: "baseline: 100 mapping(bytes32=>bool) revocations",
    gas: await gasOf(
      await booleans.write.revokeMany([Array.from({ length: 100 }, (_, i) => keccak256(toHex(`credential-${i}`)))]),
    ),
  });
  rows.push({
    operation: "remove operator",
    gas: await gasOf(await registry.write.removeOperator([operator.account.address], { account: issuer.account })),
  });
  return rows;
}
