import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, type Address } from "viem";
import CredstackModule from "../../scripts/ignition/modules/Credstack.js";
import { buildBatchDirectory } from "../../src/batch/build-directory.js";
import { extractCredential, readManifest } from "../../src/batch/files.js";
import { manifestDigest } from "../../src/batch/build.js";
import {
  accreditIssuer,
  addOperator,
  anchorBatch,
  declareOperatorCompromised,
  revokeCredentials,
  signOperatorConsent,
} from "../../src/chain/actions/index.js";
import { anchorBatchDirectory } from "../../src/chain/anchor-directory.js";
import { AnchorMismatchError } from "../../src/chain/errors.js";
import { issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { verifyCredential } from "../../src/verify/index.js";
import { course } from "./helpers/fixtures.js";

/**
 * A stolen operator key squats an institution's root (anchors it first, with a wrong leaf count):
 * `anchorBatchDirectory` refuses to record the squatter's anchor, and once the institution declares
 * the key compromised it anchors the root again with a current key, afresh, and the learners'
 * credentials verify.
 */
describe("re-anchoring a root squatted by a compromised key", () => {
  it("anchorBatchDirectory reports the squat, anchors again after the declaration, again over a recorded anchor, and recovers an interrupted re-anchoring", async () => {
    const connection = await network.create();
    const { viem, ignition } = connection;
    const work = await mkdtemp(path.join(os.tmpdir(), "credstack-reanchor-"));
    try {
      const publicClient = await viem.getPublicClient();
      const [accreditor, issuer, thief, registrar] = await viem.getWalletClients();
      const chainId = await publicClient.getChainId();
      const { registry: deployed } = await ignition.deploy(CredstackModule, { displayUi: false });
      const registry = getAddress(await deployed.getAddress()) as Address;
      const achievement = { ...course(), awardingBody: { ...course().awardingBody, address: issuer!.account.address } };
      const now = Number((await publicClient.getBlock()).timestamp);
      const profileDigest = issuerProfileDigest({ name: achievement.awardingBody.name, country: achievement.awardingBody.country });
      await accreditIssuer(accreditor!, { registry, issuer: issuer!.account.address, profileDigest, maxEqfLevel: 8, validFrom: now - 60, validUntil: now + 86_400 * 365 });
      for (const key of [thief!, registrar!]) {
        const consent = await signOperatorConsent(key, { registry, chainId, issuer: issuer!.account.address, deadline: now + 3_600 });
        await addOperator(issuer!, { registry, consent });
      }
      const dir = path.join(work, "batch");
      const manifest = await buildBatchDirectory({ achievement, learnersCsv: "seeds/learners/smart-contract-security.csv", out: dir, target: { chainId, registry } });

      // The thief, watching the mempool, anchors the root first with a wrong leaf count.
      const squat = await anchorBatch(thief!, { registry, root: manifest.root, leafCount: 1, manifestDigest: manifest.root });
      const error = await anchorBatchDirectory(registrar!, publicClient, dir).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(AnchorMismatchError);
      expect((error as AnchorMismatchError).field).to.equal("leafCount");
      expect((await readManifest(dir)).anchor).to.equal(undefined);

      await declareOperatorCompromised(issuer!, { registry, key: thief!.account.address, since: squat.timestamp });
      const result = await anchorBatchDirectory(registrar!, publicClient, dir);
      expect(result.outcome).to.equal("anchored");
      const recorded = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")).anchor;
      expect(recorded.txHash).to.equal(result.anchor.txHash);
      expect(recorded.txHash).to.not.equal(squat.txHash);

      const credential = await extractCredential(dir, { index: manifest.leafCount - 1 });
      const report = await verifyCredential({ source: "last", input: credential }, { client: publicClient, registry, chainId });
      expect(report.status, JSON.stringify(report.checks)).to.equal("VALID");
      const anchored = report.checks.find((c) => c.id === "anchored")!;
      expect(anchored.details?.anchoringKey).to.equal(getAddress(registrar!.account.address));

      // The registrar's key is stolen in turn and declared compromised since before its anchoring:
      // the manifest records that anchor, and `batch anchor` anchors again with a current key (the
      // full check included), keeping the revocation the issuer made final in between.
      const [, , , , third, fourth] = await viem.getWalletClients();
      for (const key of [third!, fourth!]) {
        const consent = await signOperatorConsent(key, { registry, chainId, issuer: issuer!.account.address, deadline: now + 86_400 });
        await addOperator(issuer!, { registry, consent });
      }
      await revokeCredentials(issuer!, { registry, root: manifest.root, indices: [0], reason: 3 });
      await declareOperatorCompromised(issuer!, { registry, key: registrar!.account.address, since: result.anchor.anchoredAt });
      const again = await anchorBatchDirectory(third!, publicClient, dir);
      expect(again.outcome).to.equal("anchored");
      expect(again.warnings.join(" ")).to.match(/since declared compromised: anchoring again/);
      expect(JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")).anchor.txHash).to.equal(again.anchor.txHash);
      const revoked = await verifyCredential({ source: "first", input: await extractCredential(dir, { index: 0 }) }, { client: publicClient, registry, chainId });
      expect(revoked.checks.find((c) => c.id === "status")!.code).to.equal("CS-STATUS-REVOKED");

      // An interrupted re-anchoring (sent, manifest not written) is recovered from the chain, not sent twice.
      await declareOperatorCompromised(issuer!, { registry, key: third!.account.address, since: again.anchor.anchoredAt });
      const sent = await anchorBatch(fourth!, { registry, root: manifest.root, leafCount: manifest.leafCount, manifestDigest: manifestDigest(await readManifest(dir)) });
      const recovered = await anchorBatchDirectory(fourth!, publicClient, dir);
      expect(recovered.outcome).to.equal("recovered");
      expect(recovered.anchor.txHash).to.equal(sent.txHash);
      expect(JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")).anchor.txHash).to.equal(sent.txHash);
    } finally {
      await rm(work, { recursive: true, force: true });
      await connection.close();
    }
  });
});
