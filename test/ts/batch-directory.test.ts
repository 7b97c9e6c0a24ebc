import { expect } from "chai";
import fc from "fast-check";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MerkleTree } from "merkletreejs";
import { encodeAbiParameters, getAddress, keccak256, type Hex } from "viem";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { checkBatch, checkCredentialFile, CredentialNotFoundError, extractCredential, loadBatch, readCredentials, readManifest } from "../../src/batch/files.js";
import { CREDENTIAL_FORMAT, CREDENTIAL_FORMAT_V2, CREDENTIAL_FORMAT_V3 } from "../../src/batch/format.js";
import { encodeLeaf, LEAF_ABI, LEAF_ABI_V3, LEAF_TAG, LEAF_TAG_V3, type LeafFields } from "../../src/batch/leaf.js";
import { ValidationError } from "../../src/credential/errors.js";
import { checksumAddress } from "../../src/credential/keccak.js";
import { writeSyntheticLearnersCsv } from "../../scripts/lib/synthetic.js";
import { course, LEARNERS_FILE } from "./helpers/fixtures.js";

const target = { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "credstack-build-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function allCredentials(out: string) {
  const manifest = await readManifest(out);
  const list = [];
  for await (const c of readCredentials(out, manifest)) list.push(c);
  return { manifest, list };
}

