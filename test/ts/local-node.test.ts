import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signOperatorConsent } from "../../src/chain/actions/index.js";
import { startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { readDeployment } from "../../src/chain/deployments.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { credentialRegistryAbi } from "./helpers/abi.js";

// Hardhat node's default, publicly known development accounts (never use them on a real chain).
const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
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

    // The deployer (dev account 0) is admin and accreditor; it accredits itself and adds dev
    // account 1 as its operator key, with that key's EIP-712 consent (an issuer cannot operate itself).
    const deployer = privateKeyToAccount(DEV_KEYS[0]);
    const operator = privateKeyToAccount(DEV_KEYS[1]);
    const chain = { id: 31337, name: "hardhat", nativeCurrency: { name: "ETH", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } } as const;
    const wallet = (account: typeof deployer) => createWalletClient({ account, chain, transport: http(node.url) });
    const registry = record.registry as Address;
    const now = Number((await publicClient.getBlock()).timestamp);
    const send = async (from: typeof deployer, functionName: string, args: readonly unknown[]) => {
      const hash = await wallet(from).writeContract({ chain, address: registry, abi: credentialRegistryAbi, functionName, args } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      return receipt;
    };
    await send(deployer, "accredit", [deployer.address, keccak256(toHex("profile")), 6, now - 10, now + 86_400]);
    const consent = await signOperatorConsent(operator, { registry, chainId: 31337, issuer: deployer.address, deadline: now + 3_600 });
    await send(deployer, "addOperator", [consent.key, BigInt(consent.deadline), consent.signature]);
    const root = keccak256(toHex("a batch anchored over JSON-RPC"));
    const receipt = await send(operator, "anchorBatch", [root, 42, keccak256(toHex("manifest"))]);
    expect(receipt.gasUsed <= 50_000n, `anchor gas ${receipt.gasUsed}`).to.equal(true);

    const batch = (await publicClient.readContract({
      address: registry,
      abi: credentialRegistryAbi,
      functionName: "batchOf",
      args: [deployer.address, root],
    })) as { anchoringKey: Address; leafCount: number; status: number };
    expect(batch.anchoringKey).to.equal(operator.address);
    expect(batch.leafCount).to.equal(42);
    expect(batch.status).to.equal(1);
  });
});
