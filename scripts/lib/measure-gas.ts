import type { HardhatViemHelpers } from "@nomicfoundation/hardhat-viem/types";
import { bytesToHex, encodeAbiParameters, encodeFunctionData, hexToBytes, keccak256, toHex, type Hex } from "viem";
import { processProof } from "../../src/batch/core.js";
import { operatorConsentTypedData } from "../../src/chain/actions/accreditation.js";
import { toIndexMasks } from "../../src/chain/records.js";

/** One measured operation: gas used by its transaction, and the budget it must stay within. */
export interface GasRow {
  operation: string;
  gas: bigint;
  budget?: bigint;
}

/** The gas budgets of the registry (issues #2 and #10). Receipt gas: intrinsic 21,000 and calldata included. */
export const GAS_BUDGETS = {
  anchor: 50_000n,
  revoke100OneWord: 120_000n,
  revoke100TwoWords: 150_000n,
} as const;

/** A leaf, a proof of `depth` random siblings, and the root they hash to (OpenZeppelin sorted pairs). */
export function syntheticProof(depth: number, seed = 1, leaf: Hex = keccak256(toHex(`leaf-${seed}`))): { leaf: Hex; proof: Hex[]; root: Hex } {
  const proof = Array.from({ length: depth }, (_, i) => keccak256(toHex(`sibling-${seed}-${i}`)));
  const root = bytesToHex(processProof(hexToBytes(leaf), proof.map((p) => hexToBytes(p))));
  return { leaf, proof, root };
}

/** `count` neighbouring indices from `first`, as the registry's (words, masks). */
function masksOf(first: number, count: number): [bigint[], bigint[]] {
  const { words, masks } = toIndexMasks(Array.from({ length: count }, (_, i) => first + i));
  return [words, masks];
}

/**
 * Deploys the registry on a fresh network connection and measures each operation in its own
 * transaction (so every storage slot it touches is cold, as in production).
 */
