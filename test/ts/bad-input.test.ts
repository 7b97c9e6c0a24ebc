import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildBatch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { UsageError } from "../../src/cli/output.js";
import { parseAddress, parseDate, parseTime } from "../../src/cli/context.js";
import { buildCredential } from "../../src/credential/credential.js";
import { readIsoDate } from "../../src/credential/dates.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { ValidationError } from "../../src/credential/errors.js";
import { scanJson } from "../../src/credential/json-shape.js";
import { addressProblem } from "../../src/credential/keccak.js";
import {
  MAX_CREDENTIAL_BYTES,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  readCredentialFile,
  verifyCredential,
  verifyCredentials,
  type VerificationReport,
} from "../../src/verify/index.js";
import { course, learners } from "./helpers/fixtures.js";

/**
 * Bad input at the edges of credstack (issue #10): impossible or pre-1970 dates, mistyped or zero
 * addresses, JSON Lines credentials for another chain or outside the formal OB 3.0 schema, and
 * credential files that repeat keys, nest too deep, hold too many values or are too large.
 */

const target = { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const };
const ADA = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"; // checksummed (seed learner S1001)
/** `address` (checksummed) with its first letter's case flipped: the same digits, a wrong EIP-55 checksum. */
const typo = (address: string) => address.replace(/(?<=^0x[0-9]*)[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
const ADA_TYPO = typo(ADA);
const ZERO = "0x0000000000000000000000000000000000000000";

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "credstack-bad-input-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The issues of the ValidationError `run` throws, as `row:field` (and the error, for messages). */
async function issuesOf(run: () => unknown): Promise<{ keys: string[]; error: ValidationError }> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { keys: error.issues.map((i) => `${i.row}:${i.field}`), error };
  }
  expect.fail("should throw a ValidationError");
}

const csvOf = (rows: string[]) => ["id,name,wallet,grade,date", ...rows].join("\n") + "\n";

describe("strict dates (readIsoDate): one reader for CSV dates, JSON Lines and CLI options", () => {
  it("accepts real dates and date-times with an offset, as the same instant Date.parse gives", () => {
    for (const text of ["2026-06-30", "2024-02-29", "2000-02-29", "1970-01-01", "2026-06-30T12:00Z", "2026-06-30T12:00:00+02:00", "2026-06-30 12:00:00.5-05:30", "9999-12-31T23:59:59Z"]) {
      const date = readIsoDate(text);
      expect(date.ok, text).to.equal(true);
      if (date.ok) expect(date.ms, text).to.equal(Date.parse(text.replace(" ", "T")));
    }
    expect(readIsoDate("2026-06-30")).to.deep.include({ iso: "2026-06-30T00:00:00Z", seconds: 1_782_777_600 });
  });

  it("refuses what Date.parse rolls over or reads in local time, saying why", () => {
    const cases: [string, RegExp][] = [
      ["2026-02-30", /2026-02-30 does not exist \(February 2026 has 28 days\)/],
      ["2026-02-29", /February 2026 has 28 days/],
      ["1900-02-29", /February 1900 has 28 days/],
      ["2026-04-31", /April 2026 has 30 days/],
      ["2026-13-01", /month 13 does not exist/],
      ["2026-00-10", /month 00 does not exist/],
      ["2026-01-00", /does not exist/],
      ["2026-01-01T24:00:00Z", /not a time of day/],
      ["2016-12-31T23:59:60Z", /not a time of day/],
      ["2026-01-01T12:60Z", /not a time of day/],
      ["2026-01-01T00:00:00+24:00", /not a time zone offset/],
      ["2026-06-30T12:00", /needs an offset/],
      ["1969-12-31", /before 1970-01-01/],
      ["1970-01-01T00:30:00+01:00", /before 1970-01-01/],
      ["0001-01-01", /before 1970-01-01/],
      ["30 June 2026", /expected an ISO 8601 date/],
      ["2026-6-30", /expected an ISO 8601 date/],
      ["", /expected an ISO 8601 date/],
    ];
    for (const [text, reason] of cases) {
      const date = readIsoDate(text);
      expect(date.ok, text).to.equal(false);
      if (!date.ok) expect(date.reason, text).to.match(reason);
    }
  });
});

