import { expect } from "chai";
import fc from "fast-check";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MerkleTree } from "merkletreejs";
import { keccak256 as keccak, bytesToHex, getAddress, type Hex } from "viem";
import { network } from "hardhat";
import { buildBatch, manifestDigest } from "../../src/batch/build.js";
import { loadBatch, writeBatch, BatchFileError } from "../../src/batch/files.js";
import { CREDENTIAL_FORMAT_V3 } from "../../src/batch/format.js";
import { leafHash } from "../../src/batch/leaf.js";
import { operatorConsentTypedData } from "../../src/chain/actions/index.js";
import { MerkleBatchTree, DuplicateLeafError } from "../../src/batch/tree.js";
import { ValidationError } from "../../src/credential/errors.js";
import { course, learners } from "./helpers/fixtures.js";

const { viem } = await network.create();

/** `ICredentialRegistry.CredentialState`, by value (the ones used here). */
const CredentialState = { Valid: 0, NotAnchored: 1 } as const;

const randomLeaves = (n: number, seed: number): Hex[] => Array.from({ length: n }, (_, i) => keccak(`0x${(seed * 1_000_003 + i).toString(16).padStart(8, "0")}`));

describe("Merkle batch tree", () => {
  it("matches merkletreejs (sortPairs) on root and every proof, for any size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const leaves = randomLeaves(n, seed);
        const ours = MerkleBatchTree.of(leaves);
        const theirs = new MerkleTree(leaves, (d: Buffer) => Buffer.from(keccak(d, "bytes")), { sortPairs: true });
        if (ours.root !== theirs.getHexRoot()) return false;
        return leaves.every((leaf, i) => {
          const proof = ours.proof(i);
          return JSON.stringify(proof) === JSON.stringify(theirs.getHexProof(leaf, i)) && MerkleBatchTree.verify(ours.root, leaf, proof);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("rejects a wrong leaf, a wrong sibling and a truncated proof", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), (n, a, b) => {
        const leaves = randomLeaves(n, a);
        const tree = MerkleBatchTree.of(leaves);
        const i = b % n;
        const proof = tree.proof(i);
        const other = leaves[(i + 1) % n]!;
        const flipped = [...proof];
        flipped[0] = bytesToHex(keccak(proof[0]!, "bytes"));
        return (
          !MerkleBatchTree.verify(tree.root, other, proof) &&
          !MerkleBatchTree.verify(tree.root, leaves[i]!, flipped) &&
          !MerkleBatchTree.verify(tree.root, leaves[i]!, proof.slice(0, -1))
        );
      }),
      { numRuns: 60 },
    );
  });

  it("refuses duplicate leaves and empty batches", () => {
    const leaves = randomLeaves(5, 1);
    expect(() => MerkleBatchTree.of([...leaves, leaves[2]!])).to.throw(DuplicateLeafError).with.property("indices").that.deep.equals([2, 5]);
    expect(() => MerkleBatchTree.of([])).to.throw(/at least one leaf/);
  });
});

