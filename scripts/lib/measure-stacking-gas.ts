import type { HardhatViemHelpers } from "@nomicfoundation/hardhat-viem/types";
import { getAddress, keccak256, toHex, zeroAddress, type Hex } from "viem";
import { packCredentials, type PackableCredential } from "../../src/chain/packed-credentials.js";
import { operatorConsentTypedData } from "../../src/chain/actions/accreditation.js";
import { syntheticProof } from "./measure-gas.js";

/** The per-component budgets of issue #12 (depth-20 proofs, non-exclusive), by hardfork. */
export const STACKING_BUDGETS: Record<string, bigint> = { osaka: 36_000n, cancun: 25_000n };

/** One stacking claim measured: its receipt gas, the marginal gas per component and the average. */
export interface StackingGasRow {
  hardfork: string;
  pathway: "credits-only" | "listed" | "credits-only, touched batches";
  components: number;
  gas: bigint;
  /** Gas per extra component against the previous size (none for the first). */
  marginal?: bigint;
  average: bigint;
}

const DEPTH = 20;
const COUNTS = [3, 10, 30] as const;

/**
 * Claims pathways with 3, 10 and 30 components of two issuers (each component its own batch of
 * 2^20 credentials, a depth-20 proof), sent by the holder, on the network `viem` is connected to:
 * a credits-only pathway (every component unlisted, counted towards total credits), a pathway
 * listing every component's achievement in one all-of group, and the credits-only pathway again
 * with batches in which some other credential was once suspended (so the check reads the three
 * status words of each component's word). Every claim is a fresh holder and
 * fresh batches, so every slot it reads is cold, as in production.
 */
export async function measureStackingGas(viem: HardhatViemHelpers, hardfork: string): Promise<StackingGasRow[]> {
  const [admin, issuerA, operatorA, issuerB, operatorB] = await viem.getWalletClients();
  if (!admin || !issuerA || !operatorA || !issuerB || !operatorB) throw new Error("need 5 funded accounts");
  const publicClient = await viem.getPublicClient();
  const registry = await viem.deployContract("CredentialRegistry", [3 * 86_400, admin.account.address]);
  const stacking = await viem.deployContract("StackingRegistry", [registry.address]);
  const chainId = await publicClient.getChainId();
  const wait = async (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
  await wait(await registry.write.grantRole([await registry.read.ACCREDITOR_ROLE(), admin.account.address]));
  const now = Number((await publicClient.getBlock()).timestamp);
  const issuers = [[issuerA, operatorA], [issuerB, operatorB]] as const;
  for (const [issuer, operator] of issuers) {
    await wait(await registry.write.accredit([issuer.account.address, keccak256(toHex(issuer.account.address)), 8, now - 86_400, now + 365 * 86_400]));
    const typed = operatorConsentTypedData({ registry: registry.address, chainId, issuer: issuer.account.address, key: operator.account.address, deadline: now + 3600 });
    const signature = await operator.signTypedData(typed);
    await wait(await registry.write.addOperator([operator.account.address, BigInt(now + 3600), signature], { account: issuer.account }));
  }

  const rows: StackingGasRow[] = [];
  let seed = 0;
  for (const kind of ["credits-only", "listed", "credits-only, touched batches"] as const) {
    let previous: StackingGasRow | undefined;
    for (const n of COUNTS) {
      const holder = getAddress(`0x${keccak256(toHex(`holder-${++seed}`)).slice(26)}`);
      const credentials: PackableCredential[] = [];
      for (let i = 0; i < n; i++) {
        const [issuer, operator] = issuers[i % 2]!;
        const fields = {
          index: BigInt(1000 + i * 7919 + seed),
          achievementId: keccak256(toHex(`achievement-${kind}-${n}-${i}`)),
          creditsCenti: 500,
          eqfLevel: 6,
          awardedAt: now - 86_400,
          holder,
          credentialDigest: keccak256(toHex(`digest-${seed}-${i}`)),
        };
        const leaf = await registry.read.leafOf([issuer.account.address, fields]);
        const { proof, root } = syntheticProof(DEPTH, seed * 1000 + i, leaf);
        await wait(await registry.write.anchorBatch([root, 1 << DEPTH, keccak256(toHex(`m-${seed}-${i}`))], { account: operator.account }));
        if (kind === "credits-only, touched batches") {
          // Another credential of the batch, in another word, was suspended once: the check reads the status words.
          const other = (Number(fields.index) + 512) % (1 << DEPTH);
          await wait(await registry.write.suspendCredentials([root, [BigInt(other >> 8)], [1n << BigInt(other & 0xff)]], { account: operator.account }));
        }
        credentials.push({ ...fields, index: Number(fields.index), issuer: issuer.account.address, root, proof });
      }
      const listed = kind === "listed" ? credentials.map((c) => c.achievementId) : [];
      const groups = kind === "listed" ? [{ requiredNumber: n, members: (1n << BigInt(n)) - 1n }] : [];
      const lists = { issuers: [], achievementIds: listed, achievementIssuers: listed.map(() => zeroAddress), groups };
      const pathwayId = keccak256(toHex(`pathway-${kind}-${n}`));
      const unlisted = kind === "listed" ? 0 : n; // credits only: n open slots
      const rules = {
        definitionDigest: keccak256(toHex("definition")), minCreditsCenti: 500 * n, minEqfLevel: 6, minDistinctIssuers: 2, maxAgeSeconds: 365 * 86_400,
        minUnlisted: unlisted, maxUnlisted: unlisted, exclusive: false,
      };
      await wait(await stacking.write.registerPathway([pathwayId, rules, lists], { account: issuerA.account }));
      const packed = packCredentials({ credentials, listed });
      // The holder submits (no signature): a fresh account funded for it.
      await admin.sendTransaction({ to: holder, value: 10n ** 18n });
      await publicClient.request({ method: "hardhat_impersonateAccount" as never, params: [holder] as never });
      const hash = await stacking.write.claim(
        [{ issuer: issuerA.account.address, pathwayId, holder, deadline: BigInt(now + 3600) }, { issuers: [], achievementIssuers: lists.achievementIssuers, groups }, packed, "0x"],
        { account: holder },
      );
      const receipt = await wait(hash);
      if (process.env.GAS_PROBE) {
        const view = await publicClient.estimateGas({ to: registry.address, data: (await import("viem")).encodeFunctionData({ abi: registry.abi, functionName: "checkCredentials", args: [holder, packed] }) });
        console.log(`probe n=${n} checkCredentials estimate=${view} bytes=${(packed.length - 2) / 2}`);
      }
      if (receipt.status !== "success") throw new Error(`claim of ${n} components reverted`);
      const row: StackingGasRow = {
        hardfork, pathway: kind, components: n, gas: receipt.gasUsed, average: receipt.gasUsed / BigInt(n),
        ...(previous ? { marginal: (receipt.gasUsed - previous.gas) / BigInt(n - previous.components) } : {}),
      };
      rows.push(row);
      previous = row;
    }
  }
  return rows;
}
