import { expect } from "chai";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, getAddress, http, toHex, type Address, type Hex, type Transport } from "viem";
import { hardhat } from "viem/chains";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { extractCredential, loadBatch } from "../../src/batch/files.js";
import { CREDENTIAL_FORMAT_V2, CREDENTIAL_FORMAT_V3, type CredentialFile, type CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { merkleProof, readMerkleProof, type MerkleProofData } from "../../src/batch/v3/merkle-proof.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  reinstateCredentials,
  removeOperator,
  signOperatorConsent,
  revokeBatch,
  revokeCredentials,
  suspendCredentials,
  suspendIssuer,
  withdrawIssuer,
  type RegistryReadClient,
  type RegistryWalletClient,
} from "../../src/chain/actions/index.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import { deployRegistry } from "../../src/chain/deploy.js";
import { freePort, startLocalNode, type LocalNode } from "../../src/chain/local-node.js";
import { canonicalJson } from "../../src/credential/disclosure.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { scanJson } from "../../src/credential/json-shape.js";
import { parseAchievement, type Achievement } from "../../src/credential/schema.js";
import {
  CHECK_IDS,
  MAX_CREDENTIAL_BYTES,
  createVerificationCache,
  readCredentialInput,
  verifyCredential,
  verifyCredentials,
  type CheckId,
  type VerificationCode,
  type VerificationReport,
  type VerifyOptions,
} from "../../src/verify/index.js";
import { learners, rawCourse, devAccount } from "./helpers/fixtures.js";

/**
 * The verifier SDK (verifyCredential, verifyCredentials) against a real `hardhat node` child
 * process: a genuine credential passes all seven checks; every single-field mutation, bad input
 * and chain situation (revoked, suspended, withdrawn accreditation, other chain or registry, RPC
 * down …) gets its own code; random mutations never verify; a batch costs one registry read per
 * root.
 */

/** Who plays which role (dev account indices). Operator keys are single-use per registry. */
const ROLE = {
  accreditor: 0,
  issuerA: 1, // the seed course's awarding body (smart-contract-security)
  operatorA: 2,
  operatorA2: 3, // anchors one batch, then is removed
  issuerB: 8, // the seed course data-protection-by-design's awarding body
  operatorB: 11,
  issuerW: 12, // accreditation withdrawn between two anchors
  operatorW: 13,
  issuerS: 14, // accreditation suspended retroactively
  operatorS: 15,
  issuerE: 16, // accredited below the course's EQF level
  operatorE: 17,
  operatorA2ndRegistry: 18,
  issuerP: 19, // accredited under one name, issues under another
  operatorP: 9,
} as const;

const DPBD_COURSE = path.resolve("seeds/courses/data-protection-by-design.json");
/** A batch built by credstack v1 (credstack-credential-v1 files), frozen: chain 31337, the first registry deployed on a fresh node. */
const V1_FIXTURE = path.resolve("test/fixtures/batches/v1-smart-contract-security");
const DPBD_LEARNERS = path.resolve("seeds/learners/data-protection-by-design.csv");

/** The seed course awarded by `issuer` (and optionally other changes). */
function courseOf(issuer: Address, patch: Record<string, unknown> = {}, raw = rawCourse()): Achievement {
  return parseAchievement({ ...raw, ...patch, awardingBody: { ...(raw.awardingBody as object), address: issuer } });
}

const CHAIN_CHECKS: CheckId[] = ["anchored", "accredited", "status"];
const ALL_VALID: VerificationCode[] = [
  "CS-FORMAT-VALID",
  "CS-INTEGRITY-VALID",
  "CS-INCLUSION-VALID",
  "CS-ANCHOR-VALID",
  "CS-ACCREDITATION-VALID",
  "CS-STATUS-VALID",
  "CS-VALIDITY-VALID",
];

const codes = (r: VerificationReport) => r.checks.map((c) => c.code);
const codeOf = (r: VerificationReport, id: CheckId) => r.checks.find((c) => c.id === id)!.code;
const statusOf = (r: VerificationReport, id: CheckId) => r.checks.find((c) => c.id === id)!.status;
const show = (r: VerificationReport) => JSON.stringify(r.checks.map((c) => `${c.id}:${c.code}`));

/** Every report has the seven checks, in order. */
function expectShape(r: VerificationReport) {
  expect(r.checks.map((c) => c.id), show(r)).to.deep.equal([...CHECK_IDS]);
}

/** INVALID, with exactly `expected` for the named checks and every check after `lastRun` skipped as a precondition. */
function expectRejected(r: VerificationReport, expected: Partial<Record<CheckId, VerificationCode>>, what = "") {
  expectShape(r);
  expect(r.status, `${what} ${show(r)}`).to.equal("INVALID");
  for (const [id, code] of Object.entries(expected)) expect(codeOf(r, id as CheckId), `${what} ${id} ${show(r)}`).to.equal(code);
}

// ---------------------------------------------------------------- JSON pointers

const unescape = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");
const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const tokens = (pointer: string) => (pointer === "" ? [] : pointer.slice(1).split("/").map(unescape));

/** Every node of a JSON document with its pointer ("" = the root), containers included. */
function nodes(value: unknown, pointer = ""): { pointer: string; value: unknown }[] {
  const out = [{ pointer, value }];
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push(...nodes(v, `${pointer}/${escape(k)}`));
  }
  return out;
}

/** The scalar leaves of a JSON document (strings, numbers, booleans, null). */
const scalars = (value: unknown, pointer = "") => nodes(value, pointer).filter((n) => n.value === null || typeof n.value !== "object");

type Json = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, pointer: string): { parent: Json; key: string } {
  const t = tokens(pointer);
  let parent = doc as Json;
  for (const k of t.slice(0, -1)) parent = (parent as Record<string, unknown>)[k] as Json;
  return { parent, key: t[t.length - 1]! };
}

/** A deep copy of `doc` with the value at `pointer` replaced (the root, when pointer is ""). */
function replaced(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === "") return value;
  const copy = structuredClone(doc);
  const { parent, key } = parentOf(copy, pointer);
  (parent as Record<string, unknown>)[key] = value;
  return copy;
}

/** A deep copy of `doc` without the node at `pointer` (array elements are spliced out). */
function removed(doc: unknown, pointer: string): unknown {
  const copy = structuredClone(doc);
  const { parent, key } = parentOf(copy, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, unknown>)[key];
  return copy;
}

const valueAt = (doc: unknown, pointer: string): unknown => tokens(pointer).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], doc);

/** The same type, another value: a string gets an "x", a number +1, a boolean flips. */
function bumped(value: unknown): unknown {
  if (typeof value === "string") return `${value}x`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  throw new Error(`no scalar: ${JSON.stringify(value)}`);
}

/** A 0x-hex string with its last hex digit changed (same length, same case, still hex). */
const flipHex = (hex: string): Hex => `${hex.slice(0, -1)}${(parseInt(hex.slice(-1), 16) ^ 1).toString(16)}` as Hex;

/**
 * What a credential file means, for comparing a mutation with the original: canonical JSON, with
 * the hex strings outside the credential (salt seed, leaf, proof) lowercased, since the verifier
 * reads hex case-insensitively there (a hex digit's case is not a change of value).
 */
function meaning(value: unknown): string | undefined {
  const lower = (v: unknown): unknown =>
    typeof v === "string" && /^0x[0-9a-fA-F]*$/.test(v) ? v.toLowerCase() : Array.isArray(v) ? v.map(lower) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lower(x)])) : v;
  try {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return canonicalJson(value);
    const { credential, ...envelope } = value as Record<string, unknown>;
    return canonicalJson({ ...(lower(envelope) as object), ...(credential !== undefined ? { credential } : {}) });
  } catch {
    return undefined;
  }
}

const exactly = (value: unknown): string | undefined => {
  try {
    return canonicalJson(value);
  } catch {
    return undefined;
  }
};

/** A viem client whose transport counts the JSON-RPC methods it sends (batched into HTTP requests). */
function countingClient(url: string) {
  const calls: string[] = [];
  const base = http(url, { batch: true });
  const transport = ((options: Parameters<typeof base>[0]) => {
    const inner = base(options);
    return {
      ...inner,
      request: (async (args: { method: string }, opts?: unknown) => {
        calls.push(args.method);
        return inner.request(args as never, opts as never);
      }) as typeof inner.request,
    };
  }) as unknown as Transport;
  const client = createPublicClient({ transport });
  return { client, calls, count: (method: string) => calls.filter((m) => m === method).length, reset: () => void calls.splice(0) };
}