describe("learners CSV: dates and wallets", () => {
  it("an impossible date (2026-02-30) is refused naming the row and field, not rolled over to March", async () => {
    const csv = csvOf([`S1,Ada,${ADA},8,2026-02-28`, "S2,Bob,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,7,2026-02-30"]);
    const { keys, error } = await issuesOf(() => parseLearnersCsv(csv));
    expect(keys).to.deep.equal(["2:date"]);
    expect(error.message).to.match(/row 2, date: 2026-02-30 does not exist \(February 2026 has 28 days\)/);
  });

  it("a date before 1970 is a ValidationError naming the row and field, never a bare RangeError", async () => {
    const csv = csvOf([`S1,Ada,${ADA},8,1969-12-31`]);
    expect((await issuesOf(() => parseLearnersCsv(csv))).keys).to.deep.equal(["1:date"]);
  });

  it("a mixed-case wallet with a wrong EIP-55 checksum (a typo) and the zero address are refused; one-case hex is accepted", async () => {
    const lower = ADA.toLowerCase();
    const upper = `0x${ADA.slice(2).toUpperCase()}`;
    const csv = csvOf([`S1,Ada,${ADA_TYPO},8,2026-06-30`, `S2,Bob,${ZERO},7,2026-06-30`, `S3,Cy,${lower},7,2026-06-30`]);
    const { keys, error } = await issuesOf(() => parseLearnersCsv(csv));
    expect(keys).to.deep.equal(["1:wallet", "2:wallet"]);
    expect(error.message).to.include(`wrong EIP-55 checksum`).and.include(ADA);
    expect(error.message).to.include("zero address");
    expect(parseLearnersCsv(csvOf([`S3,Cy,${lower},7,2026-06-30`]))[0]!.wallet).to.equal(ADA);
    expect(parseLearnersCsv(csvOf([`S3,Cy,${upper},7,2026-06-30`]))[0]!.wallet).to.equal(ADA);
  });

  for (const workers of [0, 1]) {
    it(`buildBatchDirectory (${workers ? "on a worker thread" : "inline"}) refuses the same rows with their numbers, and writes nothing`, async function () {
      this.timeout(60_000);
      const csv = path.join(dir, `learners-${workers}.csv`);
      await writeFile(
        csv,
        csvOf([
          `S1,Ada,${ADA},8,2026-06-30`,
          "S2,Bob,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,7,2026-02-30",
          "S3,Cy,0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,7,1969-07-20",
          `S4,Dee,${typo("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")},7,2026-06-30`,
          `S5,Eve,${ZERO},7,2026-06-30`,
        ]),
      );
      const out = path.join(dir, `batch-${workers}`);
      const { keys } = await issuesOf(() => buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, workers }));
      expect(keys.sort()).to.deep.equal(["2:date", "3:date", "4:wallet", "5:wallet"]);
      expect((await readdir(dir)).filter((f) => f.startsWith(`batch-${workers}`) || f.startsWith(`.batch-${workers}`))).to.deep.equal([]);
    });
  }

  it("a course whose awarding body's address has a wrong checksum is refused", async () => {
    const raw = { ...course(), awardingBody: { ...course().awardingBody, address: typo("0x70997970C51812dc3A010C7d01b50e0d17dc79C8") } };
    expect((await issuesOf(() => parseAchievement(raw))).keys).to.deep.equal(["undefined:awardingBody.address"]);
  });
});

