/**
 * Issuer script: builds a credential batch and anchors it with the SDK, on the network given to
 * Hardhat. For institutions that script their issuing:
 *
 *   CREDSTACK_ACHIEVEMENT=seeds/courses/smart-contract-security.json \
 *   CREDSTACK_LEARNERS=seeds/learners/smart-contract-security.csv \
 *   CREDSTACK_OUT=batches/scs-2026-06 CREDSTACK_PRIVATE_KEY=0x… \
 *   npx hardhat run scripts/issue-batch.ts --network localhost
 *
 * `hardhat run` passes no arguments to scripts, so the inputs are environment variables:
 *
 *   CREDSTACK_ACHIEVEMENT    course (achievement) JSON with every EU element; with CREDSTACK_LEARNERS
 *   CREDSTACK_LEARNERS       learners CSV: id,name,wallet,date[,grade]
 *   CREDSTACK_CREDENTIALS    JSON Lines of full OB 3.0 credentials, instead of the two above
 *   CREDSTACK_OUT            the batch directory (required). If it already holds a batch, the
 *                            batch is not rebuilt but anchored: re-running after a failure resumes,
 *                            and an anchor already on chain is recorded without a second transaction.
 *   CREDSTACK_REGISTRY       registry address; default: the local deployment record
 *                            ($CREDSTACK_HOME/deployment.json, written by `npm run chain` or
 *                            `credstack chain start`) when its chain id is the network's
 *   CREDSTACK_PRIVATE_KEY    the operator key that signs the anchoring (hex); default: the
 *                            network's own account number CREDSTACK_ACCOUNT (default 0)
 *   CREDSTACK_ACCOUNT        index of the network's account to sign with, without a private key
 *   CREDSTACK_LAYOUT         auto (default) | files | shards
 *   CREDSTACK_CONFIRMATIONS  blocks to wait for before recording the anchor (default 1)
 *
 * The `localhost` network of hardhat.config.ts is http://127.0.0.1:8545, or $CREDSTACK_RPC_URL.
 * Add a network to hardhat.config.ts for any other chain. Exit code 0 on success, 1 on failure.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { createWalletClient, custom, getAddress, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildBatchDirectory } from "../src/batch/build-directory.js";
import { readManifest } from "../src/batch/files.js";
import { anchorBatchDirectory } from "../src/chain/anchor-directory.js";
import type { RegistryReadClient, RegistryWalletClient } from "../src/chain/actions/index.js";
import { readDeployment } from "../src/chain/deployments.js";
import { parseAchievement } from "../src/credential/schema.js";

const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
const fail = (message: string): never => {
  console.error(`error: ${message}`);
  process.exit(1);
};

const out = env("CREDSTACK_OUT") ?? fail("set CREDSTACK_OUT to the batch directory to build (or to resume)");
const connection = await network.create();
try {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const chainId = await publicClient.getChainId();

  let wallet: RegistryWalletClient;
  const key = env("CREDSTACK_PRIVATE_KEY");
  if (key) {
    const account = privateKeyToAccount((key.startsWith("0x") ? key : `0x${key}`) as `0x${string}`);
    wallet = createWalletClient({ account, chain: publicClient.chain, transport: custom(connection.provider) }) as RegistryWalletClient;
  } else {
    const index = Number(env("CREDSTACK_ACCOUNT") ?? 0);
    wallet = ((await viem.getWalletClients())[index] ?? fail(`the network has no account number ${index}; set CREDSTACK_PRIVATE_KEY`)) as RegistryWalletClient;
  }

  let registry = env("CREDSTACK_REGISTRY") as Address | undefined;
  if (!registry) {
    const deployment = await readDeployment().catch(() => null);
    if (!deployment || deployment.chainId !== chainId) fail(`set CREDSTACK_REGISTRY: no local deployment record for chain ${chainId}`);
    registry = deployment!.registry;
  }
  registry = getAddress(registry);

  if (await stat(path.join(out, "manifest.json")).then(() => true, () => false)) {
    const manifest = await readManifest(out);
    console.log(`Batch ${out} exists (root ${manifest.root}, ${manifest.leafCount} credentials): anchoring it.`);
  } else {
    const course = env("CREDSTACK_ACHIEVEMENT");
    const learners = env("CREDSTACK_LEARNERS");
    const credentials = env("CREDSTACK_CREDENTIALS");
    if (!(course && learners) === !credentials) fail("set CREDSTACK_ACHIEVEMENT and CREDSTACK_LEARNERS, or CREDSTACK_CREDENTIALS");
    const layout = (env("CREDSTACK_LAYOUT") ?? "auto") as "auto" | "files" | "shards";
    const manifest = await buildBatchDirectory({
      ...(course ? { achievement: parseAchievement(JSON.parse(await readFile(course, "utf8")), course), learnersCsv: learners } : { credentialsJsonl: credentials }),
      out,
      target: { chainId, registry },
      layout,
    });
    console.log(`Built ${out}: ${manifest.leafCount} credentials, root ${manifest.root}, issuer ${manifest.issuer}.`);
  }

  const result = await anchorBatchDirectory(wallet, publicClient as unknown as RegistryReadClient, out, {
    registry,
    confirmations: Number(env("CREDSTACK_CONFIRMATIONS") ?? 1),
    onProgress: (p) => {
      if (p.phase === "sent") console.log(`Sent ${p.txHash}; waiting for ${p.confirmations} confirmation(s)…`);
    },
  });
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  const verb = { anchored: "Anchored", recovered: "Recovered the anchor (already on chain) of", "already-anchored": "Already anchored:" }[result.outcome];
  console.log(`${verb} ${out} on chain ${chainId}: transaction ${result.anchor.txHash}, block ${result.anchor.blockNumber}.`);
} catch (error) {
  const e = error as { shortMessage?: string; message?: string; details?: string };
  console.error(`error: ${e.shortMessage ?? e.message}`);
  if (e.details) console.error(e.details.replace(/^/gm, "  "));
  if (process.env.CREDSTACK_DEBUG === "1") console.error(error);
  process.exitCode = 1;
} finally {
  await connection.close();
}