describe("batches", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "credstack-batch-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("every leaf verifies on chain: leafOf matches and checkCredential finds it Valid under its issuer", async () => {
    const [admin, issuer, operator] = await viem.getWalletClients();
    const publicClient = await viem.getPublicClient();
    const registry = await viem.deployContract("CredentialRegistry", [3 * 86_400, admin!.account.address]);
    await registry.write.grantRole([await registry.read.ACCREDITOR_ROLE(), admin!.account.address]);
    const now = Number((await publicClient.getBlock()).timestamp);
    await registry.write.accredit([issuer!.account.address, keccak("0x01"), 6, now - 1000, now + 10 ** 8]);
    const chainId = await publicClient.getChainId();
    // The operator key consents (EIP-712), signing through its wallet client.
    const deadline = now + 3_600;
    const typed = operatorConsentTypedData({ registry: registry.address, chainId, issuer: issuer!.account.address, key: operator!.account.address, deadline });
    const signature = await operator!.signTypedData({ ...typed, account: operator!.account });
    await registry.write.addOperator([operator!.account.address, BigInt(deadline), signature], { account: issuer!.account });

    const batch = buildBatch(course(), learners(), { chainId, registry: registry.address });
    expect(batch.manifest.issuer).to.equal(getAddress(issuer!.account.address));
    await registry.write.anchorBatch([batch.manifest.root, batch.manifest.leafCount, manifestDigest(batch.manifest)], { account: operator!.account });
    for (const c of batch.credentials) {
      // Format v3 (the default): the leaf binds the issuer, given apart from the fields.
      expect(c.format).to.equal(CREDENTIAL_FORMAT_V3);
      const fields = { ...c.leaf, index: BigInt(c.leaf.index) };
      const onChainLeaf = await registry.read.leafOf([issuer!.account.address, fields]);
      expect(onChainLeaf).to.equal(c.proof.leaf);
      expect(await registry.read.checkCredential([issuer!.account.address, batch.manifest.root, fields, c.proof.path])).to.deep.equal([
        CredentialState.Valid,
        c.proof.leaf,
      ]);
      // Under another issuer (batches are keyed by issuer and root) it is not anchored, and its leaf is another.
      const [state, otherLeaf] = await registry.read.checkCredential([operator!.account.address, batch.manifest.root, fields, c.proof.path]);
      expect(state).to.equal(CredentialState.NotAnchored);
      expect(otherLeaf).to.not.equal(c.proof.leaf);
    }
    // Bound to its registry: the same fields under another registry give another leaf.
    const c0 = batch.credentials[0]!;
    expect(leafHash({ ...c0.leaf, registry: admin!.account.address })).to.not.equal(c0.proof.leaf);
    expect(leafHash({ ...c0.leaf, chainId: 1 })).to.not.equal(c0.proof.leaf);
    expect(leafHash({ ...c0.leaf, index: 1 })).to.not.equal(c0.proof.leaf);
    // Bound to its issuer (v3).
    expect(leafHash({ ...c0.leaf, issuer: getAddress(operator!.account.address) })).to.not.equal(c0.proof.leaf);
  });

  it("writes a batch directory atomically, refuses to overwrite it, and loads it back", async () => {
    const out = path.join(dir, "batch");
    const batch = buildBatch(course(), learners(), { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
    await writeBatch(batch, out);
    expect((await readdir(dir)).sort()).to.deep.equal(["batch"]);
    const loaded = await loadBatch(out);
    expect(loaded.manifest.root).to.equal(batch.manifest.root);
    expect(loaded.credentials.length).to.equal(5);
    try {
      await writeBatch(batch, out);
      expect.fail("should refuse");
    } catch (error) {
      expect(error).to.be.instanceOf(BatchFileError);
    }
  });

  it("refuses a batch whose files were tampered with, naming the file", async () => {
    // v3 (the default) and v2 (pinned with format: 2, to prove v2 batches keep loading and checking).
    const cases = [
      // v3 files are bare VCs: the record's digest and leaf fields are recomputed from the document,
      // so an altered field shows as a leaf that is not the proof's.
      { format: 3, subject: (json: any) => json.credentialSubject, message: "the credential does not hash to its proof's leaf (altered)" },
      // v2 wrapper files carry their leaf fields, digest included.
      { format: 2, subject: (json: any) => json.credential.credentialSubject, message: "credential digest does not match the credential" },
    ] as const;
    for (const { format, subject, message } of cases) {
      const out = path.join(dir, `batch-v${format}`);
      const batch = buildBatch(course(), learners(), { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }, { format });
      await writeBatch(batch, out);
      const file = path.join(out, batch.manifest.files![2]!);
      const json = JSON.parse(await readFile(file, "utf8"));
      expect(subject(json).result[0].value, `v${format}`).to.equal("9.0");
      subject(json).result[0].value = "10";
      await writeFile(file, JSON.stringify(json));
      try {
        await loadBatch(out);
        expect.fail("should refuse");
      } catch (error) {
        expect(error, `v${format}`).to.be.instanceOf(ValidationError);
        expect((error as ValidationError).issues[0], `v${format}`).to.deep.include({ field: batch.manifest.files![2], row: 2, message });
      }
    }
  });

  it("refuses unknown formats", async () => {
    const out = path.join(dir, "batch");
    const batch = buildBatch(course(), learners(), { chainId: 31337, registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
    await writeBatch(batch, out);
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
    await writeFile(path.join(out, "manifest.json"), JSON.stringify({ ...manifest, format: "credstack-batch-v9" }));
    try {
      await loadBatch(out);
      expect.fail("should refuse");
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.field)).to.include("format");
    }
  });

  it("frozen fixture batches keep loading", async () => {
    const fixtures = path.resolve("test/fixtures/batches");
    const names = await readdir(fixtures);
    expect(names.length).to.be.greaterThan(0);
    for (const name of names) {
      const batch = await loadBatch(path.join(fixtures, name));
      expect(batch.credentials.length, name).to.equal(batch.manifest.leafCount);
    }
  });
});
