/**
 * One benchmark measurement, run in a child process so that each gets a fresh heap and its own
 * peak RSS: `node --import tsx scripts/lib/bench-peers.ts <task> <n> [csv]` prints one JSON line
 * `{ task, n, seconds, maxRssMiB, check }`. Inputs are prepared before the clock starts.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keccak_256 } from "@noble/hashes/sha3";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { wrapDocuments } from "@govtechsg/open-attestation";
import { MerkleTree } from "merkletreejs";
import { createKeccak } from "hash-wasm";
import { keccak256 as viemKeccak } from "viem";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { buildLayers, proofOf } from "../../src/batch/core.js";
import { keccakReady } from "../../src/credential/keccak.js";
import { parseAchievement } from "../../src/credential/schema.js";

const [task, nArg, csv] = process.argv.slice(2);
const n = Number(nArg);

/** n distinct deterministic 32-byte leaves. */
function leaves(count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const buf = Buffer.alloc(8);
  for (let i = 0; i < count; i++) {
    buf.writeBigUInt64BE(BigInt(i));
    out.push(keccak_256(buf));
  }
  return out;
}

async function measure(run: () => Promise<string> | string, extra: () => Record<string, unknown> = () => ({})): Promise<void> {
  const start = performance.now();
  const check = await run();
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ task, n, seconds, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), check, ...extra() }));
}

/** Bytes of every file under `dir` (what a batch costs on disk). */
async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

switch (task) {
  case "keccak": {
    // hashes/s of each keccak-256 on 64-byte (a tree node) and 320-byte (a leaf preimage) inputs
    const wasm = await createKeccak(256);
    const rates: Record<string, number> = {};
    for (const size of [64, 320]) {
      const data = new Uint8Array(size).fill(7);
      const impls: Record<string, () => void> = {
        "hash-wasm": () => {
          wasm.init();
          wasm.update(data);
          wasm.digest("binary");
        },
        "@noble/hashes": () => keccak_256(data),
        "viem keccak256": () => viemKeccak(data),
      };
      for (const [name, fn] of Object.entries(impls)) {
        for (let i = 0; i < 20_000; i++) fn();
        const start = performance.now();
        for (let i = 0; i < n; i++) fn();
        rates[`${name} @${size}B`] = Math.round(n / ((performance.now() - start) / 1000));
      }
    }
    console.log(JSON.stringify({ task, n, rates }));
    break;
  }
  case "tree:credstack": {
    await keccakReady;
    const input = leaves(n);
    await measure(() => {
      const flat = new Uint8Array(n * 32);
      input.forEach((l, i) => flat.set(l, i * 32));
      const layers = buildLayers(flat);
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += proofOf(layers, i).map(hex).length;
      return `${hex(layers[layers.length - 1]!)} (${bytes} proof nodes)`;
    });
    break;
  }
  case "tree:merkletreejs": {
    const input = leaves(n).map((l) => Buffer.from(l));
    await measure(() => {
      const tree = new MerkleTree(input, (d: Buffer) => Buffer.from(keccak_256(d)), { sortPairs: true });
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += tree.getHexProof(input[i]!, i).length;
      return `${tree.getHexRoot()} (${bytes} proof nodes)`;
    });
    break;
  }
  case "tree:openzeppelin": {
    const input = leaves(n).map((l) => [hex(l)]);
    await measure(() => {
      const tree = StandardMerkleTree.of(input, ["bytes32"]);
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += tree.getProof(i).length;
      return `${tree.root} (${bytes} proof nodes; double-hashed leaves, so a different root)`;
    });
    break;
  }
  case "build:credstack": {
    const achievement = parseAchievement(JSON.parse(readFileSync("seeds/courses/smart-contract-security.json", "utf8")));
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-bench-"));
    try {
      const format = process.env.BENCH_FORMAT === "2" ? 2 : 3;
      let bytes = 0;
      await measure(async () => {
        const m = await buildBatchDirectory({ achievement, learnersCsv: csv!, out: path.join(dir, "batch"), target: { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }, format });
        bytes = await directoryBytes(path.join(dir, "batch"));
        return `${m.root} (v${format}, ${m.shards ? `${m.shards.length} shards` : `${m.files!.length} files`}, ${bytes} bytes)`;
      }, () => ({ bytes, bytesPerCredential: Math.round(bytes / n) }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    break;
  }
  case "sign": {
    const { benchSign } = await import("./bench-sign.js");
    const r = await benchSign(n);
    console.log(JSON.stringify({ task, n, seconds: r.signSeconds + r.verifySeconds, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), check: `${r.verified}/${n} verified`, rates: { sign: r.signaturesPerSecond, verify: r.verificationsPerSecond } }));
    break;
  }
  case "build:openattestation": {
    // OpenAttestation v2 documents carrying the same learner data (their wrap salts every field,
    // hashes the documents, builds the tree and attaches each proof: the closest peer pipeline).
    const rows = readFileSync(csv!, "utf8").trim().split("\n").slice(1, n + 1).map((l) => l.split(","));
    const docs = rows.map(([id, name, wallet, grade, date]) => ({
      $template: { name: "MICROCREDENTIAL", type: "EMBEDDED_RENDERER", url: "https://renderer.example" },
      issuers: [{ name: "Technische Universiteit Example", documentStore: "0x5FbDB2315678afecb367f032d93F642f64180aa3", identityProof: { type: "DNS-TXT", location: "uni.example" } }],
      id: id!,
      name: "Smart Contract Security",
      recipient: { name: name!, wallet: wallet!, studentId: id! },
      grade: grade!,
      issuedOn: date!,
      workloadEcts: 3,
      eqfLevel: 6,
      learningOutcomes: ["Identify reentrancy", "Apply checks-effects-interactions", "Audit access control"],
    }));
    await measure(() => {
      const wrapped = wrapDocuments(docs as never);
      return `${wrapped[0]!.signature.merkleRoot} (${wrapped.length} documents)`;
    });
    break;
  }
  case "wallet": {
    const { benchWallet } = await import("./bench-wallet.js");
    const r = await benchWallet(n);
    console.log(JSON.stringify({ task, n, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), rates: { ...r } }));
    break;
  }
  case "present": {
    const { benchPresent } = await import("./bench-present.js");
    const r = await benchPresent(n);
    console.log(JSON.stringify({ task, n, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), check: `${r.valid}/${2 * n} valid`, rates: { credential: r.credentialsPerSecond, presentation: r.presentationsPerSecond, ratio: r.ratio, created: r.createdPerSecond } }));
    break;
  }
  case "verify": {
    const { benchVerify } = await import("./bench-verify.js");
    const result = await benchVerify(n);
    console.log(JSON.stringify({ task, ...result, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
    break;
  }
  default:
    throw new Error(`unknown task ${task}`);
}