describe("buildBatchDirectory (streaming builder)", () => {
  it("builds an ordinary batch from the seed CSV: one file per learner, every proof checked", async () => {
    const out = path.join(dir, "batch");
    const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out, target });
    expect(manifest.files).to.have.length(5);
    expect(manifest.shards).to.equal(undefined);
    const loaded = await loadBatch(out);
    expect(loaded.manifest).to.deep.equal(manifest);
    expect(loaded.credentials.every((c) => c.format === CREDENTIAL_FORMAT)).to.equal(true);
    expect((await readdir(dir)).sort()).to.deep.equal(["batch"]); // no temp directory left behind
  });

  it("writes JSON Lines shards on worker threads; the root is merkletreejs's root of the leaves", async function () {
    this.timeout(60_000);
    const csv = path.join(dir, "learners.csv");
    await writeSyntheticLearnersCsv(csv, 37);
    const out = path.join(dir, "batch");
    const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 8, workers: 2 });
    expect(manifest.shards!.map((s) => [s.first, s.count])).to.deep.equal([[0, 8], [8, 8], [16, 8], [24, 8], [32, 5]]);
    await checkBatch(out);
    const { list } = await allCredentials(out);
    expect(list.map((c) => c.index)).to.deep.equal([...Array(37).keys()]);
    const leaves = list.map((c) => c.file.proof.leaf);
    const theirs = new MerkleTree(leaves, (d: Buffer) => Buffer.from(keccak256(d, "bytes")), { sortPairs: true });
    expect(manifest.root).to.equal(theirs.getHexRoot());
    list.forEach((c, i) => expect(c.file.proof.path, `proof ${i}`).to.deep.equal(theirs.getHexProof(leaves[i]!, i)));
  });

  it("extracts one learner's file from a shard, by learner id, holder or index", async function () {
    this.timeout(60_000);
    const csv = path.join(dir, "learners.csv");
    await writeSyntheticLearnersCsv(csv, 20);
    const out = path.join(dir, "batch");
    await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 8, workers: 0 });
    const byId = await extractCredential(out, { learnerId: "S0000013" });
    expect(byId.leaf.index).to.equal(12);
    expect(checkCredentialFile(byId)).to.deep.equal([]);
    const byHolder = await extractCredential(out, { holder: byId.leaf.holder.toLowerCase() });
    const byIndex = await extractCredential(out, { index: 12 });
    expect(byHolder).to.deep.equal(byId);
    expect(byIndex).to.deep.equal(byId);
    for (const selector of [{ learnerId: "nobody" }, { index: 20 }, { holder: "0x0000000000000000000000000000000000000001" }]) {
      try {
        await extractCredential(out, selector);
        expect.fail("should not find");
      } catch (error) {
        expect(error).to.be.instanceOf(CredentialNotFoundError);
      }
    }
  });

  it("refuses a shard whose line was tampered with, naming the shard and line (v2)", async () => {
    // Pinned to format 2: v2 shard lines are whole credential files (leaf and proof on each line),
    // so the reader names the one line whose digest no longer matches. Proves v2 batches keep checking.
    const csv = path.join(dir, "learners.csv");
    await writeSyntheticLearnersCsv(csv, 10);
    const out = path.join(dir, "batch");
    const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 4, workers: 0, format: 2 });
    expect(manifest.credentialFormat).to.equal(undefined);
    const file = path.join(out, manifest.shards![1]!.file);
    const lines = (await readFile(file, "utf8")).split("\n");
    expect(lines[2]).to.include('"Learner 7"');
    lines[2] = lines[2]!.replace('"Learner 7"', '"Learner 8"');
    await writeFile(file, lines.join("\n"));
    try {
      await checkBatch(out);
      expect.fail("should refuse");
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues[0]).to.deep.include({ field: "shards/000001.jsonl:3", row: 6, message: "credential digest does not match the credential" });
    }
  });

  it("refuses a v3 shard whose line was tampered with, naming the shard's lines", async () => {
    const csv = path.join(dir, "learners.csv");
    await writeSyntheticLearnersCsv(csv, 10);
    const out = path.join(dir, "batch");
    const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 4, workers: 0 });
    expect(manifest.credentialFormat).to.equal(CREDENTIAL_FORMAT_V3);
    const file = path.join(out, manifest.shards![1]!.file);
    const lines = (await readFile(file, "utf8")).split("\n");
    // Learner 7's grade (names are hashed identity objects in v3: change the result instead).
    expect(lines[2]).to.include('"value":"8"');
    lines[2] = lines[2]!.replace('"value":"8"', '"value":"9.5"');
    await writeFile(file, lines.join("\n"));
    try {
      await checkBatch(out);
      expect.fail("should refuse");
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      // v3 lines carry no leaf or proof: the reader recomputes the shard's subtree, whose root is no
      // longer the manifest's, so every line of that shard (and only that shard) is refused.
      expect((error as ValidationError).issues).to.deep.equal(
        [1, 2, 3, 4].map((line) => ({ field: `shards/000001.jsonl:${line}`, row: 3 + line, message: "proof root is not the batch root" })),
      );
    }
  });

  it("fails the whole build on bad rows, listing every bad row and field, and writes nothing", async () => {
    const csv = path.join(dir, "learners.csv");
    await writeFile(
      csv,
      [
        "id,name,wallet,grade,date",
        // Grades on the course's 1–10 scale (v3 refuses others: row 7).
        "S1,Ada,0x1111111111111111111111111111111111111111,8,2026-06-01",
        "S2,Bob,0xnot-an-address,7,2026-06-01",
        "S3,Cy,0x3333333333333333333333333333333333333333,6,2026-13-45",
        "S1,Dee,0x4444444444444444444444444444444444444444,8,2026-06-01",
        "S5,Eve,0x1111111111111111111111111111111111111111,8,2026-06-01",
        "S6,,0x6666666666666666666666666666666666666666,8,2026-06-01",
        "S7,Fay,0x7777777777777777777777777777777777777777,Pass,2026-06-01",
      ].join("\n"),
    );
    const out = path.join(dir, "batch");
    try {
      await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, shardSize: 2 });
      expect.fail("should refuse");
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      const issues = (error as ValidationError).issues.map((i) => `${i.row}:${i.field}`).sort();
      expect(issues).to.deep.equal(["2:wallet", "3:date", "4:id", "5:wallet", "6:name", "7:grade"]);
    }
    expect(await readdir(dir)).to.deep.equal(["learners.csv"]);
  });

  it("names a missing CSV column in the header", async () => {
    const csv = path.join(dir, "learners.csv");
    await writeFile(csv, "id,name,date\nS1,Ada,2026-06-01\n");
    try {
      await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out: path.join(dir, "b"), target });
      expect.fail("should refuse");
    } catch (error) {
      expect((error as ValidationError).issues).to.deep.equal([{ field: "wallet", row: 0, message: "missing column" }]);
    }
  });

  it("builds from JSON Lines of full credentials, and names bad lines", async () => {
    // Pinned to format 2: JSON Lines input takes v2-shaped credentials (with euMicroCredential) and builds v2 batches.
    const first = path.join(dir, "first");
    await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS_FILE, out: first, target, format: 2 });
    const { list } = await allCredentials(first);
    const jsonl = path.join(dir, "credentials.jsonl");
    await writeFile(jsonl, list.map((c) => JSON.stringify(c.file.credential)).join("\n\n") + "\n");
    const out = path.join(dir, "again");
    const manifest = await buildBatchDirectory({ credentialsJsonl: jsonl, out, target });
    expect(manifest.leafCount).to.equal(5);
    expect(manifest.credentialFormat).to.equal(undefined);
    expect(manifest.issuer).to.equal(getAddress(course().awardingBody.address));
    const again = await allCredentials(out);
    expect(again.list.map((c) => c.file.credential)).to.deep.equal(list.map((c) => c.file.credential));
    expect(again.list.every((c) => c.file.format === CREDENTIAL_FORMAT_V2)).to.equal(true);

    const bad = list.map((c) => structuredClone(c.file.credential) as Record<string, any>);
    delete bad[1]!.credentialSubject.achievement.euMicroCredential.qualityAssurance;
    bad[3]!.credentialSubject.id = bad[3]!.credentialSubject.id.replace("eip155:31337", "eip155:1");
    await writeFile(jsonl, bad.map((c) => JSON.stringify(c)).join("\n") + "\n{not json\n");
    try {
      await buildBatchDirectory({ credentialsJsonl: jsonl, out: path.join(dir, "bad"), target });
      expect.fail("should refuse");
    } catch (error) {
      const issues = (error as ValidationError).issues.map((i) => `${i.row}:${i.field}`);
      expect(issues).to.have.members(["2:credentialSubject.achievement.euMicroCredential.qualityAssurance", "4:credentialSubject.id", "6:(line)"]);
    }
  });

  it("an interrupted build leaves nothing that looks like a batch", async function () {
    this.timeout(120_000);
    const csv = path.join(dir, "learners.csv");
    await writeSyntheticLearnersCsv(csv, 20_000);
    const out = path.join(dir, "batch");
    const script = `
      import { readFileSync } from "node:fs";
      import { buildBatchDirectory } from "${path.resolve("src/batch/build-directory.ts")}";
      import { parseAchievement } from "${path.resolve("src/credential/schema.ts")}";
      const achievement = parseAchievement(JSON.parse(readFileSync("${path.resolve("seeds/courses/smart-contract-security.json")}", "utf8")));
      await buildBatchDirectory({ achievement, learnersCsv: "${csv}", out: "${out}", target: ${JSON.stringify(target)}, shardSize: 1024, workers: 1,
        onProgress: (p) => { if (p.done >= 4096) console.log("writing"); } });`;
    const file = path.join(dir, "build.mts");
    await writeFile(file, script);
    const child = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => d.toString().includes("writing") && resolve());
      child.on("exit", (code) => reject(new Error(`the build ended (code ${code}) before it was interrupted`)));
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("exit", resolve));
    const left = await readdir(dir);
    expect(left).to.not.include("batch");
    expect(left.filter((f) => !f.startsWith(".batch.partial-") && !["learners.csv", "build.mts"].includes(f))).to.deep.equal([]);
  });
});