describe("verifier SDK (verifyCredential, verifyCredentials) against a real hardhat node", function () {
  this.timeout(600_000);

  let node: LocalNode;
  let tmp: string;
  let chainId: number;
  let registry: Address;
  let registry2: Address;
  let client: RegistryReadClient;
  let wallet: (role: number) => RegistryWalletClient;
  /** Verification options trusting registry 1 through the node. */
  let online: VerifyOptions;

  /** The genuine credential everything is mutated from: index 0 of the main batch (never revoked; format v3, the SDK's record). */
  let genuine: CredentialFile;
  let genuineText: string;
  let mainDir: string;
  /** Index 0 of a format-2 batch (a v2 wrapper file), anchored like the main one: what the v2 regression tests mutate. */
  let genuineV2: CredentialFile;
  let genuineV2Text: string;
  /** More credentials of the main batch: 1 gets revoked, 2 suspended and reinstated. */
  let main: CredentialFile[];
  /** Batches built in memory, by situation. */
  const batches: Record<string, Batch> = {};
  const anchoredAt: Record<string, number> = {};

  /** Moves the node's clock forward and mines a block. */
  const advance = async (seconds: number) => {
    await client.request({ method: "evm_increaseTime", params: [seconds] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
  };

  /** Builds a batch in memory for `target` (default registry 1 of this node). */
  const build = (achievement: Achievement, people = learners(), target: { chainId: number; registry: Address } = { chainId, registry }) =>
    buildBatch(achievement, people, target);

  /** Anchors a batch with an operator key; records its anchoring time under `name`. */
  const anchor = async (name: string, batch: Batch, operator: number, options: { registry?: Address; leafCount?: number } = {}) => {
    batches[name] = batch;
    const result = await anchorBatch(wallet(operator), {
      registry: options.registry ?? registry,
      root: batch.manifest.root,
      leafCount: options.leafCount ?? batch.manifest.leafCount,
      manifestDigest: manifestDigest(batch.manifest),
    });
    anchoredAt[name] = result.anchoredAt;
    return result;
  };

  const credentialOf = (name: string, index = 0) => structuredClone(batches[name]!.credentials[index]!);

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "credstack-verify-"));
    node = await startLocalNode();
    const first = await deployRegistry(node.url, { file: path.join(tmp, "deployment.json") });
    const second = await deployRegistry(node.url, { file: path.join(tmp, "deployment-2.json") });
    chainId = first.chainId;
    registry = first.registry;
    registry2 = second.registry;
    expect(registry2).not.to.equal(registry);
    const chain = { ...hardhat, id: chainId, rpcUrls: { default: { http: [node.url] } } };
    client = createPublicClient({ chain, transport: http(node.url, { batch: true }) }) as RegistryReadClient;
    const wallets = new Map<number, RegistryWalletClient>();
    wallet = (role) => {
      if (!wallets.has(role)) wallets.set(role, createWalletClient({ account: devAccount(role), chain, transport: http(node.url) }) as RegistryWalletClient);
      return wallets.get(role)!;
    };
    online = { client, registry };
    const addr = (role: number) => devAccount(role).address;

    // Accreditation (registry 1): every issuer, with its operator keys.
    const now = Number((await client.request({ method: "eth_getBlockByNumber", params: ["latest", false] } as never) as { timestamp: Hex }).timestamp);
    // The profile each issuer's credentials claim (the seed courses' awarding bodies).
    const profileOf = (issuer: number) => {
      const body = (issuer === ROLE.issuerB ? JSON.parse(readFileSync(DPBD_COURSE, "utf8")) : rawCourse()).awardingBody as { name: string; country: string };
      return issuerProfileDigest({ name: body.name, country: body.country });
    };
    const accredit = async (issuer: number, operators: number[], maxEqfLevel = 8, on = registry, profileDigest = profileOf(issuer)) => {
      await accreditIssuer(wallet(ROLE.accreditor), {
        registry: on,
        issuer: addr(issuer),
        profileDigest,
        maxEqfLevel,
        validFrom: now - 3600,
        validUntil: now + 365 * 86_400,
      });
      for (const op of operators) {
        // v2: the operator key consents (EIP-712) to operate for the issuer.
        const consent = await signOperatorConsent(devAccount(op), { registry: on, chainId, issuer: addr(issuer), deadline: now + 86_400 });
        await addOperator(wallet(issuer), { registry: on, consent });
      }
    };
    await accredit(ROLE.issuerA, [ROLE.operatorA, ROLE.operatorA2]);
    await accredit(ROLE.issuerB, [ROLE.operatorB]);
    await accredit(ROLE.issuerW, [ROLE.operatorW]);
    await accredit(ROLE.issuerS, [ROLE.operatorS]);
    await accredit(ROLE.issuerE, [ROLE.operatorE], 5); // the seed course is EQF 6
    await accredit(ROLE.issuerA, [ROLE.operatorA2ndRegistry], 8, registry2);
    await accredit(ROLE.issuerP, [ROLE.operatorP], 8, registry, issuerProfileDigest({ name: "Hogeschool Klein (synthetic)", country: "NL" }));

    // The main batch: a batch directory, as an issuer builds and anchors it.
    mainDir = path.join(tmp, "main");
    await buildBatchDirectory({ achievement: courseOf(addr(ROLE.issuerA)), learnersCsv: path.resolve("seeds/learners/smart-contract-security.csv"), out: mainDir, target: { chainId, registry } });
    const { anchor: mainAnchor } = await anchorBatchDirectory(wallet(ROLE.operatorA), client, mainDir);
    anchoredAt.main = mainAnchor.anchoredAt;
    genuine = await extractCredential(mainDir, { index: 0 });
    expect(genuine.format).to.equal(CREDENTIAL_FORMAT_V3);
    genuineText = JSON.stringify(genuine, null, 2);
    main = [];
    for (let i = 0; i < 5; i++) main.push(await extractCredential(mainDir, { index: i }));
    // The same, pinned to format 2 (v2 wrapper files keep verifying forever).
    const mainV2Dir = path.join(tmp, "main-v2");
    await buildBatchDirectory({ achievement: courseOf(addr(ROLE.issuerA)), learnersCsv: path.resolve("seeds/learners/smart-contract-security.csv"), out: mainV2Dir, target: { chainId, registry }, format: 2 });
    await anchorBatchDirectory(wallet(ROLE.operatorA), client, mainV2Dir);
    genuineV2 = await extractCredential(mainV2Dir, { index: 0 });
    expect(genuineV2.format).to.equal(CREDENTIAL_FORMAT_V2);
    genuineV2Text = JSON.stringify(genuineV2, null, 2);

    const courseA = courseOf(addr(ROLE.issuerA));
    await anchor("revokedBatch", build(courseA), ROLE.operatorA);
    await anchor("issuerRevokedBatch", build(courseA), ROLE.operatorA);
    await anchor("issuerRevokes", build(courseA), ROLE.operatorA);
    batches.unanchored = build(courseA);
    batches.otherChain = build(courseOf(addr(ROLE.issuerA)), learners(), { chainId: 1, registry });
    batches.noCode = build(courseA, learners(), { chainId, registry: getAddress("0x000000000000000000000000000000000000dEaD") });
    await anchor("registry2", build(courseA, learners(), { chainId, registry: registry2 }), ROLE.operatorA2ndRegistry, { registry: registry2 });
    await anchor("outOfRange", build(courseA), ROLE.operatorA, { leafCount: 2 });
    // The data-protection course (issuer B) anchored by issuer A's operator: the root names the wrong issuer.
    const dpbd = parseAchievement(JSON.parse(readFileSync(DPBD_COURSE, "utf8")));
    const dpbdLearners = parseLearnersCsv(readFileSync(DPBD_LEARNERS, "utf8"));
    await anchor("issuerMismatch", build(dpbd, dpbdLearners.slice(0, 3)), ROLE.operatorA);
    await anchor("dp1", build(dpbd, dpbdLearners), ROLE.operatorB);
    await anchor("dp2", build(dpbd, dpbdLearners), ROLE.operatorB);
    await anchor("eqf", build(courseOf(addr(ROLE.issuerE))), ROLE.operatorE);
    // Issuer P, accredited as a small college, issues under a famous name.
    const famous = { ...(rawCourse().awardingBody as object), name: "Universiteit van Amsterdam (synthetic)", address: addr(ROLE.issuerP) };
    await anchor("borrowedName", build(courseOf(addr(ROLE.issuerP), { awardingBody: famous })), ROLE.operatorP);
    // An operator key anchors, then its issuer removes it.
    await anchor("removedOperator", build(courseA), ROLE.operatorA2);
    await removeOperator(wallet(ROLE.issuerA), { registry, key: addr(ROLE.operatorA2) });

    // Issuer W anchors "beforeWithdrawal", then "afterWithdrawal"; its accreditation is then
    // withdrawn with effect between the two anchors.
    const courseW = courseOf(addr(ROLE.issuerW));
    await advance(100);
    await anchor("beforeWithdrawal", build(courseW), ROLE.operatorW);
    await advance(100);
    await anchor("afterWithdrawal", build(courseW), ROLE.operatorW);
    expect(anchoredAt.afterWithdrawal! - anchoredAt.beforeWithdrawal!).to.be.greaterThanOrEqual(100);
    await withdrawIssuer(wallet(ROLE.accreditor), { registry, issuer: addr(ROLE.issuerW), effectiveFrom: anchoredAt.beforeWithdrawal! + 50 });

    // Issuer S anchors, then its accreditation is suspended with effect before the anchor.
    await anchor("suspendedIssuer", build(courseOf(addr(ROLE.issuerS))), ROLE.operatorS);
    await suspendIssuer(wallet(ROLE.accreditor), { registry, issuer: addr(ROLE.issuerS), effectiveFrom: anchoredAt.suspendedIssuer! - 50 });
  });

  after(async () => {
    await node?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  describe("a genuine credential", () => {
    it("is VALID online, with all seven checks VALID and their codes", async () => {
      const report = await verifyCredential(genuine, online);
      expect(report.status, show(report)).to.equal("VALID");
      expect(report.offline).to.equal(false);
      expect(report.checks.map((c) => c.id)).to.deep.equal([...CHECK_IDS]);
      expect(report.checks.every((c) => c.status === "VALID")).to.equal(true);
      expect(codes(report)).to.deep.equal(ALL_VALID);
      expect(report.credential).to.include({ chainId, registry, root: genuine.proof.root, index: 0, holder: genuine.leaf.holder });
    });

    it("is VALID as JSON text, as bytes, and with a source name", async () => {
      for (const input of [genuineText, new TextEncoder().encode(genuineText), { source: "ada.json", input: genuineText }]) {
        const report = await verifyCredential(input, online);
        expect(codes(report)).to.deep.equal(ALL_VALID);
      }
      expect((await verifyCredential({ source: "ada.json", input: genuine }, online)).source).to.equal("ada.json");
      // What the learner holds: the bare VC (as an object and as text); and the v2 wrapper file.
      const vc = toVerifiableCredential(genuine as CredentialRecordV3);
      for (const input of [vc, JSON.stringify(vc, null, 2), genuineV2, genuineV2Text]) expect(codes(await verifyCredential(input, online))).to.deep.equal(ALL_VALID);
    });

    it("is VALID offline, with the three chain checks SKIPPED (CS-SKIPPED-OFFLINE)", async () => {
      const report = await verifyCredential(genuineText, { offline: true });
      expect(report.status).to.equal("VALID");
      expect(report.offline).to.equal(true);
      expectShape(report);
      for (const c of report.checks) {
        if (CHAIN_CHECKS.includes(c.id)) expect(c).to.include({ status: "SKIPPED", code: "CS-SKIPPED-OFFLINE" });
        else expect(c.status, c.code).to.equal("VALID");
      }
    });

    it("is VALID when read from disk with readCredentialInput", async () => {
      const file = path.join(tmp, "genuine.json");
      await writeFile(file, genuineText);
      const report = await verifyCredential({ source: file, input: await readCredentialInput(file) }, online);
      expect(codes(report)).to.deep.equal(ALL_VALID);
    });

    it("an invalid verification time is the caller's error (RangeError), never a verdict", async () => {
      for (const at of [new Date("not a date"), Number.NaN, Number.POSITIVE_INFINITY]) {
        let error: unknown;
        await verifyCredential(genuine, { offline: true, at }).catch((e: unknown) => (error = e));
        expect(error, String(at)).to.be.instanceOf(RangeError);
      }
    });

    it("without a chain client or registry, the chain checks are ERROR (CS-CONFIG-NO-REGISTRY)", async () => {
      for (const options of [{}, { client }, { registry }, { client, registry: "0x1234" as Address }]) {
        const report = await verifyCredential(genuine, options);
        expect(report.status, show(report)).to.equal("ERROR");
        for (const id of CHAIN_CHECKS) expect(codeOf(report, id)).to.equal("CS-CONFIG-NO-REGISTRY");
      }
    });
  });

  describe("the frozen v1 fixture batch", () => {
    it("re-anchored on the v2 registry (same deterministic address), every credential-v1 file is VALID", async () => {
      const fixture = await loadBatch(V1_FIXTURE);
      // Its credentials name chain 31337 and the address of the deployer's first contract (nonce 0):
      // the first registry this suite deploys on its fresh node.
      expect(fixture.manifest.chainId).to.equal(chainId);
      expect(getAddress(fixture.manifest.registry)).to.equal(getAddress(registry));
      expect(getAddress(fixture.manifest.issuer)).to.equal(devAccount(ROLE.issuerA).address);
      expect(fixture.credentials).to.have.length(5);
      for (const c of fixture.credentials) expect(c.format).to.equal("credstack-credential-v1");
      const before = await verifyCredentials(fixture.credentials, online);
      for (const report of before) expectRejected(report, { integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-NOT-FOUND" });
      await anchor("v1Fixture", fixture, ROLE.operatorA);
      const reports = await verifyCredentials(
        fixture.credentials.map((c, k) => ({ source: `${V1_FIXTURE}/credentials/00000${k}.json`, input: readFileSync(path.join(V1_FIXTURE, fixture.manifest.files![k]!), "utf8") })),
        online,
      );
      for (const report of reports) expect(codes(report), report.source).to.deep.equal(ALL_VALID);
    });
  });

  describe("every single-field mutation of a credential file is rejected with its code", () => {
    // Pinned to format 2: these mutate a v2 wrapper file (its /credential pointers, euMicroCredential,
    // saltSeed, leaf fields and format tag): the regression suite proving v2 files keep verifying.
    let genuine: CredentialFile;
    before(() => {
      genuine = genuineV2;
    });
    /**
     * The credential's fields whose mutation (an "x" appended, +1, a flipped boolean) breaks its
     * shape: rejected by the format check. Every other field's mutation keeps the shape and is
     * caught by the digest.
     */
    const FORMAT_REJECTS: Record<string, VerificationCode> = {
      "/credential/@context/0": "CS-FORMAT-OB3-SCHEMA",
      "/credential/@context/1": "CS-FORMAT-OB3-SCHEMA",
      "/credential/type/0": "CS-FORMAT-EU-ELEMENTS",
      "/credential/type/1": "CS-FORMAT-EU-ELEMENTS",
      "/credential/issuer/id": "CS-FORMAT-EU-ELEMENTS",
      "/credential/issuer/type/0": "CS-FORMAT-EU-ELEMENTS",
      "/credential/issuer/address/type/0": "CS-FORMAT-OB3-SCHEMA",
      "/credential/issuer/address/addressCountryCode": "CS-FORMAT-EU-ELEMENTS",
      "/credential/validFrom": "CS-FORMAT-EU-ELEMENTS",
      "/credential/validUntil": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/id": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/type/0": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/identifier/0/type": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/identifier/0/identityType": "CS-FORMAT-OB3-SCHEMA",
      "/credential/credentialSubject/identifier/1/type": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/achievement/type/0": "CS-FORMAT-OB3-SCHEMA",
      "/credential/credentialSubject/achievement/achievementType": "CS-FORMAT-OB3-SCHEMA",
      "/credential/credentialSubject/achievement/creator/type/0": "CS-FORMAT-OB3-SCHEMA",
      "/credential/credentialSubject/achievement/creator/address/type/0": "CS-FORMAT-OB3-SCHEMA",
      "/credential/credentialSubject/achievement/euMicroCredential/type": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/achievement/euMicroCredential/qfEheaCycle": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/achievement/euMicroCredential/participationForm": "CS-FORMAT-EU-ELEMENTS",
      "/credential/credentialSubject/result/0/type/0": "CS-FORMAT-OB3-SCHEMA",
    };

    it("each scalar of the credential: CS-INTEGRITY-DIGEST-MISMATCH, or a CS-FORMAT-* code when the shape breaks", async () => {
      const fields = scalars(genuine.credential, "/credential");
      expect(fields.length).to.be.greaterThan(50);
      for (const pointer of Object.keys(FORMAT_REJECTS)) expect(fields.map((f) => f.pointer), pointer).to.include(pointer);
      let digest = 0;
      for (const { pointer, value } of fields) {
        const mutated = replaced(genuine, pointer, bumped(value));
        // Online: the chain checks are never reached.
        const report = await verifyCredential(mutated, online);
        const format = FORMAT_REJECTS[pointer];
        if (format) {
          expectRejected(report, { format }, pointer);
          expect(report.checks.slice(1).every((c) => c.code === "CS-SKIPPED-PRECONDITION"), `${pointer} ${show(report)}`).to.equal(true);
        } else {
          digest++;
          expectRejected(report, { format: "CS-FORMAT-VALID", integrity: "CS-INTEGRITY-DIGEST-MISMATCH", inclusion: "CS-INCLUSION-VALID" }, pointer);
          for (const id of [...CHAIN_CHECKS, "validity" as const]) expect(codeOf(report, id), `${pointer} ${id}`).to.equal("CS-SKIPPED-PRECONDITION");
        }
        // Offline: the same verdict.
        const offline = await verifyCredential(mutated, { offline: true });
        expect(offline.status, pointer).to.equal("INVALID");
        expect(codes(offline).slice(0, 3), pointer).to.deep.equal(codes(report).slice(0, 3));
      }
      expect(digest).to.be.greaterThan(30);
    });

    /** The envelope: each field mutated within its type, and the codes of integrity and inclusion. */
    const ENVELOPE: [pointer: string, mutate: (v: never) => unknown, integrity: VerificationCode, inclusion: VerificationCode][] = [
      ["/saltSeed", flipHex, "CS-INTEGRITY-DIGEST-MISMATCH", "CS-INCLUSION-VALID"],
      ["/leaf/chainId", (v: number) => v + 1, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/registry", flipHex, "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/registry", () => "0x000000000000000000000000000000000000dEaD", "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/index", (v: number) => v + 1, "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-INDEX-MISMATCH"],
      ["/leaf/achievementId", flipHex, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/creditsCenti", (v: number) => v + 1, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/eqfLevel", (v: number) => v + 1, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/awardedAt", (v: number) => v + 1, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/holder", () => devAccount(19).address, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/holder", flipHex, "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      ["/leaf/credentialDigest", flipHex, "CS-INTEGRITY-DIGEST-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"],
      // The inclusion check hashes the leaf fields itself, so a wrong proof.leaf fails integrity only.
      ["/proof/leaf", flipHex, "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-VALID"],
      ["/proof/index", (v: number) => v + 1, "CS-INTEGRITY-VALID", "CS-INCLUSION-INDEX-MISMATCH"],
      ["/proof/root", flipHex, "CS-INTEGRITY-VALID", "CS-INCLUSION-ROOT-MISMATCH"],
    ];

    for (const [pointer, mutate, integrity, inclusion] of ENVELOPE) {
      it(`${pointer} → ${integrity === "CS-INTEGRITY-VALID" ? inclusion : integrity}`, async () => {
        const mutated = replaced(genuine, pointer, mutate(valueAt(genuine, pointer) as never));
        expect(exactly(mutated)).not.to.equal(exactly(genuine));
        const report = await verifyCredential(mutated, online);
        expectRejected(report, { format: "CS-FORMAT-VALID", integrity, inclusion }, pointer);
        for (const id of [...CHAIN_CHECKS, "validity" as const]) expect(codeOf(report, id), id).to.equal("CS-SKIPPED-PRECONDITION");
      });
    }

    it("each element of the proof path → CS-INCLUSION-ROOT-MISMATCH", async () => {
      expect(genuine.proof.path.length).to.be.greaterThan(1);
      for (let i = 0; i < genuine.proof.path.length; i++) {
        const report = await verifyCredential(replaced(genuine, `/proof/path/${i}`, flipHex(genuine.proof.path[i]!)), online);
        expectRejected(report, { format: "CS-FORMAT-VALID", integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-ROOT-MISMATCH", anchored: "CS-SKIPPED-PRECONDITION" }, `path ${i}`);
      }
    });

    it("the format tag: another version's digest scheme → CS-INTEGRITY-DIGEST-MISMATCH; an unknown tag → CS-FORMAT-UNKNOWN-VERSION", async () => {
      expect(genuine.format).to.equal("credstack-credential-v2");
      const downgraded = await verifyCredential({ ...genuine, format: "credstack-credential-v1" }, online);
      expectRejected(downgraded, { format: "CS-FORMAT-VALID", integrity: "CS-INTEGRITY-DIGEST-MISMATCH" });
      const unknown = await verifyCredential({ ...genuine, format: "credstack-credential-v2x" }, online);
      expectRejected(unknown, { format: "CS-FORMAT-UNKNOWN-VERSION" });
    });

    it("every scalar of the whole file, mutated within its type, is INVALID, rejected offline", async () => {
      for (const { pointer, value } of scalars(genuine)) {
        const report = await verifyCredential(replaced(genuine, pointer, bumped(value)), online);
        expectShape(report);
        expect(report.status, `${pointer} ${show(report)}`).to.equal("INVALID");
        const failed = report.checks.filter((c) => c.status === "INVALID").map((c) => c.id);
        expect(failed.every((id) => id === "format" || id === "integrity" || id === "inclusion"), `${pointer} ${show(report)}`).to.equal(true);
      }
    });
  });

  describe("each situation has its own code", () => {
    it("a proof from another batch: the whole proof → CS-INTEGRITY-LEAF-MISMATCH; its path and root → CS-INCLUSION-ROOT-MISMATCH", async () => {
      const other = credentialOf("revokedBatch");
      expect(other.proof.root).not.to.equal(genuine.proof.root);
      const whole = await verifyCredential({ ...structuredClone(genuine), proof: other.proof }, online);
      expectRejected(whole, { integrity: "CS-INTEGRITY-LEAF-MISMATCH", inclusion: "CS-INCLUSION-ROOT-MISMATCH", anchored: "CS-SKIPPED-PRECONDITION" });
      const pathAndRoot = await verifyCredential({ ...structuredClone(genuine), proof: { ...genuine.proof, path: other.proof.path, root: other.proof.root } }, online);
      expectRejected(pathAndRoot, { integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-ROOT-MISMATCH", anchored: "CS-SKIPPED-PRECONDITION" });
    });

    it("a genuine credential of another chain → CS-ANCHOR-WRONG-CHAIN (valid offline)", async () => {
      const credential = credentialOf("otherChain");
      expect(credential.leaf.chainId).to.equal(1);
      expect((await verifyCredential(credential, { offline: true })).status).to.equal("VALID");
      const report = await verifyCredential(credential, online);
      expectRejected(report, { integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-WRONG-CHAIN", accredited: "CS-SKIPPED-PRECONDITION", status: "CS-SKIPPED-PRECONDITION", validity: "CS-VALIDITY-VALID" });
    });

    it("a genuine credential of another registry → CS-ANCHOR-WRONG-REGISTRY (VALID where that registry is trusted)", async () => {
      const credential = credentialOf("registry2");
      const report = await verifyCredential(credential, online);
      expectRejected(report, { inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-WRONG-REGISTRY", accredited: "CS-SKIPPED-PRECONDITION", status: "CS-SKIPPED-PRECONDITION" });
      expect(codes(await verifyCredential(credential, { client, registry: registry2 }))).to.deep.equal(ALL_VALID);
      // And the other way round: a credential of registry 1 is not looked up on registry 2.
      expect(codeOf(await verifyCredential(genuine, { client, registry: registry2 }), "anchored")).to.equal("CS-ANCHOR-WRONG-REGISTRY");
    });

    it("a well-formed credential whose root was never anchored → CS-ANCHOR-NOT-FOUND", async () => {
      const report = await verifyCredential(credentialOf("unanchored"), online);
      expectRejected(report, { integrity: "CS-INTEGRITY-VALID", inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-NOT-FOUND", accredited: "CS-SKIPPED-PRECONDITION", status: "CS-SKIPPED-PRECONDITION" });
    });

    it("a root anchored only by another issuer than the credential's → CS-ANCHOR-NOT-FOUND (v2: batches are keyed by issuer and root)", async () => {
      // Issuer B's credentials, anchored by issuer A's operator: the registry holds (A, root), never (B, root).
      // CS-ANCHOR-ISSUER-MISMATCH (v1, batches keyed by root alone) cannot arise any more.
      const credential = credentialOf("issuerMismatch");
      const report = await verifyCredential(credential, online);
      expectRejected(report, { inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-NOT-FOUND", accredited: "CS-SKIPPED-PRECONDITION", status: "CS-SKIPPED-PRECONDITION" });
      expect(report.checks.find((c) => c.id === "anchored")!.details).to.deep.equal({ root: credential.proof.root, issuer: devAccount(ROLE.issuerB).address });
    });

    it("an index beyond the anchored leaf count → CS-ANCHOR-INDEX-OUT-OF-RANGE (lower indices VALID)", async () => {
      expect(codes(await verifyCredential(credentialOf("outOfRange", 1), online))).to.deep.equal(ALL_VALID);
      const report = await verifyCredential(credentialOf("outOfRange", 4), online);
      expectRejected(report, { inclusion: "CS-INCLUSION-VALID", anchored: "CS-ANCHOR-INDEX-OUT-OF-RANGE" });
    });

    it("revoked by an operator key → CS-STATUS-REVOCATION-PENDING (the rest of the batch stays VALID)", async () => {
      const credential = main[1]!;
      expect(codes(await verifyCredential(credential, online))).to.deep.equal(ALL_VALID);
      await revokeCredentials(wallet(ROLE.operatorA), { registry, root: credential.proof.root, indices: [1], reason: 2 });
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-REVOCATION-PENDING", validity: "CS-VALIDITY-VALID" });
      expect(report.checks.find((c) => c.id === "status")!.details).to.include({ index: 1, by: devAccount(ROLE.operatorA).address, byIssuerAccount: false, final: false });
      expect(codes(await verifyCredential(main[3]!, online))).to.deep.equal(ALL_VALID);
    });

    it("revoked by the issuer's own account → CS-STATUS-REVOKED at once (the rest of the batch stays VALID)", async () => {
      const credential = credentialOf("issuerRevokes", 1);
      expect(codes(await verifyCredential(credential, online))).to.deep.equal(ALL_VALID);
      await revokeCredentials(wallet(ROLE.issuerA), { registry, root: credential.proof.root, indices: [1], reason: 2 });
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-REVOKED", validity: "CS-VALIDITY-VALID" });
      expect(report.checks.find((c) => c.id === "status")!.details).to.include({ index: 1, final: true });
      expect(codes(await verifyCredential(credentialOf("issuerRevokes", 0), online))).to.deep.equal(ALL_VALID);
    });

    it("suspended → CS-STATUS-SUSPENDED, reinstated → VALID", async () => {
      const credential = main[2]!;
      await suspendCredentials(wallet(ROLE.operatorA), { registry, root: credential.proof.root, indices: [2] });
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-SUSPENDED", validity: "CS-VALIDITY-VALID" });
      await reinstateCredentials(wallet(ROLE.operatorA), { registry, root: credential.proof.root, indices: [2] });
      expect(codes(await verifyCredential(credential, online))).to.deep.equal(ALL_VALID);
    });

    it("a whole batch revoked by an operator key → CS-STATUS-BATCH-REVOCATION-PENDING for each of its credentials", async () => {
      const batch = batches.revokedBatch!;
      expect(codes(await verifyCredential(credentialOf("revokedBatch"), online))).to.deep.equal(ALL_VALID);
      await revokeBatch(wallet(ROLE.operatorA), { registry, root: batch.manifest.root, reason: 1 });
      const reports = await verifyCredentials(batch.credentials, online);
      expect(reports).to.have.length(batch.credentials.length);
      for (const report of reports) {
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-BATCH-REVOCATION-PENDING" });
        expect(report.checks.find((c) => c.id === "status")!.details).to.include({ reason: 1, by: devAccount(ROLE.operatorA).address, final: false });
      }
    });

    it("a whole batch revoked by the issuer's own account → CS-STATUS-BATCH-REVOKED for each of its credentials", async () => {
      const batch = batches.issuerRevokedBatch!;
      expect(codes(await verifyCredential(credentialOf("issuerRevokedBatch"), online))).to.deep.equal(ALL_VALID);
      await revokeBatch(wallet(ROLE.issuerA), { registry, root: batch.manifest.root, reason: 1 });
      const reports = await verifyCredentials(batch.credentials, online);
      expect(reports).to.have.length(batch.credentials.length);
      for (const report of reports) {
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-BATCH-REVOKED" });
        expect(report.checks.find((c) => c.id === "status")!.details).to.include({ reason: 1, by: devAccount(ROLE.issuerA).address, byIssuerAccount: true, final: true });
      }
    });

    it("expired: at validUntil or later → CS-VALIDITY-EXPIRED; a second before → VALID", async () => {
      const until = Date.parse(genuine.credential.validUntil as string) / 1000;
      expect(until).to.be.greaterThan(anchoredAt.main!);
      for (const at of [until, until + 1, new Date((until + 86_400) * 1000)]) {
        const report = await verifyCredential(genuine, { ...online, at });
        expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-VALID", status: "CS-STATUS-VALID", validity: "CS-VALIDITY-EXPIRED" });
      }
      expect(codes(await verifyCredential(genuine, { ...online, at: until - 1 }))).to.deep.equal(ALL_VALID);
      const offline = await verifyCredential(genuine, { offline: true, at: until });
      expect(offline.status).to.equal("INVALID");
      expect(codeOf(offline, "validity")).to.equal("CS-VALIDITY-EXPIRED");
    });

    it("not yet valid: before validFrom → CS-VALIDITY-NOT-YET-VALID (and the anchor is after that time)", async () => {
      const from = Date.parse(genuine.credential.validFrom as string) / 1000;
      const report = await verifyCredential(genuine, { ...online, at: from - 1 });
      expectRejected(report, { validity: "CS-VALIDITY-NOT-YET-VALID", anchored: "CS-ANCHOR-AFTER-VERIFICATION-TIME" });
      const offline = await verifyCredential(genuine, { offline: true, at: from - 1 });
      expectRejected(offline, { validity: "CS-VALIDITY-NOT-YET-VALID", anchored: "CS-SKIPPED-OFFLINE" });
      expect(codeOf(await verifyCredential(genuine, { offline: true, at: from }), "validity")).to.equal("CS-VALIDITY-VALID");
    });

    it("accreditation withdrawn with effect before the anchor → CS-ACCREDITATION-WITHDRAWN", async () => {
      const report = await verifyCredential(credentialOf("afterWithdrawal"), online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-WITHDRAWN", status: "CS-STATUS-VALID", validity: "CS-VALIDITY-VALID" });
    });

    it("accreditation withdrawn with effect after the anchor → still VALID", async () => {
      expect(codes(await verifyCredential(credentialOf("beforeWithdrawal"), online))).to.deep.equal(ALL_VALID);
    });

    it("accreditation suspended retroactively, before the anchor → CS-ACCREDITATION-SUSPENDED", async () => {
      const report = await verifyCredential(credentialOf("suspendedIssuer"), online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-SUSPENDED", status: "CS-STATUS-VALID" });
    });

    it("an issuer presenting itself under a name its accreditor did not record → CS-ACCREDITATION-PROFILE-MISMATCH", async () => {
      const report = await verifyCredential(credentialOf("borrowedName"), online);
      expectRejected(report, { integrity: "CS-INTEGRITY-VALID", anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-PROFILE-MISMATCH", status: "CS-STATUS-VALID" });
      expect(report.checks.find((c) => c.id === "accredited")!.message).to.contain('"Universiteit van Amsterdam (synthetic)" (NL)');
    });

    it("an EQF level above the accreditation's maximum → CS-ACCREDITATION-EQF-EXCEEDED", async () => {
      const credential = credentialOf("eqf");
      expect(credential.leaf.eqfLevel).to.equal(6);
      const report = await verifyCredential(credential, online);
      expectRejected(report, { anchored: "CS-ANCHOR-VALID", accredited: "CS-ACCREDITATION-EQF-EXCEEDED", status: "CS-STATUS-VALID" });
    });

    it("a credential anchored by an operator key that was removed since stays VALID", async () => {
      const reports = await verifyCredentials(batches.removedOperator!.credentials, online);
      for (const report of reports) expect(codes(report)).to.deep.equal(ALL_VALID);
    });
  });

  describe("the chain cannot be read", () => {
    it("a node of another chain than the trusted one → ERROR (CS-RPC-WRONG-CHAIN), not INVALID; the report names its trust anchor", async () => {
      const report = await verifyCredential(genuine, { ...online, chainId: 999 });
      expect(report.status, show(report)).to.equal("ERROR");
      expect(report.checks.filter((c) => c.code === "CS-RPC-WRONG-CHAIN").map((c) => c.id)).to.deep.equal(["anchored", "accredited", "status"]);
      expect(report.trusted).to.deep.equal({ registry: getAddress(registry), chainId: 999 });
      const right = await verifyCredential(genuine, { ...online, chainId: 31337 });
      expect(right.status).to.equal("VALID");
      expect(right.trusted).to.deep.equal({ registry: getAddress(registry), chainId: 31337 });
      expect((await verifyCredential(genuine, { offline: true })).trusted).to.equal(undefined);
    });

    it("an RPC URL where nothing listens → ERROR (not INVALID), chain checks CS-RPC-UNREACHABLE, offline checks VALID", async () => {
      const down = createPublicClient({ transport: http(`http://127.0.0.1:${await freePort()}`, { retryCount: 1 }) });
      const report = await verifyCredential(genuine, { client: down, registry });
      expect(report.status, show(report)).to.equal("ERROR");
      expect(report.offline).to.equal(false);
      for (const c of report.checks) {
        if (CHAIN_CHECKS.includes(c.id)) expect(c).to.include({ status: "ERROR", code: "CS-RPC-UNREACHABLE" });
        else expect(c.status, c.code).to.equal("VALID");
      }
      // A credential that fails offline is INVALID whether or not the node answers: a record (v3) or
      // a v2 file holds its digest, which the altered credential no longer gives.
      for (const file of [genuine, genuineV2]) {
        const tampered = await verifyCredential(replaced(file, "/credential/name", "Forged"), { client: down, registry });
        expectRejected(tampered, { integrity: "CS-INTEGRITY-DIGEST-MISMATCH", anchored: "CS-SKIPPED-PRECONDITION" }, file.format);
      }
      // A bare v3 VC carries no digest: the one its document and the proof's salts give makes
      // another leaf than the proof's (CS-INTEGRITY-LEAF-MISMATCH).
      const vc = toVerifiableCredential(genuine as CredentialRecordV3);
      const tamperedVc = await verifyCredential({ ...vc, name: "Forged" }, { client: down, registry });
      expectRejected(tamperedVc, { integrity: "CS-INTEGRITY-LEAF-MISMATCH", anchored: "CS-SKIPPED-PRECONDITION" });
      // Many credentials: each one ERROR, none thrown.
      const reports = await verifyCredentials(main, { client: down, registry });
      expect(reports.map((r) => r.status)).to.deep.equal(main.map(() => "ERROR"));
    });

    it("a trusted registry address with no code → ERROR, CS-REGISTRY-NOT-DEPLOYED", async () => {
      const credential = credentialOf("noCode");
      const report = await verifyCredential(credential, { client, registry: credential.leaf.registry });
      expect(report.status, show(report)).to.equal("ERROR");
      for (const id of CHAIN_CHECKS) expect(codeOf(report, id)).to.equal("CS-REGISTRY-NOT-DEPLOYED");
      for (const id of ["format", "integrity", "inclusion", "validity"] as const) expect(statusOf(report, id)).to.equal("VALID");
    });
  });

  describe("bad input never crashes the verifier", () => {
    // Pinned to format 2: most of these break a v2 wrapper file (format tag, leaf, saltSeed,
    // euMicroCredential). Bad v3 credentials (bare VCs, records) are in the last test here.
    let genuine: CredentialFile;
    let genuineText: string;
    const badInputs: [what: string, input: unknown, code: VerificationCode][] = [];
    before(() => {
      genuine = genuineV2;
      genuineText = genuineV2Text;
      const file = () => structuredClone(genuine) as unknown as Record<string, unknown>;
      badInputs.push(
        ["malformed JSON text", "{ not json", "CS-FORMAT-MALFORMED-JSON"],
        ["empty text", "", "CS-FORMAT-MALFORMED-JSON"],
        ["JSON text cut in half", genuineText.slice(0, genuineText.length >> 1), "CS-FORMAT-MALFORMED-JSON"],
        ["JSON text missing its last byte", genuineText.slice(0, -1), "CS-FORMAT-MALFORMED-JSON"],
        ["bytes that are not UTF-8 JSON", new Uint8Array([0xff, 0xfe, 0x7b, 0x00]), "CS-FORMAT-MALFORMED-JSON"],
        ["a top-level array", [genuine], "CS-FORMAT-STRUCTURE"],
        ["a top-level array (text)", "[1, 2, 3]", "CS-FORMAT-STRUCTURE"],
        ["a number", 42, "CS-FORMAT-STRUCTURE"],
        ["a number (text)", "42", "CS-FORMAT-STRUCTURE"],
        ["null", null, "CS-FORMAT-STRUCTURE"],
        ["null (text)", "null", "CS-FORMAT-STRUCTURE"],
        ["undefined", undefined, "CS-FORMAT-STRUCTURE"],
        ["a JSON string", '"hello"', "CS-FORMAT-STRUCTURE"],
        ["a boolean", true, "CS-FORMAT-STRUCTURE"],
        ["an empty object", {}, "CS-FORMAT-UNKNOWN-VERSION"],
        ["no format tag", removed(file(), "/format"), "CS-FORMAT-UNKNOWN-VERSION"],
        ["an unknown format tag", { ...file(), format: "credstack-credential-v9" }, "CS-FORMAT-UNKNOWN-VERSION"],
        ["a numeric format tag", { ...file(), format: 2 }, "CS-FORMAT-UNKNOWN-VERSION"],
        ["leaf.index as a string", replaced(file(), "/leaf/index", "0"), "CS-FORMAT-STRUCTURE"],
        ["leaf.index as a bigint", replaced(file(), "/leaf/index", 0n), "CS-FORMAT-STRUCTURE"],
        ["leaf.index negative", replaced(file(), "/leaf/index", -1), "CS-FORMAT-STRUCTURE"],
        ["leaf.index fractional", replaced(file(), "/leaf/index", 0.5), "CS-FORMAT-STRUCTURE"],
        ["leaf.chainId NaN", replaced(file(), "/leaf/chainId", Number.NaN), "CS-FORMAT-STRUCTURE"],
        ["leaf.eqfLevel 9", replaced(file(), "/leaf/eqfLevel", 9), "CS-FORMAT-STRUCTURE"],
        ["leaf.holder not an address", replaced(file(), "/leaf/holder", "0x1234"), "CS-FORMAT-STRUCTURE"],
        ["leaf null", replaced(file(), "/leaf", null), "CS-FORMAT-STRUCTURE"],
        ["an extra leaf field", replaced(file(), "/leaf/extra", 1), "CS-FORMAT-STRUCTURE"],
        ["an extra top-level field", { ...file(), extra: true }, "CS-FORMAT-STRUCTURE"],
        ["proof.path not an array", replaced(file(), "/proof/path", genuine.proof.path[0]), "CS-FORMAT-STRUCTURE"],
        ["proof.path with a short hash", replaced(file(), "/proof/path/0", "0x1234"), "CS-FORMAT-STRUCTURE"],
        ["proof.path of 65 hashes", replaced(file(), "/proof/path", Array.from({ length: 65 }, () => genuine.proof.root)), "CS-FORMAT-STRUCTURE"],
        ["proof missing", removed(file(), "/proof"), "CS-FORMAT-STRUCTURE"],
        ["saltSeed too short", replaced(file(), "/saltSeed", "0x00"), "CS-FORMAT-STRUCTURE"],
        ["credential null", replaced(file(), "/credential", null), "CS-FORMAT-STRUCTURE"],
        ["credential an array", replaced(file(), "/credential", []), "CS-FORMAT-STRUCTURE"],
        ["credential a string", replaced(file(), "/credential", "vc"), "CS-FORMAT-STRUCTURE"],
        ["credential empty", replaced(file(), "/credential", {}), "CS-FORMAT-EU-ELEMENTS"],
        ["no workloadEcts", removed(file(), "/credential/credentialSubject/achievement/euMicroCredential/workloadEcts"), "CS-FORMAT-EU-ELEMENTS"],
        ["no eqfLevel", removed(file(), "/credential/credentialSubject/achievement/euMicroCredential/eqfLevel"), "CS-FORMAT-EU-ELEMENTS"],
        ["no learning outcomes", removed(file(), "/credential/credentialSubject/achievement/euMicroCredential/learningOutcomes"), "CS-FORMAT-EU-ELEMENTS"],
        ["no qualityAssurance", removed(file(), "/credential/credentialSubject/achievement/euMicroCredential/qualityAssurance"), "CS-FORMAT-EU-ELEMENTS"],
        ["no EU elements at all", removed(file(), "/credential/credentialSubject/achievement/euMicroCredential"), "CS-FORMAT-EU-ELEMENTS"],
        ["no issuer", removed(file(), "/credential/issuer"), "CS-FORMAT-EU-ELEMENTS"],
        ["no validFrom", removed(file(), "/credential/validFrom"), "CS-FORMAT-EU-ELEMENTS"],
        ["no holder", removed(file(), "/credential/credentialSubject/id"), "CS-FORMAT-EU-ELEMENTS"],
        ["workloadEcts as a string", replaced(file(), "/credential/credentialSubject/achievement/euMicroCredential/workloadEcts", "5"), "CS-FORMAT-EU-ELEMENTS"],
        ["a text over 1 MiB (a genuine credential padded with spaces)", genuineText + " ".repeat(MAX_CREDENTIAL_BYTES), "CS-FORMAT-TOO-LARGE"],
        ["bytes over 1 MiB", new Uint8Array(MAX_CREDENTIAL_BYTES + 1).fill(0x20), "CS-FORMAT-TOO-LARGE"],
        ["a truncated proof (its last hash dropped)", replaced(file(), "/proof/path", genuine.proof.path.slice(0, -1)), "CS-INCLUSION-ROOT-MISMATCH"],
        ["an empty proof path", replaced(file(), "/proof/path", []), "CS-INCLUSION-ROOT-MISMATCH"],
        ["a proof path with a hash added", replaced(file(), "/proof/path", [...genuine.proof.path, genuine.proof.root]), "CS-INCLUSION-ROOT-MISMATCH"],
      );
    });

    it("each bad input → INVALID with its code, online and offline, and nothing thrown", async () => {
      expect(badInputs.length).to.be.greaterThan(40);
      for (const [what, input, code] of badInputs) {
        for (const options of [online, { offline: true }]) {
          const report = await verifyCredential(input as never, options);
          expectShape(report);
          expect(report.status, `${what}: ${show(report)}`).to.equal("INVALID");
          const failing = report.checks.find((c) => c.status === "INVALID")!;
          expect(failing.code, `${what}: ${show(report)}`).to.equal(code);
          expect(failing.message, what).to.be.a("string").and.not.be.empty;
        }
      }
    });

    it("bad v3 credentials (bare VCs and records) → INVALID with their codes, online and offline, nothing thrown", async () => {
      const record = () => structuredClone(main[0]!) as unknown as Record<string, any>;
      expect(record().format).to.equal(CREDENTIAL_FORMAT_V3);
      const vc = () => structuredClone(toVerifiableCredential(main[0] as CredentialRecordV3)) as Record<string, any>;
      const edit = <T,>(value: T, change: (v: T) => void): T => (change(value), value);
      const cases: [what: string, input: unknown, code: VerificationCode][] = [
        ["proof an object, not an array", edit(vc(), (v) => (v.proof = v.proof[0])), "CS-FORMAT-MERKLE-PROOF"],
        ["no proof", removed(vc(), "/proof"), "CS-FORMAT-MERKLE-PROOF"],
        ["an empty proof array", replaced(vc(), "/proof", []), "CS-FORMAT-MERKLE-PROOF"],
        ["two Merkle proofs", edit(vc(), (v) => (v.proof = [v.proof[0], v.proof[0]])), "CS-FORMAT-MERKLE-PROOF"],
        ["a property the cryptosuite does not define", replaced(vc(), "/proof/0/created", "2026-06-30T00:00:00Z"), "CS-FORMAT-MERKLE-PROOF"],
        ["another proofPurpose", replaced(vc(), "/proof/0/proofPurpose", "authentication"), "CS-FORMAT-MERKLE-PROOF"],
        ["a verificationMethod that is no issuer account", replaced(vc(), "/proof/0/verificationMethod", "did:web:example.org#key-1"), "CS-FORMAT-MERKLE-PROOF"],
        ["a verificationMethod on another chain than the proof's", edit(vc(), (v) => (v.proof[0].verificationMethod = v.proof[0].verificationMethod.replace(`eip155:${chainId}:`, "eip155:1:"))), "CS-FORMAT-MERKLE-PROOF"],
        ["a proofValue that is not multibase base64url", edit(vc(), (v) => (v.proof[0].proofValue = `z${v.proof[0].proofValue.slice(1)}`)), "CS-FORMAT-MERKLE-PROOF"],
        ["a truncated proofValue", edit(vc(), (v) => (v.proof[0].proofValue = v.proof[0].proofValue.slice(0, 100))), "CS-FORMAT-MERKLE-PROOF"],
        // The issuer account named by the proof is not the credential's did:pkh issuer.
        ["a verificationMethod naming another issuer", edit(vc(), (v) => (v.proof[0].verificationMethod = v.proof[0].verificationMethod.replace(/0x[0-9a-fA-F]{40}/, devAccount(ROLE.issuerB).address))), "CS-INTEGRITY-FACTS-MISMATCH"],
        ["no EQF level alignment", edit(vc(), (v) => v.credentialSubject.achievement.alignment.splice(0, 1)), "CS-FORMAT-EU-ELEMENTS"],
        ["no creditsAvailable", removed(vc(), "/credentialSubject/achievement/creditsAvailable"), "CS-FORMAT-EU-ELEMENTS"],
        ["no @context (and no format tag)", removed(vc(), "/@context"), "CS-FORMAT-UNKNOWN-VERSION"],
        ["a bare VC with a record's format tag", { ...vc(), format: CREDENTIAL_FORMAT_V3 }, "CS-FORMAT-STRUCTURE"],
        ["a record with a v2 saltSeed", { ...record(), saltSeed: `0x${"00".repeat(32)}` }, "CS-FORMAT-STRUCTURE"],
        ["a record whose leaf has no issuer", removed(record(), "/leaf/issuer"), "CS-FORMAT-STRUCTURE"],
        ["a record with salts that are not whole 16-byte salts", replaced(record(), "/salts", "0x00"), "CS-FORMAT-STRUCTURE"],
        ["a record with one salt dropped", edit(record(), (r) => (r.salts = r.salts.slice(0, -32))), "CS-INTEGRITY-DIGEST-MISMATCH"],
        // A record is held to its own leaf, as a v2 file (not recomputed from the credential).
        ["a record whose leaf names another holder", replaced(record(), "/leaf/holder", devAccount(ROLE.issuerB).address), "CS-INTEGRITY-FACTS-MISMATCH"],
        ["a record whose leaf has another digest", replaced(record(), "/leaf/credentialDigest", `0x${"11".repeat(32)}`), "CS-INTEGRITY-DIGEST-MISMATCH"],
        ["a record whose leaf has another index", replaced(record(), "/leaf/index", 3), "CS-INTEGRITY-LEAF-MISMATCH"],
      ];
      for (const [what, input, code] of cases) {
        expect(exactly(input), what).not.to.equal(exactly(main[0]));
        for (const options of [online, { offline: true }]) {
          const report = await verifyCredential(input as never, options);
          expectShape(report);
          expect(report.status, `${what}: ${show(report)}`).to.equal("INVALID");
          const failing = report.checks.find((c) => c.status === "INVALID")!;
          expect(failing.code, `${what}: ${show(report)}`).to.equal(code);
          expect(failing.message, what).to.be.a("string").and.not.be.empty;
        }
      }
    });

    it("verifyCredentials takes them all at once, one report each, in order", async () => {
      const reports = await verifyCredentials([genuine, ...badInputs.map(([, input]) => input), genuineText] as never[], online);
      expect(reports).to.have.length(badInputs.length + 2);
      expect(reports[0]!.status).to.equal("VALID");
      expect(reports[reports.length - 1]!.status).to.equal("VALID");
      badInputs.forEach(([what, , code], k) => expect(reports[k + 1]!.checks.find((c) => c.status === "INVALID")?.code, what).to.equal(code));
    });

    it("maxBytes lowers the size limit", async () => {
      const report = await verifyCredential(genuineText, { offline: true, maxBytes: 1000 });
      expectRejected(report, { format: "CS-FORMAT-TOO-LARGE" });
      expect(report.checks.slice(1).every((c) => c.code === "CS-SKIPPED-PRECONDITION")).to.equal(true);
    });

    it("a number literal beyond double range (Infinity once parsed) → CS-FORMAT-STRUCTURE, even where a digest would skip it", async () => {
      for (const literal of ["1e999", "-1e400", "9".repeat(400)]) {
        const text = genuineText.replace(/"saltSeed"/, `"extra": ${literal}, "saltSeed"`).replace(/"name":/, `"name2": ${literal}, "name":`);
        expectRejected(await verifyCredential(text, { offline: true }), { format: "CS-FORMAT-STRUCTURE" }, literal.slice(0, 10));
      }
      // Large but finite numbers are ordinary numbers (rejected here by the file's schema, not as overflow).
      const finite = await verifyCredential(genuineText.replace(/"index":\s*\d+/, '"index": 1e300'), { offline: true });
      expect(finite.checks[0]!.message).not.to.contain("Infinity");
    });

    it("a validFrom or validUntil no calendar holds (offset +99:00) → CS-FORMAT-EU-ELEMENTS, never an open window", async () => {
      for (const field of ["validFrom", "validUntil"] as const) {
        const report = await verifyCredential(replaced(genuine, `/credential/${field}`, "2020-01-01T00:00:00+99:00"), { offline: true });
        expectRejected(report, { format: "CS-FORMAT-EU-ELEMENTS" }, field);
        expect(report.checks[0]!.message).to.contain(field);
      }
    });

    it("inputs that cannot be copied to a worker thread, and an empty list, neither hang nor fail", async () => {
      const withFunction = Array.from({ length: 600 }, () => ({ ...genuine, note: () => 1 }));
      const reports = await verifyCredentials(withFunction, { offline: true, workers: 1 });
      expect(reports).to.have.length(600);
      expect(reports.every((r) => r.status === "VALID"), show(reports[0]!)).to.equal(true); // held to JSON: the function is not part of the file
      expect(await verifyCredentials([], { offline: true, workers: 1 })).to.deep.equal([]);
      const mixed = await verifyCredentials([...withFunction.slice(0, 300), ...Array.from({ length: 300 }, () => genuineText)], { offline: true, workers: 1 });
      expect(mixed.filter((r) => r.status === "VALID")).to.have.length(600);
    });

    it("a value JSON cannot hold (a cycle) is reported, not thrown", async () => {
      const cyclic = structuredClone(genuine) as unknown as { credential: Record<string, unknown> };
      cyclic.credential.self = cyclic.credential;
      const report = await verifyCredential(cyclic, online);
      expectShape(report);
      expectRejected(report, { format: "CS-FORMAT-STRUCTURE" });
      const big = structuredClone(genuine) as unknown as { credential: Record<string, unknown> };
      big.credential.extra = 1n;
      expectRejected(await verifyCredential(big, { offline: true }), { format: "CS-FORMAT-STRUCTURE" });
    });

    it("readCredentialInput reads at most 1 MiB + 1 bytes of a 5 MiB file, which verifies as too large", async () => {
      const file = path.join(tmp, "huge.json");
      await writeFile(file, Buffer.alloc(5 * 1024 * 1024, 0x20));
      const bytes = await readCredentialInput(file);
      expect(bytes.byteLength).to.be.at.most(MAX_CREDENTIAL_BYTES + 1);
      expect(bytes.byteLength).to.equal(MAX_CREDENTIAL_BYTES + 1);
      const report = await verifyCredential({ source: file, input: bytes }, online);
      expectRejected(report, { format: "CS-FORMAT-TOO-LARGE" });
      expect((await readCredentialInput(file, 100)).byteLength).to.equal(101);
    });
  });

  describe("fuzz: random mutations of a genuine credential file never verify", () => {
    type Mutation =
      | { kind: "replace"; pointer: string; value: unknown }
      | { kind: "delete"; pointer: string }
      | { kind: "byte"; position: number; byte: number }
      | { kind: "proof"; field: keyof MerkleProofData; bytes: Uint8Array; n: number };

    /** A v3 VC whose Merkle proof is re-encoded (well formed) with one of its fields changed. */
    function withProofField(vc: Record<string, unknown>, m: Extract<Mutation, { kind: "proof" }>): unknown {
      const copy = structuredClone(vc) as { proof: unknown[] };
      const data = readMerkleProof(copy.proof[0]);
      const hex = (bytes: Uint8Array) => toHex(bytes);
      const b32 = m.bytes.slice(0, 32);
      if (m.field === "chainId") data.chainId = 1 + (m.n % 40_000);
      else if (m.field === "registry" || m.field === "issuer") data[m.field] = getAddress(hex(m.bytes.slice(0, 20)));
      else if (m.field === "index") data.index = m.n;
      else if (m.field === "leaf" || m.field === "root") data[m.field] = hex(b32);
      else if (m.field === "path") data.path[m.n % data.path.length] = hex(b32);
      else {
        const salts = Uint8Array.from(data.salts);
        salts.set(m.bytes.slice(0, 16), 16 * (m.n % (salts.length / 16)));
        data.salts = salts;
      }
      copy.proof[0] = merkleProof(data);
      return copy;
    }

    /** What a bare v3 VC means: canonical JSON, the issuer address in its proof's verificationMethod read case-insensitively. */
    function meaningV3(value: unknown): string | undefined {
      if (value === null || typeof value !== "object" || Array.isArray(value) || !Array.isArray((value as { proof?: unknown }).proof)) return exactly(value);
      const proof = ((value as { proof: unknown[] }).proof).map((p) => {
        const vm = (p as { verificationMethod?: unknown } | null)?.verificationMethod;
        return typeof vm === "string" ? { ...(p as object), verificationMethod: vm.replace(/0x[0-9a-fA-F]{40}/, (a) => a.toLowerCase()) } : p;
      });
      return exactly({ ...(value as object), proof });
    }

    const suites = [
      {
        // Pinned to format 2: mutates a v2 wrapper file (its saltSeed, leaf and proof included).
        label: "a v2 credential file",
        genuine: () => genuineV2 as unknown as Record<string, unknown>,
        meaning,
        envelope: (all: string[]) =>
          // The salt seed, leaf and proof: well-formed values of their own types (hashes, addresses, small integers).
          fc.record({
            kind: fc.constant("replace" as const),
            pointer: fc.constantFrom(...all.filter((p) => /^\/(saltSeed|leaf\/|proof\/)/.test(p))),
            value: fc.oneof(
              fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)),
              fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b)),
              fc.nat({ max: 40_000 }),
            ),
          }) as fc.Arbitrary<Mutation>,
        reached: [["CS-FORMAT-MALFORMED-JSON"], ["CS-FORMAT-STRUCTURE"], ["CS-FORMAT-EU-ELEMENTS"], ["CS-INTEGRITY-DIGEST-MISMATCH"], ["CS-INTEGRITY-FACTS-MISMATCH", "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-INDEX-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"]],
      },
      {
        // Format v3 as the SDK's record: its salts, leaf and proof well-formed values of their own types.
        label: "a v3 credential record (the SDK's)",
        genuine: () => genuine as unknown as Record<string, unknown>,
        meaning,
        envelope: (all: string[]) =>
          fc.record({
            kind: fc.constant("replace" as const),
            pointer: fc.constantFrom(...all.filter((p) => /^\/(salts|leaf\/|proof\/)/.test(p))),
            value: fc.oneof(
              fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)),
              fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b)),
              fc.nat({ max: 40_000 }),
            ),
          }) as fc.Arbitrary<Mutation>,
        reached: [["CS-FORMAT-MALFORMED-JSON"], ["CS-FORMAT-STRUCTURE"], ["CS-FORMAT-OB3-SCHEMA", "CS-FORMAT-EU-ELEMENTS"], ["CS-INTEGRITY-DIGEST-MISMATCH"], ["CS-INTEGRITY-FACTS-MISMATCH", "CS-INTEGRITY-LEAF-MISMATCH", "CS-INCLUSION-INDEX-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"]],
      },
      {
        // Format v3: the bare VC a learner holds.
        label: "a v3 credential (bare VC)",
        genuine: () => toVerifiableCredential(genuine as CredentialRecordV3) as Record<string, unknown>,
        meaning: meaningV3,
        // Its Merkle proof re-encoded, well formed, with one field changed.
        envelope: () =>
          fc.record({
            kind: fc.constant("proof" as const),
            field: fc.constantFrom<keyof MerkleProofData>("chainId", "registry", "issuer", "index", "leaf", "root", "path", "salts"),
            bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }),
            n: fc.nat({ max: 40_000 }),
          }) as fc.Arbitrary<Mutation>,
        reached: [["CS-FORMAT-MALFORMED-JSON"], ["CS-FORMAT-MERKLE-PROOF"], ["CS-FORMAT-OB3-SCHEMA", "CS-FORMAT-EU-ELEMENTS"], ["CS-INTEGRITY-LEAF-MISMATCH"], ["CS-INTEGRITY-DIGEST-MISMATCH", "CS-INTEGRITY-FACTS-MISMATCH", "CS-INCLUSION-ROOT-MISMATCH"]],
      },
    ];

    for (const suite of suites) {
      describe(suite.label, () => {
        let mutation: fc.Arbitrary<Mutation>;
        let original: Record<string, unknown>;
        let originalText: string;
        let textBytes: Uint8Array;

        before(() => {
          original = suite.genuine();
          originalText = JSON.stringify(original, null, 2);
          textBytes = new TextEncoder().encode(originalText);
          const all = nodes(original).map((n) => n.pointer);
          mutation = fc.oneof(
            fc.record({ kind: fc.constant("replace" as const), pointer: fc.constantFrom(...all), value: fc.jsonValue({ maxDepth: 3 }) }),
            fc.record({ kind: fc.constant("replace" as const), pointer: fc.constantFrom(...all.filter((p) => p !== "")), value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double()) }),
            suite.envelope(all),
            fc.record({ kind: fc.constant("delete" as const), pointer: fc.constantFrom(...all.filter((p) => p !== "")) }),
            fc.record({ kind: fc.constant("byte" as const), position: fc.nat({ max: textBytes.length - 1 }), byte: fc.nat({ max: 255 }) }),
          ) as fc.Arbitrary<Mutation>;
        });

        /** The input handed to the verifier and the value it means (undefined: not JSON). */
        function apply(m: Mutation): { input: unknown; value: unknown; parses: boolean } {
          if (m.kind === "replace") {
            const value = replaced(original, m.pointer, m.value);
            return { input: value, value, parses: true };
          }
          if (m.kind === "delete") {
            const value = removed(original, m.pointer);
            return { input: value, value, parses: true };
          }
          if (m.kind === "proof") {
            const value = withProofField(original, m);
            return { input: value, value, parses: true };
          }
          const bytes = Uint8Array.from(textBytes);
          bytes[m.position] = m.byte;
          try {
            return { input: bytes, value: JSON.parse(Buffer.from(bytes).toString("utf8")), parses: true };
          } catch {
            return { input: bytes, value: undefined, parses: false };
          }
        }

        const stats = { valid: 0, invalid: 0, failedAt: {} as Record<string, number> };

        /** The property: no throw, seven checks, and VALID exactly when the file still means the original. */
        async function property(m: Mutation, options: VerifyOptions) {
          const { input, value, parses } = apply(m);
          const report = await verifyCredential(input, options);
          expectShape(report);
          const identical = parses && exactly(value) === exactly(original);
          const equivalent = parses && suite.meaning(value) === suite.meaning(original);
          if (identical) expect(report.status, `unchanged file not VALID: ${show(report)}`).to.equal("VALID");
          if (!equivalent) {
            expect(report.status, `false VALID for ${JSON.stringify(m).slice(0, 300)}`).not.to.equal("VALID");
            expect(report.status, `${JSON.stringify(m).slice(0, 300)} ${show(report)}`).to.equal("INVALID");
            const failed = report.checks.find((c) => c.status === "INVALID")!;
            expect(["format", "integrity", "inclusion"], show(report)).to.include(failed.id);
            if (!parses) expect(failed.code).to.equal("CS-FORMAT-MALFORMED-JSON");
            stats.failedAt[failed.code] = (stats.failedAt[failed.code] ?? 0) + 1;
          }
          if (report.status === "VALID") stats.valid++;
          else stats.invalid++;
        }

        it("offline: 500 random mutations, no crash, no false VALID", async () => {
          await fc.assert(
            fc.asyncProperty(mutation, (m) => property(m, { offline: true })),
            { numRuns: 500 },
          );
          expect(stats.valid + stats.invalid).to.equal(500);
          // The mutations reach every offline check.
          const hits = (...list: string[]) => list.reduce((n, code) => n + (stats.failedAt[code] ?? 0), 0);
          for (const codes of suite.reached) expect(hits(...codes), `${codes.join(" or ")} in ${JSON.stringify(stats.failedAt)}`).to.be.greaterThan(0);
        });

        it("online: 100 random mutations against the node, no crash, no false VALID", async () => {
          await fc.assert(
            fc.asyncProperty(mutation, (m) => property(m, online)),
            { numRuns: 100 },
          );
        });

        it("a byte that breaks the JSON → CS-FORMAT-MALFORMED-JSON, also where the pre-parse scan sees a repeated key (a stray quote makes values keys)", async () => {
          // Found by the fuzz above: each quote or NUL written over one byte of the genuine text.
          const spurious: string[] = [];
          for (let position = 0; position < textBytes.length; position++) {
            for (const byte of [0x22, 0x00]) {
              const bytes = Uint8Array.from(textBytes);
              bytes[position] = byte;
              const text = Buffer.from(bytes).toString("utf8");
              let parses = true;
              try {
                JSON.parse(text);
              } catch {
                parses = false;
              }
              if (!parses && scanJson(text, { maxDepth: 32, maxValues: 2000 }).duplicateKey !== undefined) spurious.push(text);
            }
          }
          expect(spurious.length).to.be.greaterThan(0);
          for (const text of spurious) expectRejected(await verifyCredential(text, { offline: true }), { format: "CS-FORMAT-MALFORMED-JSON" });
        });

        it("semantically neutral changes of the text (whitespace, key order) stay VALID", async () => {
          const reordered = Object.fromEntries(Object.entries(original).reverse());
          for (const input of [JSON.stringify(original), JSON.stringify(original, null, "\t"), `\n ${originalText}\r\n`, reordered]) {
            expect(codes(await verifyCredential(input, online))).to.deep.equal(ALL_VALID);
          }
        });
      });
    }
  });

  describe("verifyCredentials on whole batches", () => {
    it("48 credentials of 2 batches: all VALID, in input order, one verificationOf eth_call per batch (issuer and root)", async () => {
      const dp1 = batches.dp1!.credentials;
      const dp2 = batches.dp2!.credentials;
      expect(dp1).to.have.length(24);
      // Interleaved, so that reports in input order cannot come from batch order.
      const inputs = dp1.flatMap((c, i) => [c, dp2[i]!]);
      const counter = countingClient(node.url);
      const reports = await verifyCredentials(inputs, { client: counter.client, registry });
      expect(reports).to.have.length(48);
      reports.forEach((report, k) => {
        expect(codes(report), `#${k}`).to.deep.equal(ALL_VALID);
        expect(report.credential).to.include({ root: inputs[k]!.proof.root, index: inputs[k]!.leaf.index, holder: inputs[k]!.leaf.holder });
      });
      expect(counter.count("eth_call"), counter.calls.join(",")).to.equal(2);
      expect(counter.count("eth_chainId")).to.equal(1);
      expect(counter.calls).to.have.length(3);
    });

    it("a shared cache: the second call makes no eth_call", async () => {
      const inputs = [...batches.dp1!.credentials, ...batches.dp2!.credentials].map((c, k) => ({ source: `c${k}.json`, input: JSON.stringify(c) }));
      const counter = countingClient(node.url);
      const cache = createVerificationCache();
      const first = await verifyCredentials(inputs, { client: counter.client, registry, cache });
      expect(first.every((r) => r.status === "VALID")).to.equal(true);
      expect(first.map((r) => r.source)).to.deep.equal(inputs.map((i) => i.source));
      expect(counter.count("eth_call")).to.equal(2);
      counter.reset();
      const second = await verifyCredentials(inputs.slice().reverse(), { client: counter.client, registry, cache });
      expect(second.every((r) => r.status === "VALID")).to.equal(true);
      expect(second.map((r) => r.source)).to.deep.equal(inputs.map((i) => i.source).reverse());
      expect(counter.count("eth_call"), counter.calls.join(",")).to.equal(0);
      // Without the cache, each call reads again.
      await verifyCredentials(inputs, { client: counter.client, registry });
      expect(counter.count("eth_call")).to.equal(2);
    });

    it("a mixed list: each report its own verdict, valid, revoked and tampered, one read per batch (issuer and root)", async () => {
      // Revoking is idempotent: index 1 may already be revoked (pending) by the test above.
      await revokeCredentials(wallet(ROLE.operatorA), { registry, root: main[1]!.proof.root, indices: [1], reason: 2 });
      const counter = countingClient(node.url);
      const tampered = replaced(main[3]!, "/credential/name", "Forged Security");
      const reports = await verifyCredentials([main[0]!, main[1]!, tampered, main[4]!, credentialOf("unanchored")], { client: counter.client, registry });
      expect(reports.map((r) => r.status)).to.deep.equal(["VALID", "INVALID", "INVALID", "VALID", "INVALID"]);
      expect(codeOf(reports[1]!, "status")).to.equal("CS-STATUS-REVOCATION-PENDING");
      expect(codeOf(reports[2]!, "integrity")).to.equal("CS-INTEGRITY-DIGEST-MISMATCH");
      expect(codeOf(reports[4]!, "anchored")).to.equal("CS-ANCHOR-NOT-FOUND");
      // The main batch's root and the unanchored root: two reads (the tampered file is not looked up).
      expect(counter.count("eth_call")).to.equal(2);
    });

    it("on worker threads (long lists), the reports are the same as inline, in input order", async () => {
      const good = [...batches.dp1!.credentials, ...batches.dp2!.credentials].map((c) => JSON.stringify(c));
      const bad = ["{ truncated", JSON.stringify(replaced(main[3]!, "/credential/name", "Forged Security")), JSON.stringify({ format: "credstack-credential-v9" })];
      // 600 inputs: several chunks per worker, bad ones spread through them.
      const inputs = Array.from({ length: 600 }, (_, k) => (k % 97 === 5 ? bad[k % bad.length]! : good[k % good.length]!)).map((input, k) => ({ source: `f${k}.json`, input }));
      // One verification time for both runs (the chain's clock runs ahead of the wall clock here).
      const at = Number((await client.request({ method: "eth_getBlockByNumber", params: ["latest", false] } as never) as { timestamp: Hex }).timestamp) + 1;
      const onWorkers = await verifyCredentials(inputs, { client: countingClient(node.url).client, registry, at, workers: 2 });
      const inline = await verifyCredentials(inputs, { client: countingClient(node.url).client, registry, at, workers: 0 });
      expect(onWorkers).to.deep.equal(inline);
      expect(onWorkers.filter((r) => r.status === "INVALID")).to.have.length(inputs.filter((i) => bad.includes(i.input)).length);
    });
  });
});