describe("batch build --credentials (JSON Lines): chain, addresses, dates and the formal OB 3.0 schema", () => {
  const credentials = () => learners().map((l) => buildCredential(course(), l, target.chainId) as unknown as Record<string, any>);
  const build = async (list: Record<string, any>[], name: string) => {
    const jsonl = path.join(dir, `${name}.jsonl`);
    // A blank line after the first: line numbers, not credential numbers, name the bad ones.
    await writeFile(jsonl, list.map((c, i) => JSON.stringify(c) + (i === 0 ? "\n" : "")).join("\n") + "\n");
    return buildBatchDirectory({ credentialsJsonl: jsonl, out: path.join(dir, name), target });
  };

  it("genuine credentials build", async () => {
    const manifest = await build(credentials(), "jsonl-genuine");
    expect(manifest.leafCount).to.equal(learners().length);
  });

  it("an issuer naming another chain than the batch's is refused with its line (it would fail its own integrity check)", async () => {
    const list = credentials();
    list[2]!.issuer.id = list[2]!.issuer.id.replace(`eip155:${target.chainId}:`, "eip155:1:");
    list[3]!.credentialSubject.id = list[3]!.credentialSubject.id.replace(`eip155:${target.chainId}:`, "eip155:5:");
    const { keys, error } = await issuesOf(() => build(list, "jsonl-chain"));
    expect(keys).to.have.members(["4:issuer.id", "5:credentialSubject.id"]);
    expect(error.message).to.match(/row 4, issuer\.id: names chain 1, the batch is for chain 31337/);
  });

  it("shapes the formal OB 3.0 schema rejects (one object where an array is required) are refused with their line", async () => {
    const list = credentials();
    expect(list[1]!.credentialSubject.result).to.be.an("array");
    list[1]!.credentialSubject.result = list[1]!.credentialSubject.result[0]; // line 3
    list[4]!.credentialSubject.achievement.type = "Achievement"; // line 6
    const { keys, error } = await issuesOf(() => build(list, "jsonl-schema"));
    expect(keys).to.include.members(["3:credentialSubject.result", "6:credentialSubject.achievement.type"]);
    expect(new Set(keys.map((k) => k.split(":")[0]))).to.deep.equal(new Set(["3", "6"]));
    expect(error.message).to.include("Open Badges 3.0 schema");
  });

  it("a holder or issuer address with a wrong checksum, the zero address and a validFrom before 1970 are refused with their line", async () => {
    const list = credentials();
    const holder = list[1]!.credentialSubject.id.split(":")[4];
    list[1]!.credentialSubject.id = list[1]!.credentialSubject.id.replace(holder, typo(holder));
    list[2]!.credentialSubject.id = `did:pkh:eip155:${target.chainId}:${ZERO}`;
    list[3]!.validFrom = "1969-07-20T20:17:40Z";
    const { keys } = await issuesOf(() => build(list, "jsonl-addresses"));
    expect(keys).to.have.members(["3:credentialSubject.id", "4:credentialSubject.id", "5:validFrom"]);
  });
});

describe("CLI options: dates and addresses", () => {
  it("parseDate (issuer accredit --from/--until) refuses impossible and pre-1970 dates with a UsageError naming the option", () => {
    expect(() => parseDate("2026-02-30", "--until")).to.throw(UsageError, /^--until must be an ISO 8601 date.*2026-02-30 does not exist/);
    expect(() => parseDate("1969-12-31", "--from")).to.throw(UsageError, /^--from .*before 1970/);
    expect(() => parseDate("2031-06-30T12:00", "--until")).to.throw(UsageError, /needs an offset/);
    expect(parseDate("2031-06-30", "--until")).to.equal(Date.UTC(2031, 5, 30) / 1000);
  });

  it("parseTime (verify --at) refuses them too, and still takes unix seconds", () => {
    expect(() => parseTime("2026-02-30", "--at")).to.throw(UsageError, /^--at must be an ISO 8601 date.*February 2026 has 28 days/);
    expect(() => parseTime("1969-07-20", "--at")).to.throw(UsageError, /before 1970/);
    expect(parseTime("1782777600", "--at")).to.equal(1_782_777_600);
    expect(parseTime("2026-06-30T02:00:00+02:00", "--at")).to.equal(1_782_777_600);
  });

  it("parseAddress refuses a wrong EIP-55 checksum and the zero address, naming the option; one-case hex is fine", () => {
    expect(() => parseAddress(ADA_TYPO, "--issuer")).to.throw(UsageError, /^--issuer .*wrong EIP-55 checksum/);
    expect(() => parseAddress(ZERO, "--registry")).to.throw(UsageError, /^--registry .*zero address/);
    expect(() => parseAddress("0x1234", "--holder")).to.throw(UsageError, /^--holder/);
    expect(parseAddress(ADA.toLowerCase(), "--issuer")).to.equal(ADA);
    expect(parseAddress(`0x${ADA.slice(2).toUpperCase()}`, "--issuer")).to.equal(ADA);
    expect(addressProblem(ADA)).to.equal(undefined);
  });

  describe("as subprocesses (exit 2, the option named)", function () {
    this.timeout(60_000);
    const CLI = path.resolve("src/cli/credstack.mjs");
    const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const env: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CREDSTACK_")) env[k] = v;
        const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, CREDSTACK_HOME: dir, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });

    it("issuer accredit --until 2026-02-30", async () => {
      const r = await run(["issuer", "accredit", "--issuer", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--name", "Uni", "--country", "NL", "--until", "2026-02-30"]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/^error: --until must be an ISO 8601 date.*2026-02-30 does not exist/m);
    });

    it("verify --at 2026-02-30, and a 5 MiB file reported with its size on disk", async () => {
      const huge = path.join(dir, "huge.json");
      await writeFile(huge, Buffer.alloc(5 * 1024 * 1024, 0x20));
      const bad = await run(["verify", huge, "--offline", "--at", "2026-02-30"]);
      expect(bad.code, bad.stderr).to.equal(2);
      expect(bad.stderr).to.match(/^error: --at must be an ISO 8601 date.*February 2026 has 28 days/m);
      const r = await run(["verify", huge, "--offline", "--json"]);
      expect(r.code, r.stderr).to.equal(1);
      const format = (JSON.parse(r.stdout).reports[0] as VerificationReport).checks[0]!;
      expect(format).to.deep.include({ code: "CS-FORMAT-TOO-LARGE", details: { size: 5 * 1024 * 1024, maxBytes: MAX_CREDENTIAL_BYTES } });
      expect(format.message).to.include(`${5 * 1024 * 1024} bytes`);
    });
  });
});

