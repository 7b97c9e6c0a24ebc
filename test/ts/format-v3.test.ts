import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as DidKey from "@digitalbazaar/did-method-key";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vcLib from "@digitalbazaar/vc";
import { MerkleTree } from "merkletreejs";
import { getAddress, keccak256 } from "viem";
import { buildBatch } from "../../src/batch/build.js";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { checkBatch, extractCredential, loadBatch, readCredentials, readManifest } from "../../src/batch/files.js";
import { CREDENTIAL_FORMAT_V3, type CredentialRecordV3 } from "../../src/batch/format.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { leafHash } from "../../src/batch/leaf.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { MERKLE_CRYPTOSUITE, merkleProof, MerkleProofError, readMerkleProof } from "../../src/batch/v3/merkle-proof.js";
import { credentialDigest, newSaltSeed, saltsFromSeed } from "../../src/credential/disclosure.js";
import { documentLoader, expandSafe } from "../../src/credential/jsonld.js";
import { validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { createIssuerKey, didWebDocument, signCredential } from "../../src/credential/sign/index.js";
import { verifyCredential } from "../../src/verify/index.js";
import { buildCredentialV3 } from "../../src/credential/v3/build.js";
import { credentialFromTemplateV3, credentialTemplateV3, identitySaltsFromSeed } from "../../src/credential/v3/template.js";
import { checkFormat, checkIntegrity, checkInclusion } from "../../src/verify/offline-checks.js";

/**
 * Format v3 (#11): exported credentials are bare W3C VC 2.0 / OB 3.0 credentials that the formal
 * OB 3.0 schema, jsonld.js in safe mode and Digital Bazaar's VC library accept; their Merkle proof
 * is a `credstack-merkle-2026` DataIntegrityProof the credstack verifier checks; the leaf binds the
 * issuer; shards store a credential without the batch's shared parts; v1 and v2 keep verifying.
 */

const COURSE = "seeds/courses/smart-contract-security.json";
const LEARNERS = "seeds/learners/smart-contract-security.csv";
const course = () => parseAchievement(JSON.parse(readFileSync(COURSE, "utf8")));
const learners = () => parseLearnersCsv(readFileSync(LEARNERS, "utf8"));
const target = { chainId: 31337, registry: getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3") };
const NOW = new Date("2027-01-01T00:00:00Z");

type Vc = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);

/** The offline checks of a credential given as JSON text, up to the first that fails (as the verifier runs them). */
function offline(input: unknown): string[] {
  const { check, parsed } = checkFormat(typeof input === "string" ? input : JSON.stringify(input));
  if (!parsed) return [check.code];
  const integrity = checkIntegrity(parsed);
  return integrity.status === "VALID" ? [check.code, integrity.code, checkInclusion(parsed).code] : [check.code, integrity.code];
}
const ALL_VALID = ["CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-VALID"];

describe("credential format v3", () => {
  const batch = buildBatch(course(), learners(), target);
  const records = batch.credentials as CredentialRecordV3[];
  const vcs = records.map((r) => toVerifiableCredential(r) as Vc);

  describe("exported credentials", () => {
    it("are bare VCs with one credstack Merkle proof in a proof array, and no salt seed anywhere", () => {
      expect(batch.manifest.credentialFormat).to.equal(CREDENTIAL_FORMAT_V3);
      for (const vc of vcs) {
        expect(vc.format).to.equal(undefined);
        expect(vc.proof).to.be.an("array").with.length(1);
        expect(vc.proof[0]).to.include({ type: "DataIntegrityProof", cryptosuite: MERKLE_CRYPTOSUITE, proofPurpose: "assertionMethod" });
        expect(JSON.stringify(vc)).to.not.match(/saltSeed/);
        expect(vc.credentialSubject.identifier.every((i: Vc) => i.hashed === true && typeof i.salt === "string")).to.equal(true);
      }
    });

    it("pass the formal OB 3.0 JSON Schema and expand in JSON-LD safe mode with the shipped contexts", async () => {
      for (const vc of vcs) {
        expect(validateOpenBadgeCredential(vc)).to.deep.equal([]);
        const expanded = await expandSafe(vc);
        expect(expanded.ok ? [] : expanded.problems).to.deep.equal([]);
      }
    });

    it("verify offline with the credstack verifier (format, integrity, inclusion)", () => {
      for (const vc of vcs) expect(offline(vc)).to.deep.equal(ALL_VALID);
      for (const r of records) expect(offline(r), "the SDK's record too").to.deep.equal(ALL_VALID);
    });

    it("the template builds exactly what buildCredentialV3 builds (identity salts derived from the seed)", () => {
      const template = credentialTemplateV3(course(), target.chainId);
      const seed = newSaltSeed();
      for (const learner of learners()) {
        const id = "urn:uuid:00000000-0000-4000-8000-000000000000";
        const built = buildCredentialV3({ achievement: course(), learner, target, salts: identitySaltsFromSeed(seed), id });
        expect(clone(credentialFromTemplateV3(template, learner, seed, id))).to.deep.equal(built);
      }
    });

    it("the leaf binds the issuer: the same credential under another issuer is another leaf", () => {
      const r = records[0]!;
      expect(leafHash(r.leaf)).to.equal(r.proof.leaf);
      expect(leafHash({ ...r.leaf, issuer: getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC") })).to.not.equal(r.proof.leaf);
    });
  });

  describe("an issuer signature checked by an independent library (@digitalbazaar/vc)", () => {
    const didKeyDriver = DidKey.driver();
    didKeyDriver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });
    const loader = async (url: string) =>
      url.startsWith("did:key:") ? { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) } : documentLoader(url);

    it("a batch built with --issuer-did, extracted and signed, verifies with vc.verifyCredential beside its Merkle proof", async () => {
      const key = await createIssuerKey();
      const signedBatch = buildBatch(course(), learners(), target, { issuerDid: key.controller });
      const exported = toVerifiableCredential(signedBatch.credentials[1] as CredentialRecordV3);
      const signed = (await signCredential({ credential: exported, key })) as Vc;
      expect(signed.issuer.id).to.equal(key.controller);
      expect(signed.proof.map((p: Vc) => p.cryptosuite)).to.deep.equal([MERKLE_CRYPTOSUITE, "eddsa-rdfc-2022"]);
      const result = await vcLib.verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: loader, now: NOW });
      expect(result.verified, JSON.stringify(result.error ?? null)).to.equal(true);
      expect(validateOpenBadgeCredential(signed)).to.deep.equal([]);
      expect(offline(signed), "and the credstack verifier").to.deep.equal(ALL_VALID);

      const tampered = clone(signed);
      tampered.credentialSubject.result[0].value = "10";
      const bad = await vcLib.verifyCredential({ credential: tampered, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: loader, now: NOW });
      expect(bad.verified).to.equal(false);
      expect(offline(tampered)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-LEAF-MISMATCH"]);
    });

    it("the credstack verifier checks the signature too: verified, tampered (INVALID), did:web without its document (said)", async () => {
      const codes = (r: { checks: { code: string }[] }) => r.checks.map((c) => c.code);
      const key = await createIssuerKey();
      const record = buildBatch(course(), learners(), target, { issuerDid: key.controller }).credentials[0] as CredentialRecordV3;
      const signed = (await signCredential({ credential: toVerifiableCredential(record), key })) as Vc;
      const ok = await verifyCredential(JSON.stringify(signed), { offline: true, at: NOW });
      expect(ok.status).to.equal("VALID");
      expect(ok.checks[1]!.details).to.deep.include({ signature: "verified", signer: key.controller });

      const forged = clone(signed);
      forged.proof[1].proofValue = `${forged.proof[1].proofValue.slice(0, -4)}AAAA`;
      const bad = await verifyCredential(JSON.stringify(forged), { offline: true, at: NOW });
      expect(bad.status).to.equal("INVALID");
      expect(codes(bad).slice(0, 3)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-SIGNATURE-INVALID", "CS-SKIPPED-PRECONDITION"]);
      const skipped = await verifyCredential(JSON.stringify(forged), { offline: true, at: NOW, signatures: false });
      expect(skipped.status, "signatures: false skips the check").to.equal("VALID");

      const web = await createIssuerKey({ did: "did:web:uni.example" });
      const webRecord = buildBatch(course(), learners(), target, { issuerDid: web.controller }).credentials[0] as CredentialRecordV3;
      const webSigned = JSON.stringify(await signCredential({ credential: toVerifiableCredential(webRecord), key: web }));
      const unchecked = await verifyCredential(webSigned, { offline: true, at: NOW });
      expect(unchecked.status).to.equal("VALID");
      expect(unchecked.checks[1]!.details).to.deep.include({ signature: "unchecked" });
      expect(unchecked.checks[1]!.message).to.match(/not checked: the DID document of did:web:uni\.example was not given/);
      const checked = await verifyCredential(webSigned, { offline: true, at: NOW, didDocuments: { [web.controller]: didWebDocument(web) } });
      expect(checked.checks[1]!.details).to.deep.include({ signature: "verified", signer: "did:web:uni.example" });
    });

    it("every signature must verify; a huge proofValue is refused before decoding; a revoked did:web key signs nothing", async () => {
      const key = await createIssuerKey();
      const other = await createIssuerKey();
      const record = buildBatch(course(), learners(), target, { issuerDid: key.controller }).credentials[0] as CredentialRecordV3;
      const signed = (await signCredential({ credential: toVerifiableCredential(record), key })) as Vc;
      const byOther = (await signCredential({ credential: { ...signed, issuer: { ...signed.issuer, id: other.controller } }, key: other })) as Vc;
      const status = async (v: Vc, opts = {}) => {
        const r = await verifyCredential(JSON.stringify(v), { offline: true, at: NOW, ...opts });
        return r.checks[1]!.code;
      };
      const corrupted = clone(signed.proof[1]);
      corrupted.proofValue = `${corrupted.proofValue.slice(0, -4)}AAAA`;
      expect(await status({ ...signed, proof: [...signed.proof, corrupted] }), "a second, corrupted signature").to.equal("CS-INTEGRITY-SIGNATURE-INVALID");
      expect(await status({ ...signed, proof: [...signed.proof, byOther.proof[2]] }), "a second signature by another key").to.equal("CS-INTEGRITY-SIGNATURE-INVALID");
      const huge = { ...signed, proof: [signed.proof[0], { ...signed.proof[1], proofValue: `z${"2".repeat(100_000)}` }] };
      const started = process.hrtime.bigint();
      expect(await status(huge)).to.equal("CS-INTEGRITY-SIGNATURE-INVALID");
      expect(process.hrtime.bigint() - started < 1_000_000_000n, "refused before the quadratic base58 decoding").to.equal(true);

      const web = await createIssuerKey({ did: "did:web:uni.example" });
      const webRecord = buildBatch(course(), learners(), target, { issuerDid: web.controller }).credentials[0] as CredentialRecordV3;
      const webSigned = (await signCredential({ credential: toVerifiableCredential(webRecord), key: web })) as Vc;
      const doc = didWebDocument(web) as Vc;
      doc.verificationMethod = doc.verificationMethod.map((m: Vc) => ({ ...m, revoked: "2026-01-01T00:00:00Z" }));
      expect(await status(webSigned, { didDocuments: { [web.controller]: doc } })).to.equal("CS-INTEGRITY-SIGNATURE-INVALID");
    });

    it("a batch built for a malformed issuer DID is refused before anything is built", () => {
      expect(() => buildBatch(course(), learners(), target, { issuerDid: "did:pkh:eip155:1:0xabc" })).to.throw(/did:key or did:web/);
    });
  });

  describe("tampering, each with its own code", () => {
    const vc = vcs[2]!;
    const cases: [string, (v: Vc) => void, string[]][] = [
      ["a grade changed", (v) => (v.credentialSubject.result[0].value = "10"), ["CS-FORMAT-VALID", "CS-INTEGRITY-LEAF-MISMATCH"]],
      ["a field removed (its salt no longer fits)", (v) => delete v.validUntil, ["CS-FORMAT-VALID", "CS-INTEGRITY-DIGEST-MISMATCH"]],
      ["a field added", (v) => (v.description = "extra"), ["CS-FORMAT-VALID", "CS-INTEGRITY-DIGEST-MISMATCH"]],
      ["issuer.id naming another account", (v) => (v.issuer.id = "did:pkh:eip155:31337:0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), ["CS-FORMAT-VALID", "CS-INTEGRITY-FACTS-MISMATCH"]],
      ["the EQF alignment removed", (v) => v.credentialSubject.achievement.alignment.shift(), ["CS-FORMAT-EU-ELEMENTS"]],
      ["proof not an array", (v) => (v.proof = v.proof[0]), ["CS-FORMAT-MERKLE-PROOF"]],
      ["no Merkle proof", (v) => (v.proof = []), ["CS-FORMAT-MERKLE-PROOF"]],
      ["two Merkle proofs", (v) => v.proof.push(clone(v.proof[0])), ["CS-FORMAT-MERKLE-PROOF"]],
      ["a property the cryptosuite does not define", (v) => (v.proof[0].created = "2026-01-01T00:00:00Z"), ["CS-FORMAT-MERKLE-PROOF"]],
      ["another proofPurpose", (v) => (v.proof[0].proofPurpose = "authentication"), ["CS-FORMAT-MERKLE-PROOF"]],
      ["a proofValue not multibase base64url", (v) => (v.proof[0].proofValue = `z${v.proof[0].proofValue.slice(1)}`), ["CS-FORMAT-MERKLE-PROOF"]],
      ["a proofValue cut short", (v) => (v.proof[0].proofValue = v.proof[0].proofValue.slice(0, 200)), ["CS-FORMAT-MERKLE-PROOF"]],
      ["the issuer address not checksummed", (v) => (v.proof[0].verificationMethod = v.proof[0].verificationMethod.replace(/0x[0-9a-fA-F]{40}/, (a: string) => a.toLowerCase())), ["CS-FORMAT-MERKLE-PROOF"]],
      ["validFrom before 1970", (v) => (v.validFrom = "1969-12-31T23:59:59Z"), ["CS-FORMAT-EU-ELEMENTS"]],
      ["an offset without its colon", (v) => (v.validFrom = "2026-06-30T00:00:00+0200"), ["CS-FORMAT-EU-ELEMENTS"]],
      ["creditsEarned below 0.01", (v) => (v.credentialSubject.creditsEarned = 1e-9), ["CS-FORMAT-EU-ELEMENTS"]],
      ["a key with a lone surrogate", (v) => (v["\ud800"] = 1), ["CS-FORMAT-STRUCTURE"]],
      ["a holder chain with a leading zero", (v) => (v.credentialSubject.id = v.credentialSubject.id.replace(":31337:", ":031337:")), ["CS-FORMAT-EU-ELEMENTS"]],
    ];
    for (const [what, mutate, codes] of cases) {
      it(`${what}: ${codes.slice(-2).join(", ")}`, () => {
        const t = clone(vc);
        mutate(t);
        expect(offline(t)).to.deep.equal(codes);
      });
    }

    it("the proof moved to another issuer account (a copier's batch): INVALID at integrity (issuer.id names the original)", () => {
      const r = records[2]!;
      const other = getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
      const moved = { ...r.credential, proof: [merkleProof({ ...r.leaf, issuer: other, leaf: r.proof.leaf, root: r.proof.root, path: r.proof.path, salts: Buffer.from(r.salts.slice(2), "hex") })] };
      expect(offline(moved)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-FACTS-MISMATCH"]);
      // And with issuer.id moved too, the leaf (which binds the issuer account) is not the proof's.
      const relabelled = { ...moved, issuer: { ...(r.credential.issuer as Vc), id: `did:pkh:eip155:31337:${other}` } };
      expect(offline(relabelled)).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-LEAF-MISMATCH"]);
    });

    it("an object that is a credential is never taken for a { source, input } wrapper around another", async () => {
      const forged = { ...clone(vcs[0]!), name: "Forged Degree", source: "x", input: JSON.stringify(vcs[1]) };
      const report = await verifyCredential(forged, { offline: true, at: NOW });
      expect(report.status).to.equal("INVALID");
      expect(report.checks[1]!.code).to.equal("CS-INTEGRITY-DIGEST-MISMATCH");
    });

    it("a record is checked as given: a proof inside its document, an address in any case", () => {
      const r = clone(records[0]!) as Vc;
      expect(offline({ ...r, credential: { ...r.credential, proof: [{ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022" }] } })).to.deep.equal(["CS-FORMAT-STRUCTURE"]);
      expect(offline({ ...r, leaf: { ...r.leaf, registry: r.leaf.registry.toLowerCase() } })).to.deep.equal(ALL_VALID);
    });

    it("a wrong path: CS-INCLUSION-ROOT-MISMATCH", () => {
      const r = clone(records[2]!);
      r.proof.path[0] = keccak256("0x01");
      expect(offline(toVerifiableCredential(r))).to.deep.equal(["CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-ROOT-MISMATCH"]);
    });
  });

  describe("the credstack-merkle-2026 proof", () => {
    it("round-trips, and refuses a chain in the verification method other than the payload's", () => {
      const r = records[0]!;
      const data = { ...r.leaf, leaf: r.proof.leaf, root: r.proof.root, path: r.proof.path, salts: saltsFromSeed(r.credential, newSaltSeed()) };
      const read = readMerkleProof(merkleProof(data));
      expect({ ...read, salts: Buffer.from(read.salts).toString("hex") }).to.deep.equal({
        chainId: data.chainId, registry: data.registry, issuer: data.issuer, index: data.index, leaf: data.leaf, root: data.root, path: data.path,
        salts: Buffer.from(data.salts).toString("hex"),
      });
      const proof = merkleProof(data);
      proof.verificationMethod = proof.verificationMethod.replace(":31337:", ":1:");
      expect(() => readMerkleProof(proof)).to.throw(MerkleProofError, /chain differs/);
    });
  });

  describe("v3 shards", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "credstack-v3-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("store each credential without the batch's shared parts; readers recompute the proofs, equal merkletreejs's root", async () => {
      const csv = path.join(dir, "learners.csv");
      const rows = Array.from({ length: 11 }, (_, i) => `S${i},Learner ${i},0x${(i + 1).toString(16).padStart(40, "0")},${(i % 10) + 1},2026-06-30`);
      await writeFile(csv, `id,name,wallet,grade,date\n${rows.join("\n")}\n`);
      const out = path.join(dir, "b");
      const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 4, workers: 0 });
      expect(manifest.credentialFormat).to.equal(CREDENTIAL_FORMAT_V3);
      expect(Object.keys(manifest.shared!)).to.deep.equal(["/@context", "/type", "/issuer", "/name", "/credentialSubject/achievement", "/credentialSchema"]);
      const line = (await readFile(path.join(out, manifest.shards![0]!.file), "utf8")).split("\n")[0]!;
      expect(line).to.not.include(course().description);
      expect(JSON.parse(line).credential.credentialSubject.achievement).to.equal(null);
      expect(Buffer.byteLength(line)).to.be.below(1200);

      const seen: CredentialRecordV3[] = [];
      await checkBatch(out, (c) => seen.push(c.file as CredentialRecordV3));
      expect(seen.map((r) => r.leaf.index)).to.deep.equal([...Array(11).keys()]);
      const tree = new MerkleTree(seen.map((r) => r.proof.leaf), keccak256, { sortPairs: true });
      expect(tree.getHexRoot()).to.equal(manifest.root);
      for (const r of seen) expect(offline(toVerifiableCredential(r))).to.deep.equal(ALL_VALID);

      const byId = await extractCredential(out, { learnerId: "S9" });
      expect(byId.leaf.index).to.equal(9);
      expect((await extractCredential(out, { index: 6 })).proof).to.deep.equal(seen[6]!.proof);
      expect((await extractCredential(out, { holder: getAddress(`0x${(4).toString(16).padStart(40, "0")}`) })).leaf.index).to.equal(3);
    });

    it("a tampered line makes its shard's credentials fail the check against the manifest, naming them", async () => {
      const out = path.join(dir, "b");
      const manifest = await readManifest(out);
      const file = path.join(out, manifest.shards![1]!.file);
      const original = await readFile(file, "utf8");
      // Names are hashed on the line; change the first line's date of issuing.
      const lines = original.split("\n");
      lines[0] = lines[0]!.replace("2026-06-30T00:00:00Z", "2026-06-29T00:00:00Z");
      expect(lines.join("\n")).to.not.equal(original);
      await writeFile(file, lines.join("\n"));
      try {
        const error = await checkBatch(out).then(() => null, (e: Error) => e);
        expect(error?.name).to.equal("ValidationError");
        const issues = (error as unknown as { issues: { field: string; message: string }[] }).issues;
        expect(issues.map((i) => i.field)).to.deep.equal(["shards/000001.jsonl:1", "shards/000001.jsonl:2", "shards/000001.jsonl:3", "shards/000001.jsonl:4"]);
        expect(issues.every((i) => i.message === "proof root is not the batch root")).to.equal(true);
      } finally {
        await writeFile(file, original);
      }
      await checkBatch(out);
    });

    it("cost far less per credential than v2 shards on the same input", async () => {
      const csv = path.join(dir, "learners.csv");
      const sizes: number[] = [];
      for (const format of [2, 3] as const) {
        const out = path.join(dir, `size-v${format}`);
        await buildBatchDirectory({ achievement: course(), learnersCsv: csv, out, target, layout: "shards", shardSize: 4, workers: 0, format });
        let bytes = 0;
        for (const f of await readdir(path.join(out, "shards"))) bytes += (await stat(path.join(out, "shards", f))).size;
        sizes.push(bytes / 11);
      }
      expect(sizes[1]!, `v3 ${sizes[1]} B, v2 ${sizes[0]} B a credential`).to.be.below(sizes[0]! / 3);
    });
  });

  describe("v3 JSON Lines input (an issuer's own system writes the credentials)", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "credstack-v3-jsonl-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const docs = () =>
      Array.from({ length: 9 }, (_, i) => {
        const learner = { ...learners()[i % 5]!, id: `J${i}`, wallet: getAddress(`0x${(i + 100).toString(16).padStart(40, "0")}`) };
        return buildCredentialV3({ achievement: course(), learner, target, salts: identitySaltsFromSeed(newSaltSeed()) }) as Vc;
      });

    it("bare VCs without proof build a v3 batch whose shards store each credential without the shared parts", async () => {
      const jsonl = path.join(dir, "ok.jsonl");
      await writeFile(jsonl, docs().map((d) => JSON.stringify(d)).join("\n") + "\n");
      const out = path.join(dir, "ok");
      const manifest = await buildBatchDirectory({ credentialsJsonl: jsonl, out, target, layout: "shards", shardSize: 4, workers: 0 });
      expect(manifest.credentialFormat).to.equal(CREDENTIAL_FORMAT_V3);
      expect(manifest.issuer).to.equal(getAddress(course().awardingBody.address));
      const first = JSON.parse((await readFile(path.join(out, manifest.shards![0]!.file), "utf8")).split("\n")[0]!);
      expect(first.credential.credentialSubject.achievement).to.equal(null);
      const seen: CredentialRecordV3[] = [];
      await checkBatch(out, (c) => seen.push(c.file as CredentialRecordV3));
      expect(seen).to.have.length(9);
      for (const r of seen) expect(offline(toVerifiableCredential(r))).to.deep.equal(ALL_VALID);
    });

    it("refuses lines a verifier would refuse, naming each line and field, and writes nothing", async () => {
      const lines = docs();
      lines[1]!.proof = [{ type: "DataIntegrityProof" }];
      lines[2]!.credentialSubject.identifier[0] = { type: "IdentityObject", identityType: "name", hashed: false, identityHash: "Ada" };
      lines[3]!.credentialSubject.achievement.alignment.shift(); // the EQF level
      lines[4]!.credentialSubject.id = lines[4]!.credentialSubject.id.replace(":31337:", ":1:");
      lines[5]!.id = lines[0]!.id;
      lines[6]!.credentialSubject.extra = Array.from({ length: 2_000 }, (_, i) => i);
      const jsonl = path.join(dir, "bad.jsonl");
      const texts = lines.map((d) => JSON.stringify(d));
      texts[7] = texts[7]!.replace('"name":', '"name":"Twice","name":'); // (issuer.name) JSON.parse would keep the last silently
      texts[8] = texts[8]!.replace('"creditsEarned":5', '"creditsEarned":1e999');
      await writeFile(jsonl, texts.join("\n") + "\n");
      const out = path.join(dir, "bad");
      const error = await buildBatchDirectory({ credentialsJsonl: jsonl, out, target, workers: 0 }).then(() => null, (e: Error) => e);
      const issues = (error as unknown as { issues: { field: string; row?: number }[] }).issues;
      expect(issues.map((i) => `${i.row}:${i.field}`)).to.deep.equal([
        "2:proof",
        "3:credentialSubject.identifier.0.salt",
        "3:credentialSubject.identifier.0.hashed",
        "4:credentialSubject.achievement.alignment",
        "5:credentialSubject.id",
        "7:(line)", // 2,000 more values
        "8:issuer.name", // a key twice
        "9:credentialSubject.creditsEarned", // 1e999 parses to Infinity: above 600
        "6:id", // duplicates are found once every line is drafted
      ]);
      expect(await stat(out).then(() => true, () => false)).to.equal(false);
    });
  });

  describe("frozen formats keep verifying", () => {
    for (const name of ["v1-smart-contract-security", "v2-smart-contract-security"]) {
      it(`the ${name} fixture batch checks whole, and each file verifies offline`, async () => {
        const dir = path.resolve("test/fixtures/batches", name);
        const fixture = await loadBatch(dir);
        expect(fixture.credentials.length).to.equal(5);
        for (const f of fixture.manifest.files!) expect(offline(await readFile(path.join(dir, f), "utf8")), f).to.deep.equal(ALL_VALID);
      });
    }

    it("a v2 batch's credential keeps its seed-salted digest (scheme 2), as frozen", () => {
      const v2 = buildBatch(course(), learners(), target, { format: 2 }).credentials[0]!;
      expect(v2.format).to.equal("credstack-credential-v2");
      if (v2.format !== "credstack-credential-v2") return;
      expect(credentialDigest(v2.credential, v2.saltSeed, 2)).to.equal(v2.leaf.credentialDigest);
      expect(offline(v2)).to.deep.equal(ALL_VALID);
    });
  });

  it("no network: reading every credential of a v3 batch directory never fetches", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-v3-files-"));
    const original = globalThis.fetch;
    globalThis.fetch = (async () => {
      throw new Error("network access in a test");
    }) as typeof fetch;
    try {
      const out = path.join(dir, "b");
      const manifest = await buildBatchDirectory({ achievement: course(), learnersCsv: LEARNERS, out, target });
      expect(manifest.files).to.have.length(5);
      const onDisk = JSON.parse(await readFile(path.join(out, manifest.files![0]!), "utf8")) as Vc;
      expect(onDisk.proof[0].cryptosuite, "files of a v3 batch are the bare VCs learners receive").to.equal(MERKLE_CRYPTOSUITE);
      let n = 0;
      for await (const c of readCredentials(out, manifest)) n += offline(c.file).join() === ALL_VALID.join() ? 1 : 0;
      expect(n).to.equal(5);
    } finally {
      globalThis.fetch = original;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