export async function measureRegistryGas(viem: HardhatViemHelpers): Promise<GasRow[]> {
  const [admin, accreditor, issuer, operator] = await viem.getWalletClients();
  if (!admin || !accreditor || !issuer || !operator) throw new Error("need 4 funded accounts");
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract("CredentialRegistry", [3 * 86_400, admin.account.address]);
  const gasOf = async (hash: Hex) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
  const chainId = await publicClient.getChainId();

  const rows: GasRow[] = [];
  const role = await registry.read.ACCREDITOR_ROLE();
  rows.push({
    operation: "grant ACCREDITOR_ROLE",
    gas: await gasOf(await registry.write.grantRole([role, accreditor.account.address], { account: admin.account })),
  });
  const now = Number((await publicClient.getBlock()).timestamp);
  const profile = keccak256(encodeAbiParameters([{ type: "string" }], ["Example University|NL|https://example.edu"]));
  rows.push({
    operation: "accredit issuer",
    gas: await gasOf(
      await registry.write.accredit([issuer.account.address, profile, 7, now, now + 5 * 365 * 86_400], { account: accreditor.account }),
    ),
  });
  const deadline = now + 3_600;
  const typed = operatorConsentTypedData({ registry: registry.address, chainId, issuer: issuer.account.address, key: operator.account.address, deadline });
  const signature = await operator.signTypedData({ ...typed, account: operator.account });
  rows.push({
    operation: "add operator (with the key's EIP-712 consent)",
    gas: await gasOf(await registry.write.addOperator([operator.account.address, BigInt(deadline), signature], { account: issuer.account })),
  });

  // A real leaf (public fields → CredentialLeaf) under a depth-20 proof, so that checkCredential is measured on a valid credential.
  const fields = {
    index: 300n,
    achievementId: keccak256(toHex("https://example.edu/courses/1")),
    creditsCenti: 500,
    eqfLevel: 6,
    awardedAt: now,
    holder: admin.account.address,
    credentialDigest: keccak256(toHex("digest")),
  };
  const leaf = await registry.read.leafOf([issuer.account.address, fields]);
  const { proof, root } = syntheticProof(20, 1, leaf);
  const manifest = keccak256(toHex("manifest"));
  rows.push({
    operation: "anchor batch (1M leaves)",
    gas: await gasOf(await registry.write.anchorBatch([root, 1_000_000, manifest], { account: operator.account })),
    budget: GAS_BUDGETS.anchor,
  });
  const asOperator = { account: operator.account };
  const asIssuer = { account: issuer.account };
  rows.push({
    operation: "revoke 1 credential, fresh word (operator key: pending)",
    gas: await gasOf(await registry.write.revokeCredentials([root, ...masksOf(600, 1), 4], asOperator)),
  });
  rows.push({
    operation: "revoke 1 credential, word in use (operator key: pending)",
    gas: await gasOf(await registry.write.revokeCredentials([root, ...masksOf(601, 1), 4], asOperator)),
  });
  rows.push({
    operation: "revoke 1 credential, fresh word (issuer account: final)",
    gas: await gasOf(await registry.write.revokeCredentials([root, ...masksOf(1_200, 1), 4], asIssuer)),
  });
  rows.push({
    operation: "cancel 1 pending revocation (issuer account)",
    gas: await gasOf(await registry.write.cancelRevocations([root, ...masksOf(600, 1)], asIssuer)),
  });
  rows.push({
    operation: "revoke 100 neighbours in one 256-bit word (operator key)",
    gas: await gasOf(await registry.write.revokeCredentials([root, ...masksOf(2_048, 100), 4], asOperator)),
    budget: GAS_BUDGETS.revoke100OneWord,
  });
  rows.push({
    operation: "revoke 100 neighbours across two words (operator key)",
    gas: await gasOf(await registry.write.revokeCredentials([root, ...masksOf(4_000, 100), 4], asOperator)),
    budget: GAS_BUDGETS.revoke100TwoWords,
  });
  rows.push({
    operation: "suspend 1 credential, fresh word",
    gas: await gasOf(await registry.write.suspendCredentials([root, ...masksOf(5, 1)], asOperator)),
  });
  rows.push({
    operation: "reinstate 1 credential",
    gas: await gasOf(await registry.write.reinstateCredentials([root, ...masksOf(5, 1)], asOperator)),
  });
  const [state] = await registry.read.checkCredential([issuer.account.address, root, fields, proof]);
  if (state !== 0) throw new Error(`synthetic depth-20 credential is not Valid (state ${state})`);
  rows.push({
    operation: "checkCredential, depth-20 proof (as a tx, estimate)",
    // A view, sent as a transaction would be (what a contract calling it pays, plus the 21k intrinsic).
    gas: await publicClient.estimateGas({
      to: registry.address,
      data: encodeFunctionData({ abi: registry.abi, functionName: "checkCredential", args: [issuer.account.address, root, fields, proof] }),
      account: operator.account,
    }),
  });
  const other = syntheticProof(1, 2);
  await registry.write.anchorBatch([other.root, 2, manifest], asOperator);
  rows.push({ operation: "revoke batch (operator key: pending)", gas: await gasOf(await registry.write.revokeBatch([other.root, 2], asOperator)) });
  rows.push({ operation: "cancel batch revocation (issuer account)", gas: await gasOf(await registry.write.cancelBatchRevocation([other.root], asIssuer)) });
  rows.push({ operation: "revoke batch (issuer account: final)", gas: await gasOf(await registry.write.revokeBatch([other.root, 2], asIssuer)) });
  // Baselines, side by side on the same network: what the bare storage writes cost.
  const bare = await viem.deployContract("BareAnchor");
  rows.push({
    operation: "baseline: bare anchor(bytes32), no checks",
    gas: await gasOf(await bare.write.anchor([syntheticProof(1, 3).root])),
  });
  const bitmap = await viem.deployContract("MinimalBitmap");
  rows.push({ operation: "baseline: minimal bitmap, fresh word", gas: await gasOf(await bitmap.write.revoke([300n])) });
  rows.push({ operation: "baseline: minimal bitmap, used word", gas: await gasOf(await bitmap.write.revoke([301n])) });
  const hundred = Array.from({ length: 100 }, (_, i) => 2_048n + BigInt(i));
  rows.push({
    operation: "baseline: minimal bitmap, 100 neighbours in one word",
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
    operation: "declare operator key compromised (removes it)",
    gas: await gasOf(
      await registry.write.declareOperatorCompromised([operator.account.address, Number((await publicClient.getBlock()).timestamp)], asIssuer),
    ),
  });
  return rows;
}