describe("verifier boundary: the text of a credential file", () => {
  // Pinned to format 2: these mutate the text of a v2 wrapper file (its "credential", "format" and
  // "saltSeed" keys, euMicroCredential, its value and depth counts), proving v2 files keep verifying.
  // The bare v3 VC is held to the same limits below.
  const batch = buildBatch(course(), learners(), target, { format: 2 });
  const genuine = batch.credentials[0]!;
  const genuineText = JSON.stringify(genuine, null, 2);
  const offline = { offline: true } as const;
  const formatOf = async (input: unknown) => (await verifyCredential(input as never, offline)).checks[0]!;
  /** `text` with `insert` placed just after the credential's opening brace. */
  const intoCredential = (text: string, insert: string) => text.replace('"credential": {', `"credential": {${insert}`);

  it("the genuine file is VALID offline (no false positive: equal keys in different objects are fine)", async () => {
    expect((await verifyCredential(genuineText, offline)).status).to.equal("VALID");
    expect(scanJson(genuineText, { maxDepth: MAX_JSON_DEPTH, maxValues: MAX_JSON_VALUES })).to.deep.equal({ depth: 7, values: 75 });
  });

  describe("duplicate keys (JSON.parse keeps the last)", () => {
    it('a second "credential" key is INVALID (CS-FORMAT-DUPLICATE-KEY), though the last one is genuine', async () => {
      const forged = structuredClone(genuine.credential) as Record<string, any>;
      forged.name = "Doctorate in Everything";
      // A reader (or a viewer that keeps the first key) sees the forged credential; JSON.parse keeps the genuine one.
      const text = genuineText.replace('"credential": {', `"credential": ${JSON.stringify(forged)},\n  "credential": {`);
      expect(JSON.parse(text).credential.name).to.equal(genuine.credential.name);
      const report = await verifyCredential(text, offline);
      expect(report.status).to.equal("INVALID");
      expect(report.checks[0]).to.deep.include({ code: "CS-FORMAT-DUPLICATE-KEY", status: "INVALID", details: { pointer: "/credential" } });
      expect(report.checks.slice(1).every((c) => c.code === "CS-SKIPPED-PRECONDITION")).to.equal(true);
    });

    it("at any depth, also when escapes spell the same key", async () => {
      const cases: [string, string][] = [
        [genuineText.replace('"saltSeed":', '"format": "credstack-credential-v2",\n  "saltSeed":'), "/format"],
        [genuineText.replace('"identityType": "name",', '"identityType": "name", "identityType": "name",'), "/credential/credentialSubject/identifier/0/identityType"],
        [genuineText.replace('"workloadEcts": 5,', '"workloadEcts": 5, "workloadEct\\u0073": 50,'), "/credential/credentialSubject/achievement/euMicroCredential/workloadEcts"],
      ];
      for (const [text, pointer] of cases) {
        expect(text, pointer).not.to.equal(genuineText);
        expect(await formatOf(text), pointer).to.deep.include({ code: "CS-FORMAT-DUPLICATE-KEY", details: { pointer } });
      }
    });

    it("keys inside string values, escaped quotes and a key that repeats in sibling objects are not duplicates", () => {
      const limits = { maxDepth: 32, maxValues: 2000 };
      expect(scanJson('{"a":"\\"a\\": 1","b":{"a":1},"c":[{"a":1},{"a":2}],"d":"\\\\"}', limits).duplicateKey).to.equal(undefined);
      expect(scanJson('{"a":1,"b":{"x":1,"a":2},"a\\\\":3}', limits).duplicateKey).to.equal(undefined);
      const many = `{${Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(",")},"k17":0}`;
      expect(scanJson(many, limits).duplicateKey).to.equal("/k17");
    });
  });

  describe("work bounded before hashing: depth and value limits", () => {
    it(`nesting deeper than ${MAX_JSON_DEPTH} is INVALID (CS-FORMAT-TOO-DEEP), also 200,000 deep (once CS-INTERNAL-ERROR)`, async () => {
      const nest = (depth: number) => `"deep": ${"[".repeat(depth)}${"]".repeat(depth)},`;
      for (const depth of [MAX_JSON_DEPTH, 10_000, 200_000]) {
        const report = await verifyCredential(intoCredential(genuineText, nest(depth)), offline);
        expect(report.status, String(depth)).to.equal("INVALID");
        expect(report.checks[0], String(depth)).to.deep.include({ code: "CS-FORMAT-TOO-DEEP", status: "INVALID" });
      }
      // At the limit: 2 levels (file, credential) + the array nesting.
      const atLimit = await verifyCredential(intoCredential(genuineText, nest(MAX_JSON_DEPTH - 2)), offline);
      expect(atLimit.checks[0]!.code).to.equal("CS-FORMAT-VALID");
      expect(atLimit.checks[1]!.code).to.equal("CS-INTEGRITY-DIGEST-MISMATCH"); // an added field
    });

    it(`more than ${MAX_JSON_VALUES} values is INVALID (CS-FORMAT-TOO-MANY-VALUES); a 0.9 MB file of 85k fields costs about what a genuine one does`, async () => {
      const tiny = (n: number) => `"extra": {${Array.from({ length: n }, (_, i) => `"${i.toString(36)}":0`).join(",")}},`;
      const hostile = intoCredential(genuineText, tiny(85_000));
      expect(hostile.length).to.be.within(0.7e6, MAX_CREDENTIAL_BYTES);
      expect(await formatOf(hostile)).to.deep.include({ code: "CS-FORMAT-TOO-MANY-VALUES", status: "INVALID" });
      // Exactly at the limit the format passes (the added field then fails integrity).
      const atLimit = intoCredential(genuineText, tiny(MAX_JSON_VALUES - 75));
      expect(scanJson(atLimit, { maxDepth: MAX_JSON_DEPTH, maxValues: MAX_JSON_VALUES }).values).to.equal(MAX_JSON_VALUES);
      expect((await formatOf(atLimit)).code).to.equal("CS-FORMAT-VALID");
      expect((await formatOf(intoCredential(genuineText, tiny(MAX_JSON_VALUES - 74)))).code).to.equal("CS-FORMAT-TOO-MANY-VALUES");
      // Cost: once 400× or more a genuine file; now the scan stops at the limit. Median of 9 runs each.
      const median = async (input: string) => {
        const times: number[] = [];
        for (let i = 0; i < 9; i++) {
          const t = process.hrtime.bigint();
          await verifyCredentials([input], offline);
          times.push(Number(process.hrtime.bigint() - t));
        }
        return times.sort((a, b) => a - b)[4]!;
      };
      await median(genuineText);
      const ratio = (await median(hostile)) / (await median(genuineText));
      expect(ratio, `hostile / genuine = ${ratio.toFixed(1)}`).to.be.below(20);
    });

    it("an object input is held to the same limits", async () => {
      const deep: Record<string, unknown> = structuredClone(genuine) as never;
      let node: Record<string, unknown> = deep.credential as never;
      for (let i = 0; i < 40; i++) node = (node.next = {}) as never;
      expect((await formatOf(deep)).code).to.equal("CS-FORMAT-TOO-DEEP");
    });
  });

  describe("a v3 credential (a bare VC): the same limits", () => {
    const vc = toVerifiableCredential(buildBatch(course(), learners(), target).credentials[0] as CredentialRecordV3);
    const vcText = JSON.stringify(vc, null, 2);
    /** `text` with `insert` placed just after the credential subject's opening brace. */
    const intoSubject = (text: string, insert: string) => text.replace('"credentialSubject": {', `"credentialSubject": {${insert}`);
    const shape = (text: string) => scanJson(text, { maxDepth: MAX_JSON_DEPTH, maxValues: MAX_JSON_VALUES });

    it("the genuine VC is VALID offline; a repeated key at any depth is CS-FORMAT-DUPLICATE-KEY", async () => {
      expect((await verifyCredential(vcText, offline)).status).to.equal("VALID");
      expect(shape(vcText)).to.deep.equal({ depth: 6, values: 117 });
      const cases: [string, string][] = [
        [vcText.replace('"validFrom":', '"proof": [],\n  "validFrom":'), "/proof"],
        [vcText.replace('"identityType": "name",', '"identityType": "name", "identityTyp\\u0065": "name",'), "/credentialSubject/identifier/0/identityType"],
      ];
      for (const [text, pointer] of cases) {
        expect(text, pointer).not.to.equal(vcText);
        expect(await formatOf(text), pointer).to.deep.include({ code: "CS-FORMAT-DUPLICATE-KEY", details: { pointer } });
      }
    });

    it("depth and value limits: over them CS-FORMAT-TOO-DEEP / CS-FORMAT-TOO-MANY-VALUES; at them the added field fails integrity", async () => {
      const nest = (depth: number) => `"deep": ${"[".repeat(depth)}${"]".repeat(depth)},`;
      // 2 levels (the VC, its subject) + the array nesting.
      expect((await formatOf(intoSubject(vcText, nest(MAX_JSON_DEPTH - 1)))).code).to.equal("CS-FORMAT-TOO-DEEP");
      const deepest = await verifyCredential(intoSubject(vcText, nest(MAX_JSON_DEPTH - 2)), offline);
      expect(deepest.checks.slice(0, 2).map((c) => c.code)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-DIGEST-MISMATCH"]);
      const tiny = (n: number) => `"extra": {${Array.from({ length: n }, (_, i) => `"${i.toString(36)}":0`).join(",")}},`;
      const atLimit = intoSubject(vcText, tiny(MAX_JSON_VALUES - 117));
      expect(shape(atLimit).values).to.equal(MAX_JSON_VALUES);
      const report = await verifyCredential(atLimit, offline);
      expect(report.checks.slice(0, 2).map((c) => c.code)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-DIGEST-MISMATCH"]);
      expect((await formatOf(intoSubject(vcText, tiny(MAX_JSON_VALUES - 116)))).code).to.equal("CS-FORMAT-TOO-MANY-VALUES");
    });
  });

  it("CS-FORMAT-TOO-LARGE gives the file's size on disk, not the bytes read (readCredentialFile)", async () => {
    const file = path.join(dir, "large.json");
    const size = 3 * 1024 * 1024 + 7;
    await writeFile(file, Buffer.alloc(size, 0x20));
    const input = await readCredentialFile(file);
    expect(input.input.byteLength).to.equal(MAX_CREDENTIAL_BYTES + 1);
    expect(input.size).to.equal(size);
    const [report] = await verifyCredentials([input], offline);
    expect(report!.source).to.equal(file);
    expect(report!.checks[0]).to.deep.include({ code: "CS-FORMAT-TOO-LARGE", details: { size, maxBytes: MAX_CREDENTIAL_BYTES } });
    expect(report!.checks[0]!.message).to.equal(`The file is ${size} bytes; a credential file is at most ${MAX_CREDENTIAL_BYTES}.`);
  });
});
