/**
 * `npm run bench`: credstack's builder and Merkle core side by side with the peers the issues name,
 * on the same inputs and machine. Every measurement runs in its own child process (fresh heap, own
 * peak RSS) with a time limit; a peer that does not finish is reported as such.
 *
 *   npm run bench                 # 10k, 100k and 1M (about 10 minutes)
 *   BENCH_SIZES=10000 npm run bench   # a quick run
 *   BENCH_ONLY=verify npm run bench   # one part: keccak, tree, build, sign, present, wallet or verify
 *
 * Results are printed as Markdown tables, with ratios against credstack, and saved to
 * bench-out/results.json. The README's "Benchmarks" section records a run.
 */
import { spawn } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { writeSyntheticLearnersCsv } from "./lib/synthetic.js";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const LIMIT_S = Number(process.env.BENCH_LIMIT_S ?? 180);
const only = process.env.BENCH_ONLY;
const part = (name: string) => !only || only.split(",").includes(name);
const VERIFY_N = Number(process.env.BENCH_VERIFY_N ?? 20_000);
const out = path.resolve("bench-out");

interface Result {
  task: string;
  n: number;
  seconds?: number;
  maxRssMiB?: number;
  check?: string;
  rates?: Record<string, number>;
  dnf?: string;
}

function run(task: string, n: number, csv?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/lib/bench-peers.ts", task, String(n), ...(csv ? [csv] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_S * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop();
      if (code === 0 && line) return resolve(JSON.parse(line));
      const dnf = signal === "SIGKILL" ? `did not finish in ${LIMIT_S} s` : `failed: ${stderr.trim().split("\n").slice(-3).join(" ").slice(0, 200)}`;
      resolve({ task, n, dnf });
    });
  });
}

const fmtS = (r: Result) => (r.dnf ? r.dnf : `${r.seconds!.toFixed(2)} s`);
const fmtRss = (r: Result) => (r.maxRssMiB ? `${r.maxRssMiB} MiB` : "–");
const ratio = (peer: Result, ours: Result) => (peer.seconds && ours.seconds ? `${(peer.seconds / ours.seconds).toFixed(1)}×` : peer.dnf ? `> ${(LIMIT_S / ours.seconds!).toFixed(0)}×` : "–");

const results: Result[] = [];
const say = (line = "") => console.log(line);

await mkdir(out, { recursive: true });
say(`# credstack benchmarks (node ${process.version}, ${new Date().toISOString()})`);

// 1. keccak-256
if (part("keccak")) {
const keccak = await run("keccak", 300_000);
results.push(keccak);
say("\n## keccak-256, hashes/s (one core)\n");
say("| implementation | 64 B | 320 B | vs @noble/hashes |");
say("|---|---:|---:|---:|");
for (const impl of ["hash-wasm", "@noble/hashes", "viem keccak256"]) {
  const a = keccak.rates?.[`${impl} @64B`];
  const b = keccak.rates?.[`${impl} @320B`];
  const base = keccak.rates?.["@noble/hashes @64B"];
  say(`| ${impl} | ${a?.toLocaleString("en")} | ${b?.toLocaleString("en")} | ${a && base ? (a / base).toFixed(1) : "–"}× |`);
}

}

// 2. Merkle tree + every proof, on the same leaves
if (part("tree")) {
say("\n## Merkle tree: build + every proof (hex), same leaves\n");
say("| n | credstack core | merkletreejs | @openzeppelin/merkle-tree |");
say("|---:|---|---|---|");
for (const n of sizes) {
  const ours = await run("tree:credstack", n);
  const mtj = await run("tree:merkletreejs", n);
  const oz = n <= 100_000 ? await run("tree:openzeppelin", n) : { task: "tree:openzeppelin", n, dnf: "not run (162 s + > 5 min for proofs at 1M in ../shared/baselines.md)" };
  results.push(ours, mtj, oz);
  say(`| ${n.toLocaleString("en")} | ${fmtS(ours)}, ${fmtRss(ours)} | ${fmtS(mtj)}, ${fmtRss(mtj)} (${ratio(mtj, ours)}) | ${fmtS(oz)}${oz.seconds ? `, ${fmtRss(oz)} (${ratio(oz, ours)})` : ""} |`);
}

}

// 3. The whole issuer pipeline: CSV → complete batch directory
if (part("build")) {
say("\n## Full batch build: learners CSV → credentials, salted digests, leaves, tree, proofs, files\n");
say("Format v3 (bare VC 2.0 / OB 3.0 + Merkle proof). The merkletreejs column is its tree + every proof on the same number of");
say("leaves, run beside the build: the build's cost as a ratio to it (the issue's target: ≤ 5×, aim 3×).\n");
say("| n | credstack `buildBatchDirectory` | bytes / credential | ÷ merkletreejs tree + proofs | OpenAttestation `wrapDocuments` (in memory, no files) |");
say("|---:|---|---:|---|---|");
for (const n of sizes) {
  const csv = path.join(out, `learners-${n}.csv`);
  if (!(await stat(csv).catch(() => undefined))) await writeSyntheticLearnersCsv(csv, n);
  const ours = (await run("build:credstack", n, csv)) as Result & { bytesPerCredential?: number };
  const peer = await run("tree:merkletreejs", n);
  results.push(peer);
  const oa = n <= 10_000 ? await run("build:openattestation", n, csv) : n <= 100_000 ? await run("build:openattestation", n, csv) : { task: "build:openattestation", n, dnf: "not run (its proof search is quadratic: ~3 k docs/s at 10k, 682–3671 s for 1M by its own figures)" };
  results.push(ours, oa);
  const vsTree = ours.seconds && peer.seconds ? `${(ours.seconds / peer.seconds).toFixed(1)}× (${fmtS(peer)})` : fmtS(peer);
  say(`| ${n.toLocaleString("en")} | ${fmtS(ours)}, ${fmtRss(ours)}${ours.seconds ? ` (${Math.round(n / ours.seconds).toLocaleString("en")}/s)` : ""} | ${ours.bytesPerCredential?.toLocaleString("en") ?? "–"} | ${vsTree} | ${fmtS(oa)}${oa.seconds ? `, ${fmtRss(oa)} (${ratio(oa, ours)})` : ""} |`);
}

const target = results.find((r) => r.task === "build:credstack" && r.n === 1_000_000);
const treePeer = results.find((r) => r.task === "tree:merkletreejs" && r.n === 1_000_000);
if (target?.seconds && treePeer?.seconds) say(`1M build ÷ merkletreejs tree + proofs, same run: ${(target.seconds / treePeer.seconds).toFixed(1)}× (target ≤ 5×)`);
if (target) say(`\n1M target (≤ 60 s, ≤ 1 GiB RSS): ${target.seconds && target.seconds <= 60 && target.maxRssMiB! <= 1024 ? "met" : "NOT met"} — ${fmtS(target)}, ${fmtRss(target)}`);
}

