import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { readDeployment } from "../../src/chain/deployments.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { credentialRegistryAbi } from "./helpers/abi.js";

// Hardhat node's default, publicly known development accounts (never use them on a real chain).
const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
] as const;

describe("a real `hardhat node` over JSON-RPC", function () {
  this.timeout(180_000);
  let node: LocalNode;
  let home: string;

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-node-"));
    node = await startLocalNode();
  });

  after(async () => {
    await node?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("deploys through the Ignition module, records the deployment, and anchors a batch", async () => {
    const file = path.join(home, "deployment.json");
    const record = await deployRegistry(node.url, { file });
    const stored = await readDeployment(file);
    expect(stored).to.deep.equal(record);
    expect(stored.chainId).to.equal(31337);

    const publicClient = createPublicClient({ transport: http(node.url) });
    const code = await publicClient.getCode({ address: record.registry });
    expect(code?.length ?? 0).to.be.greaterThan(2);

    // The deployer (dev account 0) is admin and accreditor; it accredits itself and operates its own key.
    const deployer = privateKeyToAccount(DEV_KEYS[0]);
    const wallet = createWalletClient({ account: deployer, transport: http(node.url) });
    const chain = { id: 31337, name: "hardhat", nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } } as const;
    const registry = record.registry as Address;
    const now = Number((await publicClient.getBlock()).timestamp);
    const send = async (functionName: string, args: readonly unknown[]) => {
      const hash = await wallet.writeContract({ chain, address: registry, abi: credentialRegistryAbi, functionName, args } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      return receipt;
    };
    await send("accredit", [deployer.address, keccak256(toHex("profile")), 6, now - 10, now + 86_400]);
    await send("addOperator", [deployer.address]);
    const root = keccak256(toHex("a batch anchored over JSON-RPC"));
    const receipt = await send("anchorBatch", [root, 42, keccak256(toHex("manifest"))]);
    expect(receipt.gasUsed <= 50_000n, `anchor gas ${receipt.gasUsed}`).to.equal(true);

    const batch = (await publicClient.readContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: "batchOf",
      args: [root],
    })) as { issuer: Address; leafCount: number; status: number };
    expect(batch.issuer).to.equal(deployer.address);
    expect(batch.leafCount).to.equal(42);
    expect(batch.status).to.equal(1);
  });
});