describe("leaf encoding and addresses (fast paths)", () => {
  const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
  const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(`0x${Buffer.from(b).toString("hex")}`));
  it("encodeLeaf equals viem's encodeAbiParameters of the leaf ABI", () => {
    fc.assert(
      fc.property(fc.record({ chainId: fc.integer({ min: 1, max: 2 ** 53 - 1 }), registry: address, index: fc.nat({ max: 2 ** 32 - 1 }), achievementId: hex32, creditsCenti: fc.nat({ max: 2 ** 32 - 1 }), eqfLevel: fc.integer({ min: 1, max: 8 }), awardedAt: fc.nat({ max: 2 ** 40 - 1 }), holder: address, credentialDigest: hex32 }), (f: LeafFields) => {
        const viemEncoding = encodeAbiParameters(LEAF_ABI, [LEAF_TAG, BigInt(f.chainId), f.registry, BigInt(f.index), f.achievementId, f.creditsCenti, f.eqfLevel, f.awardedAt, f.holder, f.credentialDigest]);
        return encodeLeaf(f) === viemEncoding;
      }),
    );
  });
  it("encodeLeaf of a v3 leaf (with its issuer) equals viem's encodeAbiParameters of the v3 leaf ABI", () => {
    fc.assert(
      fc.property(fc.record({ chainId: fc.integer({ min: 1, max: 2 ** 53 - 1 }), registry: address, issuer: address, index: fc.nat({ max: 2 ** 32 - 1 }), achievementId: hex32, creditsCenti: fc.nat({ max: 2 ** 32 - 1 }), eqfLevel: fc.integer({ min: 1, max: 8 }), awardedAt: fc.nat({ max: 2 ** 40 - 1 }), holder: address, credentialDigest: hex32 }), (f: LeafFields & { issuer: Hex }) => {
        const viemEncoding = encodeAbiParameters(LEAF_ABI_V3, [LEAF_TAG_V3, BigInt(f.chainId), f.registry, f.issuer, BigInt(f.index), f.achievementId, f.creditsCenti, f.eqfLevel, f.awardedAt, f.holder, f.credentialDigest]);
        return encodeLeaf(f) === viemEncoding;
      }),
    );
  });
  it("checksumAddress equals viem's getAddress", () => {
    fc.assert(fc.property(address, fc.boolean(), (a, upper) => checksumAddress(upper ? a.toUpperCase().replace("0X", "0x") : a.toLowerCase()) === a));
  });
});