// 4. Issuer signatures (batch extract --sign): eddsa-rdfc-2022 with @digitalbazaar/vc, separate from the build
if (part("sign")) {
  const signN = Number(process.env.BENCH_SIGN_N ?? 200);
  const r = await run("sign", signN);
  results.push(r);
  say("\n## Issuer signatures (`batch extract --sign`, eddsa-rdfc-2022 via @digitalbazaar/vc), one at a time\n");
  say(r.dnf ? `sign: ${r.dnf}` : `| credentials | signatures/s | verifications/s |\n|---:|---:|---:|\n| ${signN} | ${r.rates!.sign!.toFixed(0)} | ${r.rates!.verify!.toFixed(0)} |`);
}

// Presentations (#13): a presentation of one credential vs. that credential alone, one at a time
if (part("present")) {
  const presentN = Number(process.env.BENCH_PRESENT_N ?? 500);
  const r = await run("present", presentN);
  results.push(r);
  say("\n## Presentations vs. credentials, one at a time against a local `hardhat node` (grade hidden)\n");
  if (r.dnf) say(`present: ${r.dnf}`);
  else {
    const x = r.rates!;
    say("| credentials | credential alone /s | its presentation /s | presentation ÷ credential (time) | presentations created /s |");
    say("|---:|---:|---:|---:|---:|");
    say(`| ${presentN} | ${x.credential} | ${x.presentation} | ${x.ratio!.toFixed(2)}× (bound ≤ 1.5×) | ${x.created} |`);
  }
}

// The wallet page (#13): time to interactive in headless Chromium, bundle size
if (part("wallet")) {
  const walletRuns = Number(process.env.BENCH_WALLET_RUNS ?? 10);
  const r = await run("wallet", walletRuns);
  results.push(r);
  say("\n## Wallet page in headless Chromium (Debian chromium, 127.0.0.1), medians of fresh profiles\n");
  if (r.dnf) say(`wallet: ${r.dnf}`);
  else {
    const x = r.rates!;
    say("| runs | interactive, cold | interactive, reload | browser floor (page without script) | cold ÷ floor | wallet script: first, with the SDK |");
    say("|---:|---:|---:|---:|---:|---:|");
    say(`| ${walletRuns} | ${x.coldMs} ms (bound ≤ 1,000 ms) | ${x.warmMs} ms | ${x.floorMs} ms | ${(x.coldMs! / Math.max(1, x.floorMs!)).toFixed(1)}× | ${Math.round(x.walletBytes! / 1024)} KiB, ${Math.round(x.walletTotalBytes! / 1024)} KiB (built in ${x.buildMs} ms) |`);
  }
}

// 5. Verification against a real hardhat node over JSON-RPC
if (part("verify")) {
  const v = (await run("verify", VERIFY_N)) as Result & { batches?: number; httpRequests?: number };
  results.push(v);
  say("\n## Verification against a local `hardhat node` (JSON-RPC on 127.0.0.1), credential JSON text in\n");
  if (v.dnf) say(`verify: ${v.dnf}`);
  else {
    const r = v.rates!;
    say("| mode | credentials/s | vs one at a time |");
    say("|---|---:|---:|");
    say(`| \`verifyCredentials\` in a running verifier: ${v.n.toLocaleString("en")} credentials of ${v.batches} batches, offline checks on this and a worker thread, one \`verificationOf\` per root, ${v.httpRequests} HTTP request(s) | ${r.bulk!.toLocaleString("en")} | ${(r.bulk! / r.oneAtATime!).toFixed(1)}× |`);
    say(`| the same list, one call in a fresh process (${v.n! >= 10_000 ? "this thread works while a worker thread starts" : "inline: too short to pay for starting a thread"}) | ${r.bulkCold!.toLocaleString("en")} | ${(r.bulkCold! / r.oneAtATime!).toFixed(1)}× |`);
    say(`| \`verifyCredential\` one at a time (one call per credential) | ${r.oneAtATime!.toLocaleString("en")} | 1.0× |`);
    say(`| offline checks only (no chain; the CPU floor) | ${r.offline!.toLocaleString("en")} | ${(r.offline! / r.oneAtATime!).toFixed(1)}× |`);
    say(`\n${v.check}; target ≥ 5,000/s: ${r.bulk! >= 5000 ? "met" : "NOT met"} (running verifier), ${r.bulkCold! >= 5000 ? "met" : "NOT met"} (first call)`);
  }
}
await writeFile(path.join(out, "results.json"), JSON.stringify(results, null, 2) + "\n");
say(`\nsaved ${path.join(out, "results.json")}`);
