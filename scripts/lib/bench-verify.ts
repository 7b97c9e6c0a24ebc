import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { getBlock } from "viem/actions";
import { hardhat } from "viem/chains";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { readCredentials, readManifest } from "../../src/batch/files.js";
import { accreditIssuer, addOperator, revokeCredentials, signOperatorConsent, type RegistryReadClient, type RegistryWalletClient } from "../../src/chain/actions/index.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { startLocalNode } from "../../src/chain/local-node.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { prepareVerifierWorkers, verifyCredential, verifyCredentials, type VerificationReport } from "../../src/verify/index.js";
import { writeSyntheticLearnersCsv } from "./synthetic.js";

/**
 * The verification benchmark (issue #5): `n` credentials of `batches` anchored batches, verified
 * against a real `hardhat node` on 127.0.0.1 over JSON-RPC:
 *
 * - **bulk**: `verifyCredentials(all)`: one `verificationOf` call per root, batched JSON-RPC, the
 *   offline checks on worker threads; measured cold (the call that starts the workers) and warm;
 * - **one at a time**: `await verifyCredential(each)` in turn (a sample): one call per credential;
 * - **offline**: the same checks without the chain (the CPU floor).
 *
 * Inputs are the credential files' JSON text, as a verifier receives them; parsing is timed.
 */
/** Runs scripts/lib/bench-verify-cold.ts in a child process. */
function coldRun(textsFile: string, url: string, registry: string, mode: "online" | "offline" = "online"): Promise<{ seconds: number; valid: number; invalid: number; error: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/lib/bench-verify-cold.ts", textsFile, url, registry, mode], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`bench-verify-cold exited with ${code}`))));
  });
}

export async function benchVerify(n: number, batches = 4, sample = 1000) {
  const node = await startLocalNode();
  const work = await mkdtemp(path.join(os.tmpdir(), "credstack-bench-verify-"));
  try {
    const deployment = await deployRegistry(node.url, { file: path.join(work, "deployment.json") });
    const { registry, chainId } = deployment;
    const chain = { ...hardhat, id: chainId };
    const key = (i: number): Hex => toHex(mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: i }).getHdKey().privateKey!);
    const wallet = (i: number) => createWalletClient({ account: privateKeyToAccount(key(i)), chain, transport: http(node.url) }) as RegistryWalletClient;
    const setup = createPublicClient({ chain, transport: http(node.url) });
    const now = Number((await getBlock(setup)).timestamp);
    const achievement = parseAchievement(JSON.parse(readFileSync("seeds/courses/smart-contract-security.json", "utf8")));
    // The seed course is awarded by Hardhat account #1.
    await accreditIssuer(wallet(0), { registry, issuer: wallet(1).account.address, profileDigest: issuerProfileDigest({ name: achievement.awardingBody.name, country: achievement.awardingBody.country }), maxEqfLevel: 8, validFrom: now - 60, validUntil: now + 365 * 86_400 });
    await addOperator(wallet(1), { registry, consent: await signOperatorConsent(wallet(2), { registry, chainId, issuer: wallet(1).account.address, deadline: now + 3_600 }) });

    const csv = path.join(work, "learners.csv");
    const perBatch = Math.ceil(n / batches);
    await writeSyntheticLearnersCsv(csv, perBatch);
    const texts: string[] = [];
    for (let b = 0; b < batches; b++) {
      const dir = path.join(work, `batch-${b}`);
      await buildBatchDirectory({ achievement, learnersCsv: csv, out: dir, target: { chainId, registry } });
      await anchorBatchDirectory(wallet(2), setup, dir, { skipCheck: true });
      const manifest = await readManifest(dir);
      for await (const stored of readCredentials(dir, manifest)) if (texts.length < n) texts.push(JSON.stringify(stored.file));
      // A few revocations, so that the status check has bits to find.
      if (b === 0) await revokeCredentials(wallet(1), { registry, root: manifest.root, indices: [0, 1, 2], reason: 11 });
    }

    const tally = (reports: VerificationReport[]) => `${reports.filter((r) => r.status === "VALID").length} VALID, ${reports.filter((r) => r.status === "INVALID").length} INVALID, ${reports.filter((r) => r.status === "ERROR").length} ERROR`;

    // Bulk: one HTTP request per wave of roots (batched JSON-RPC).
    let httpRequests = 0;
    const bulkClient = createPublicClient({ chain, transport: http(node.url, { batch: true, onFetchRequest: () => void httpRequests++ }) }) as RegistryReadClient;
    await verifyCredentials(texts.slice(0, 10), { client: bulkClient, registry }); // warm-up (JIT, chain id)
    // Cold: one call in a fresh process, as `credstack verify` over many files would make it.
    const textsFile = path.join(work, "texts.json");
    await writeFile(textsFile, JSON.stringify(texts));
    const cold = await coldRun(textsFile, node.url, registry);
    const coldSeconds = cold.seconds;
    // Warm: a verifier that runs on (a service), its worker threads started; the batch records are read again (no shared cache).
    await prepareVerifierWorkers();
    await verifyCredentials(texts, { client: bulkClient, registry }); // the workers' code warms up
    httpRequests = 0;
    let t = performance.now();
    const bulk = await verifyCredentials(texts, { client: bulkClient, registry });
    const bulkSeconds = (performance.now() - t) / 1000;

    // One at a time: each credential verified on its own, as a naive verifier would.
    const single = createPublicClient({ chain, transport: http(node.url) }) as RegistryReadClient;
    const some = texts.slice(0, Math.min(sample, texts.length));
    await verifyCredential(some[0]!, { client: single, registry });
    t = performance.now();
    const singles: VerificationReport[] = [];
    for (const text of some) singles.push(await verifyCredential(text, { client: single, registry }));
    const singleSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const offline = await verifyCredentials(texts, { offline: true });
    const offlineSeconds = (performance.now() - t) / 1000;

    return {
      n: texts.length,
      batches,
      seconds: bulkSeconds,
      httpRequests,
      rates: {
        bulk: Math.round(texts.length / bulkSeconds),
        bulkCold: Math.round(texts.length / coldSeconds),
        oneAtATime: Math.round(some.length / singleSeconds),
        offline: Math.round(texts.length / offlineSeconds),
      },
      check: `bulk: ${tally(bulk)}; first call: ${cold.valid} VALID, ${cold.invalid} INVALID, ${cold.error} ERROR; one at a time (${some.length}): ${tally(singles)}; offline: ${tally(offline)}`,
    };
  } finally {
    await node.stop();
    await rm(work, { recursive: true, force: true });
  }
}
