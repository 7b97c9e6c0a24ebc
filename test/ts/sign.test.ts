import { expect } from "chai";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as DidKey from "@digitalbazaar/did-method-key";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { documentLoader, expandSafe } from "../../src/credential/jsonld.js";
import { validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { parseAchievement } from "../../src/credential/schema.js";
import {
  CredentialSigningError, IssuerKeyError, IssuerKeyFileError, IssuerMismatchError,
  createIssuerKey, didWebDocument, didWebUrl,
  loadIssuerKey, saveIssuerKey, signCredential, verifyIssuerSignature, type DidDocuments, type IssuerKey,
} from "../../src/credential/sign/index.js";
import { keyPairOf } from "../../src/credential/sign/keys.js";
import { buildCredentialV3 } from "../../src/credential/v3/build.js";
import { withoutNetwork } from "./helpers/network.js";

const NAME = "smart-contract-security";
const course = parseAchievement(JSON.parse(readFileSync(path.join("seeds/courses", `${NAME}.json`), "utf8")));
const learners = parseLearnersCsv(readFileSync(path.join("seeds/learners", `${NAME}.csv`), "utf8"));
const SALTS = { name: "0123456789abcdef0123456789abcdef", studentId: "fedcba9876543210fedcba9876543210" };
const CREATED = "2026-07-01T09:00:00Z";
// Every verification is made as of this time: the tests do not depend on the clock.
const NOW = "2027-01-01T00:00:00Z";
const WEB_DID = "did:web:uni.example";
const MERKLE_PROOF = {
  type: "DataIntegrityProof",
  cryptosuite: "credstack-merkle-2026",
  proofPurpose: "assertionMethod",
  verificationMethod: "did:pkh:eip155:31337:0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  proofValue: "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk",
};

/** The seed learner's v3 credential, issued by `issuerDid`. */
const credentialOf = (issuerDid: string, learner = 0) =>
  buildCredentialV3({
    achievement: course, learner: learners[learner]!, target: { chainId: 31337 }, salts: SALTS, issuerDid,
    id: "urn:uuid:6f1c2f3e-1b7a-4c55-9a40-3f1d2b9e8c01", issuedAt: "2026-06-30",
  });

// The independent check: @digitalbazaar/vc with a loader of the test's own (did:key from the DID,
// did:web from the given documents, contexts from credstack's pinned loader).
const didKeyDriver = DidKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });
function testLoader(didDocuments: Record<string, any> = {}) {
  return async (url: string) => {
    if (url.startsWith("did:key:")) {
      return { contextUrl: null, documentUrl: url, document: await didKeyDriver.get({ url }) };
    }
    const [did, fragment] = url.split("#");
    if (did! in didDocuments) {
      const doc = didDocuments[did!];
      const document = fragment ? doc.verificationMethod.find((m: any) => m.id === url) : doc;
      return { contextUrl: null, documentUrl: url, document };
    }
    return documentLoader(url);
  };
}
const vcVerify = (credential: object, didDocuments?: Record<string, any>) =>
  vc.verifyCredential({
    credential, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: testLoader(didDocuments), now: NOW,
  });
const INVALID = { verified: false, error: "Invalid signature." };


async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("issuer signatures (eddsa-rdfc-2022, checked by @digitalbazaar/vc)", () => {
  let key: IssuerKey;
  let other: IssuerKey;
  let webKey: IssuerKey;
  let signed: any;
  before(async () => {
    [key, other, webKey] = await Promise.all([createIssuerKey(), createIssuerKey(), createIssuerKey({ did: WEB_DID })]);
    signed = await signCredential({ credential: credentialOf(key.controller), key, created: CREATED });
  });

  describe("signing with a did:key key", () => {
    it("the key: controller did:key:<publicKeyMultibase>, method id <did>#<publicKeyMultibase>", () => {
      expect(key.publicKeyMultibase).to.match(/^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
      expect(key.controller).to.equal(`did:key:${key.publicKeyMultibase}`);
      expect(key.id).to.equal(`${key.controller}#${key.publicKeyMultibase}`);
    });

    it("appends one eddsa-rdfc-2022 DataIntegrityProof to a proof array; the input is not modified", async () => {
      const credential = credentialOf(key.controller);
      const before = structuredClone(credential);
      const out = await signCredential({ credential, key, created: CREATED });
      expect(credential).to.deep.equal(before);
      expect(out.proof).to.have.length(1);
      const { proofValue, ...rest } = out.proof[0] as any;
      expect(rest).to.deep.equal({
        type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", created: CREATED,
        verificationMethod: key.id, proofPurpose: "assertionMethod",
      });
      expect(proofValue).to.match(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/);
      const { proof: _p, ...unsigned } = out;
      expect(unsigned).to.deep.equal(before);
    });

    it("verifies with @digitalbazaar/vc directly, and with verifyIssuerSignature", async () => {
      const direct = await vcVerify(signed);
      expect(direct.verified, String(direct.error)).to.equal(true);
      expect(direct.results).to.have.length(1);
      expect(direct.results![0]!.proof.proofValue).to.equal(signed.proof[0].proofValue);
      const wrapped = await verifyIssuerSignature({ credential: signed, now: NOW });
      expect(wrapped).to.deep.equal({ verified: true, proof: signed.proof[0] });
    });

    it("the loader is asked for the credential's four contexts and the DID only (no Multikey / DI context)", async () => {
      const asked = new Set<string>();
      const load = testLoader();
      const recording = (url: string) => (asked.add(url), load(url));
      const out = await vc.verifyCredential({
        credential: signed, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: recording, now: NOW,
      });
      expect(out.verified).to.equal(true);
      expect([...asked].sort()).to.deep.equal([...signed["@context"], key.controller, key.id].sort());
    });

    it("still passes the formal OB 3.0 schema and JSON-LD safe expansion", async () => {
      expect(validateOpenBadgeCredential(signed)).to.deep.equal([]);
      const expanded = await expandSafe(signed);
      expect(expanded.ok ? [] : expanded.problems).to.deep.equal([]);
    });

    const tamperings: Record<string, (c: any) => void> = {
      grade: (c) => (c.credentialSubject.result[0].value = "9.5"),
      name: (c) => (c.name = `${c.name} (honours)`),
      validFrom: (c) => (c.validFrom = "2026-06-29T00:00:00Z"),
      "an alignment": (c) => (c.credentialSubject.achievement.alignment[0].targetUrl = "http://data.europa.eu/snb/eqf/8"),
      "the proof's created date": (c) => (c.proof[0].created = "2026-07-02T09:00:00Z"),
    };
    for (const [field, tamper] of Object.entries(tamperings)) {
      it(`tampering with ${field} → not verified`, async () => {
        const changed = structuredClone(signed);
        tamper(changed);
        expect(changed).not.to.deep.equal(signed);
        expect((await vcVerify(changed)).verified).to.equal(false);
        expect(await verifyIssuerSignature({ credential: changed, now: NOW })).to.deep.equal(INVALID);
      });
    }

    it("a proof made with another secret key but naming the issuer's key → not verified", async () => {
      const forger = await Ed25519Multikey.generate({ id: key.id, controller: key.controller });
      const unsigned = credentialOf(key.controller);
      const forged = await vc.issue({
        credential: unsigned,
        suite: new DataIntegrityProof({ signer: forger.signer(), cryptosuite }),
        documentLoader: testLoader(),
      });
      expect(forged.proof.verificationMethod).to.equal(key.id);
      expect((await vcVerify({ ...forged, proof: [forged.proof] })).verified).to.equal(false);
      expect(await verifyIssuerSignature({ credential: forged, now: NOW })).to.deep.equal(INVALID);
    });

    it("a valid proof by a key the issuer does not control → not verified", async () => {
      const byOther = await vc.issue({
        credential: credentialOf(key.controller),
        suite: new DataIntegrityProof({ signer: keyPairOf(other).signer(), cryptosuite }),
        documentLoader: testLoader(),
      });
      expect(byOther.proof.verificationMethod).to.equal(other.id);
      expect((await vcVerify(byOther)).verified).to.equal(false);
      const result = await verifyIssuerSignature({ credential: byOther, now: NOW });
      const error = "Credential issuer must match the verification method controller.";
      expect(result).to.deep.equal({ verified: false, error });
    });

    it("refuses to sign when issuer.id is not the key's controller (IssuerMismatchError)", async () => {
      const error = await rejection(signCredential({ credential: credentialOf(other.controller), key }));
      expect(error).to.be.instanceOf(IssuerMismatchError);
      expect(error.issuerId).to.equal(other.controller);
      expect(error.controller).to.equal(key.controller);
      expect(error.shortMessage).to.equal("Cannot sign: the credential's issuer.id is not the key's controller.");
    });

    it("refuses to sign a term no context defines (safe canonicalization: CredentialSigningError)", async () => {
      const credential = { ...credentialOf(key.controller), favouriteColour: "blue" };
      expect(await rejection(signCredential({ credential, key }))).to.be.instanceOf(CredentialSigningError);
    });
  });

  describe("in a proof set with credstack's Merkle proof", () => {
    it("[merkle, eddsa]: the Merkle proof stays first and unchanged, and the credential verifies", async () => {
      const withMerkle = { ...credentialOf(key.controller), proof: [structuredClone(MERKLE_PROOF)] };
      const out = await signCredential({ credential: withMerkle, key, created: CREATED });
      expect(out.proof).to.have.length(2);
      expect(out.proof[0]).to.deep.equal(MERKLE_PROOF);
      expect(out.proof[1]).to.deep.equal(signed.proof[0]); // Ed25519 is deterministic: the same signature
      const direct = await vcVerify(out);
      expect(direct.verified, String(direct.error)).to.equal(true);
      expect(direct.results!.map((r) => r.proof.cryptosuite)).to.deep.equal(["eddsa-rdfc-2022"]);
      expect((await verifyIssuerSignature({ credential: out, now: NOW })).verified).to.equal(true);
      expect(validateOpenBadgeCredential(out)).to.deep.equal([]);
    });

    it("[eddsa, merkle] (proof added after signing) verifies; a changed Merkle proof does not affect it", async () => {
      const out = { ...signed, proof: [...signed.proof, { ...MERKLE_PROOF, proofValue: "zOther" }] };
      expect((await vcVerify(out)).verified).to.equal(true);
      expect((await verifyIssuerSignature({ credential: out, now: NOW })).verified).to.equal(true);
    });

    it("a credential with the Merkle proof only has no issuer signature", async () => {
      const merkleOnly = { ...credentialOf(key.controller), proof: [MERKLE_PROOF] };
      expect((await vcVerify(merkleOnly)).verified).to.equal(false);
      expect(await verifyIssuerSignature({ credential: merkleOnly, now: NOW })).to.deep.equal({
        verified: false, error: "no eddsa-rdfc-2022 DataIntegrityProof in the credential",
      });
    });
  });

  describe("did:web issuers", () => {
    it("the key and its DID document (Multikey, assertionMethod), published at /.well-known/did.json", () => {
      expect(webKey.controller).to.equal(WEB_DID);
      expect(webKey.id).to.equal(`${WEB_DID}#${webKey.publicKeyMultibase}`);
      expect(didWebDocument(webKey)).to.deep.equal({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        id: WEB_DID,
        verificationMethod: [
          { id: webKey.id, type: "Multikey", controller: WEB_DID, publicKeyMultibase: webKey.publicKeyMultibase },
        ],
        assertionMethod: [webKey.id],
      });
      expect(didWebUrl(WEB_DID)).to.equal("https://uni.example/.well-known/did.json");
      expect(didWebUrl("did:web:uni.example%3A8443:issuers:law")).to.equal("https://uni.example:8443/issuers/law/did.json");
    });

    it("signs; verifies given the DID document (directly and by the wrapper); without it, says it is needed", async () => {
      const out = await signCredential({ credential: credentialOf(WEB_DID), key: webKey, created: CREATED });
      const didDocuments: DidDocuments = { [WEB_DID]: didWebDocument(webKey) };
      const direct = await vcVerify(out, didDocuments);
      expect(direct.verified, String(direct.error)).to.equal(true);
      expect((await verifyIssuerSignature({ credential: out, didDocuments, now: NOW })).verified).to.equal(true);
      expect(await verifyIssuerSignature({ credential: out, now: NOW })).to.deep.equal({
        verified: false,
        error: `The DID document of ${WEB_DID} is needed: pass it in didDocuments (credstack does not fetch it).\n\n` +
          "It is published at https://uni.example/.well-known/did.json.",
      });
    });

    it("a DID document naming another key, or relative ids of the signing key, decide as they should", async () => {
      const out = await signCredential({ credential: credentialOf(WEB_DID), key: webKey, created: CREATED });
      const impostor = await createIssuerKey({ did: WEB_DID });
      const impostorDocs = { [WEB_DID]: didWebDocument(impostor) };
      const wrong = await verifyIssuerSignature({ credential: out, didDocuments: impostorDocs, now: NOW });
      const error = `DID document of ${WEB_DID}: no verification method ${webKey.id} in it`;
      expect(wrong).to.deep.equal({ verified: false, error });
      const doc = didWebDocument(webKey);
      const fragment = webKey.id.slice(WEB_DID.length);
      const relative = {
        ...doc, verificationMethod: [{ ...doc.verificationMethod[0]!, id: fragment }], assertionMethod: [fragment],
      };
      const result = await verifyIssuerSignature({ credential: out, didDocuments: { [WEB_DID]: relative }, now: NOW });
      expect(result.verified).to.equal(true);
    });

    it("a did:key is never given as a did (IssuerKeyError); did:key keys have no did:web document", async () => {
      expect(await rejection(createIssuerKey({ did: key.controller }))).to.be.instanceOf(IssuerKeyError);
      expect(() => didWebDocument(key)).to.throw(IssuerKeyError, "a DID document is published for did:web keys only");
    });
  });

  it("nothing is fetched: signing and verifying, did:key and did:web", async () => {
    const { result, fetches } = await withoutNetwork(async () => {
      const a = await signCredential({ credential: credentialOf(key.controller, 1), key });
      const b = await signCredential({ credential: { ...credentialOf(WEB_DID, 2), proof: [MERKLE_PROOF] }, key: webKey });
      return Promise.all([
        verifyIssuerSignature({ credential: a, now: NOW }),
        verifyIssuerSignature({ credential: b, didDocuments: { [WEB_DID]: didWebDocument(webKey) }, now: NOW }),
        verifyIssuerSignature({ credential: b, now: NOW }),
      ]);
    });
    expect(result.map((r) => r.verified)).to.deep.equal([true, true, false]);
    expect(fetches).to.deep.equal([]);
  });

  describe("key files", () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "credstack-sign-"))));
    afterEach(() => rm(dir, { recursive: true, force: true }));
    const posix = process.platform !== "win32";

    it("round trip: written 0600, read back as the same key, which signs verifiable credentials", async function () {
      const file = path.join(dir, "issuer-key.json");
      await saveIssuerKey(file, webKey);
      if (posix) expect((await stat(file)).mode & 0o777).to.equal(0o600);
      const json = JSON.parse(await readFile(file, "utf8"));
      expect(Object.keys(json)).to.deep.equal([
        "@context", "type", "id", "controller", "publicKeyMultibase", "secretKeyMultibase",
      ]);
      const loaded = await loadIssuerKey(file);
      expect({ ...loaded }).to.deep.equal({ ...webKey });
      const out = await signCredential({ credential: credentialOf(WEB_DID), key: loaded, created: CREATED });
      const didDocuments = { [WEB_DID]: didWebDocument(webKey) };
      expect((await verifyIssuerSignature({ credential: out, didDocuments, now: NOW })).verified).to.equal(true);
    });

    it("never overwrites a key file", async () => {
      const file = path.join(dir, "issuer-key.json");
      await saveIssuerKey(file, key);
      const before = await readFile(file, "utf8");
      const error = await rejection(saveIssuerKey(file, other));
      expect(error).to.be.instanceOf(IssuerKeyFileError);
      expect(error.shortMessage).to.equal(
        `Issuer key file ${file}: already exists; not overwritten (a key file is never replaced)`,
      );
      expect(await readFile(file, "utf8")).to.equal(before);
    });

    it("refuses a key file group or others may read (POSIX)", async function () {
      if (!posix) this.skip();
      const file = path.join(dir, "issuer-key.json");
      await saveIssuerKey(file, key);
      await chmod(file, 0o644);
      const error = await rejection(loadIssuerKey(file));
      expect(error).to.be.instanceOf(IssuerKeyFileError);
      expect(error.shortMessage).to.equal(
        `Issuer key file ${file}: is readable or writable by group or others (mode 0644); run chmod 600 on it`,
      );
    });

    it("a malformed key file: an IssuerKeyFileError naming the field, never quoting the secret", async () => {
      const file = path.join(dir, "issuer-key.json");
      await saveIssuerKey(file, key);
      const good = JSON.parse(await readFile(file, "utf8"));
      const otherSecret = (await keyPairOf(other).export({ secretKey: true })).secretKeyMultibase;
      const cases: [string, unknown, string | undefined][] = [
        ["not JSON", `${JSON.stringify(good).slice(0, -1)},}`, undefined],
        ["an array", [good], "(root)"],
        ["type", { ...good, type: "Ed25519VerificationKey2020" }, "type"],
        ["controller missing", { ...good, controller: undefined }, "controller"],
        ["controller another did:key", { ...good, controller: other.controller, id: other.id }, "controller"],
        ["id", { ...good, id: "did:web:elsewhere.example#k" }, "id"],
        // A secp256k1 Multikey header (zQ3s…): not an Ed25519 key.
        ["publicKeyMultibase", { ...good, publicKeyMultibase: `zQ3s${good.publicKeyMultibase.slice(4)}` },
          "publicKeyMultibase"],
        ["secretKeyMultibase missing", { ...good, secretKeyMultibase: undefined }, "secretKeyMultibase"],
        ["secretKeyMultibase garbage", { ...good, secretKeyMultibase: "z111" }, "secretKeyMultibase"],
        ["secretKeyMultibase of another key", { ...good, secretKeyMultibase: otherSecret }, "secretKeyMultibase"],
      ];
      for (const [what, content, field] of cases) {
        const bad = path.join(dir, `bad-${what.replace(/\W+/g, "-")}.json`);
        await writeFile(bad, typeof content === "string" ? content : JSON.stringify(content), { mode: 0o600 });
        const error = await rejection(loadIssuerKey(bad));
        expect(error, what).to.be.instanceOf(IssuerKeyFileError);
        expect(error.field, what).to.equal(field);
        expect(error.file, what).to.equal(bad);
        expect(error.message, what).not.to.include(good.secretKeyMultibase.slice(1, 20));
        expect(error.message, what).not.to.include(otherSecret!.slice(1, 20));
        expect(error.cause, what).to.equal(undefined);
      }
    });

    it("a key shows no secret when logged or serialized", async () => {
      const secret = (await keyPairOf(key).export({ secretKey: true })).secretKeyMultibase!;
      expect(JSON.stringify(key)).not.to.include(secret);
      expect(inspect(key, { depth: 10, showHidden: true })).not.to.include(secret);
      expect(Object.keys(key)).to.deep.equal(["type", "id", "controller", "publicKeyMultibase"]);
    });
  });
});
