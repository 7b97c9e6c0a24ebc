import { expect } from "chai";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { anchorBatch } from "../../src/chain/actions/index.js";
import { credentialDigestWithSalts } from "../../src/credential/disclosure.js";
import {
  createChallenge, createHolderKey, createPresentation, decryptHolderKey, deriveCredential, DisclosureError, encryptHolderKey,
  HolderKeyError, importHolderKey, PresentationError, readDerivedProof, type Presentation,
} from "../../src/present/index.js";
import { digestOfDigests, docFields, fieldDigestOf } from "../../src/present/fields.js";
import { loadKeystoreFile, saveKeystoreFile } from "../../src/present/keystore-file.js";
import { createReplayStore, verifyPresentation } from "../../src/present/verify.js";
import { devKey } from "./helpers/fixtures.js";
import { ROLE, addr, learner, seedCourse, twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/** Presentations (#13) on a real hardhat node: selective disclosure, holder binding, freshness, keystore. */
describe("presentations: derived credentials, holder signature, replay (#13)", function () {
  this.timeout(300_000);
  let f: TwoInstitutions;
  let scs: Batch;
  const DOMAIN = "https://admissions.example";
  const GRADE = "8.5";
  const holder = () => importHolderKey({ privateKey: devKey(ROLE.holder) });
  const vcOf = (i: number) => toVerifiableCredential(scs.credentials[i] as CredentialRecordV3) as Record<string, unknown>;
  const inFuture = () => new Date(Date.now() + 5 * 60_000);
  const options = (challenge: string, extra: Record<string, unknown> = {}) =>
    ({ challenge, domain: DOMAIN, replay: createReplayStore({ ttlMs: 600_000 }), client: f.client, registry: f.registry, ...extra });

  before(async () => {
    f = await twoInstitutions();
    scs = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [
      learner("S1", addr(ROLE.holder), GRADE), learner("S2", addr(ROLE.other), "7"),
    ], f.target);
    await anchorBatch(f.wallet(ROLE.uvaOp), { registry: f.registry, root: scs.manifest.root, leafCount: scs.manifest.leafCount, manifestDigest: manifestDigest(scs.manifest) });
  });
  after(async () => f?.stop());

  const present = async (challenge: string, disclose = { hide: ["grade"] }, key = holder()) =>
    createPresentation({ credentials: [vcOf(0)], disclose, challenge, domain: DOMAIN, expiresAt: inFuture(), holder: key });

  it("the browser-safe field digests agree with the credential digest of src/credential", () => {
    const vc = vcOf(0);
    const { proof: _p, ...document } = vc;
    const salts = Buffer.from((scs.credentials[0] as CredentialRecordV3).salts.slice(2), "hex");
    const ours = digestOfDigests(docFields(document).map((fl, i) => fieldDigestOf(`0x${salts.toString("hex", 16 * i, 16 * i + 16)}`, fl.pointer, fl.value)));
    expect(ours).to.equal(credentialDigestWithSalts(document, salts));
    expect(ours).to.equal((scs.credentials[0] as CredentialRecordV3).leaf.credentialDigest);
  });

  it("a presentation with a hidden grade verifies VALID on chain, the grade shown as hidden", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge);
    const report = await verifyPresentation(JSON.stringify(vp), options(challenge));
    expect(report.checks.map((c) => c.code)).to.deep.equal(["CS-PRESENTATION-VALID", "CS-HOLDER-VALID"]);
    expect(report.credentials[0]!.checks.map((c) => c.code)).to.deep.equal([
      "CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-VALID", "CS-ANCHOR-VALID", "CS-ACCREDITATION-VALID", "CS-STATUS-VALID", "CS-VALIDITY-VALID",
    ]);
    expect(report.status).to.equal("VALID");
    expect(report.disclosed[0]!.revealed).to.not.include("/credentialSubject/result/0");
    expect(report.disclosed[0]!.hidden).to.equal(1);
    expect((vp.verifiableCredential[0]!.credentialSubject as Record<string, unknown>).result).to.equal(undefined);
  });

  it("a hidden grade is not in the presentation in any form: no value, no salt, no seed; only a salted digest", async () => {
    const vp = await present(createChallenge(), { hide: ["grade", "name", "studentId"] });
    const text = JSON.stringify(vp);
    const record = scs.credentials[0] as CredentialRecordV3;
    const { proof: _p, ...document } = vcOf(0);
    const fields = docFields(document);
    const i = fields.findIndex((fl) => fl.pointer === "/credentialSubject/result/0");
    const salt = record.salts.slice(2 + 32 * i, 2 + 32 * (i + 1));
    const derived = readDerivedProof(vp.verifiableCredential[0]!);
    const decoded = JSON.stringify(derived).toLowerCase();
    for (const haystack of [text.toLowerCase(), decoded]) {
      expect(haystack).to.not.include(salt); // the grade's 128-bit salt
      expect(haystack).to.not.include(`"value":"${GRADE}"`);
      expect(haystack).to.not.include(`"${GRADE}"`);
    }
    expect(derived.pointers).to.not.include("/credentialSubject/result/0");
    expect(vp.verifiableCredential[0]!.credentialSubject).to.not.have.any.keys("result", "identifier");
    expect(derived.hidden).to.have.length(3);
    // What is there is SHA-256(JCS([salt, pointer, value])): the preimage holds the 128-bit salt, which no guess of the grade supplies.
    expect(derived.hidden).to.include(fieldDigestOf(`0x${salt}`, "/credentialSubject/result/0", fields[i]!.value));
    const guesses = ["1", "5", "6", "7", "8", "8.5", "9", "10"].map((g) => fieldDigestOf(`0x${"00".repeat(16)}`, "/credentialSubject/result/0", { ...(fields[i]!.value as object), value: g }));
    expect(derived.hidden.some((d) => guesses.includes(d))).to.equal(false);
    expect(text).to.not.match(/seed/i);
  });

  it("a tampered revealed value is INVALID: CS-INTEGRITY-DISCLOSED-MISMATCH (even re-signed by the holder)", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge, { hide: ["name"] } as never);
    const vc = structuredClone(vp.verifiableCredential[0]!) as { credentialSubject: { result: { value: string }[] } };
    vc.credentialSubject.result[0]!.value = "10";
    // The holder re-signs the altered credential: the signature holds, the integrity does not.
    const forged = await createPresentationOver(vp, [vc as unknown as Record<string, unknown>], challenge);
    const report = await verifyPresentation(forged, options(challenge));
    expect(report.status).to.equal("INVALID");
    expect(report.credentials[0]!.checks[1]!.code).to.equal("CS-INTEGRITY-DISCLOSED-MISMATCH");
    expect(report.checks[1]!.code).to.equal("CS-HOLDER-VALID");
    // Not re-signed: the holder's signature fails too.
    const unsigned = { ...vp, verifiableCredential: [vc] } as unknown as Presentation;
    const second = await verifyPresentation(unsigned, options(challenge));
    expect(second.credentials[0]!.checks[1]!.code).to.equal("CS-INTEGRITY-DISCLOSED-MISMATCH");
    expect(second.checks[1]!.code).to.equal("CS-HOLDER-SIGNATURE-INVALID");
  });

  it("a derived proof that cannot be read is CS-FORMAT-MERKLE-PROOF, and the holder's signature is not checked over it", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge);
    const vc = structuredClone(vp.verifiableCredential[0]!) as { proof: { proofValue: string }[] };
    vc.proof[0]!.proofValue = `${vc.proof[0]!.proofValue}A`; // no longer canonical base64url
    const report = await verifyPresentation({ ...vp, verifiableCredential: [vc] }, options(challenge));
    expect(report.credentials[0]!.checks.map((c) => c.code)).to.deep.equal(["CS-FORMAT-MERKLE-PROOF", ...Array(6).fill("CS-SKIPPED-PRECONDITION")]);
    expect(report.checks.map((c) => c.code)).to.deep.equal(["CS-PRESENTATION-VALID", "CS-SKIPPED-PRECONDITION"]);
    expect(report.status).to.equal("INVALID");
  });

  it("another challenge, another domain, an expired presentation, a reused challenge: each its own code", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge);
    expect((await verifyPresentation(vp, options(createChallenge()))).checks[0]!.code).to.equal("CS-PRESENTATION-CHALLENGE-MISMATCH");
    expect((await verifyPresentation(vp, { ...options(challenge), domain: "https://evil.example" })).checks[0]!.code).to.equal("CS-PRESENTATION-DOMAIN-MISMATCH");
    const late = await verifyPresentation(vp, options(challenge, { at: new Date(Date.now() + 10 * 60_000) }));
    expect(late.checks[0]!.code).to.equal("CS-PRESENTATION-EXPIRED");
    expect(late.status).to.equal("INVALID");
    const replay = createReplayStore({ ttlMs: 600_000 });
    const first = await verifyPresentation(vp, { ...options(challenge), replay });
    expect(first.status).to.equal("VALID");
    const again = await verifyPresentation(vp, { ...options(challenge), replay });
    expect(again.checks[0]!.code).to.equal("CS-PRESENTATION-REPLAYED");
    expect(again.status).to.equal("INVALID");
  });

  it("a node that is down decides nothing: ERROR, the challenge not spent; checked again later, VALID once, then REPLAYED", async () => {
    const { createPublicClient, http } = await import("viem");
    const { freePort } = await import("../../src/chain/local-node.js");
    const down = createPublicClient({ transport: http(`http://127.0.0.1:${await freePort()}`, { retryCount: 0, timeout: 2_000 }) });
    const challenge = createChallenge();
    const vp = await present(challenge);
    const replay = createReplayStore({ ttlMs: 600_000 });
    const outage = await verifyPresentation(vp, { ...options(challenge), replay, client: down as typeof f.client });
    expect(outage.status).to.equal("ERROR");
    expect(outage.checks.map((c) => c.code)).to.deep.equal(["CS-PRESENTATION-VALID", "CS-HOLDER-VALID"]);
    expect(replay.size).to.equal(0);
    expect((await verifyPresentation(vp, { ...options(challenge), replay })).status).to.equal("VALID");
    const again = await verifyPresentation(vp, { ...options(challenge), replay, client: down as typeof f.client });
    expect(again.checks[0]!.code).to.equal("CS-PRESENTATION-REPLAYED"); // looked up, even when nothing is decided
    expect(again.status).to.equal("INVALID");
  });

  it("no end of validity revealed while fields are hidden: VALID, but flagged expiryUnproven (the leaf does not bind validUntil)", async () => {
    const noExpiry = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva), (raw) => delete raw.validityMonths), [
      learner("S9", addr(ROLE.holder), "9"),
    ], f.target);
    await anchorBatch(f.wallet(ROLE.uvaOp), {
      registry: f.registry, root: noExpiry.manifest.root, leafCount: 1, manifestDigest: manifestDigest(noExpiry.manifest),
    });
    const vc = toVerifiableCredential(noExpiry.credentials[0] as CredentialRecordV3) as Record<string, unknown>;
    expect(vc).to.not.have.property("validUntil");
    const validityOf = async (credential: Record<string, unknown>, disclose: { hide: string[] }) => {
      const challenge = createChallenge();
      const vp = await createPresentation({ credentials: [credential], disclose, challenge, domain: DOMAIN, expiresAt: inFuture(), holder: holder() });
      const report = await verifyPresentation(vp, options(challenge));
      expect(report.status).to.equal("VALID");
      return report.credentials[0]!.checks.find((c) => c.id === "validity")!;
    };
    const hidden = await validityOf(vc, { hide: ["grade"] });
    expect(hidden.details?.expiryUnproven).to.equal(true);
    expect(hidden.message).to.match(/could be among them/);
    expect((await validityOf(vc, { hide: [] })).details?.expiryUnproven).to.equal(undefined); // nothing hidden
    expect((await validityOf(vcOf(0), { hide: ["grade"] })).details?.expiryUnproven).to.equal(undefined); // its end shown
  });

  it("a presentation signed by another key is INVALID: CS-HOLDER-SIGNATURE-INVALID; another's credential cannot be presented", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge);
    const thief = createHolderKey();
    const { presentationMessage, PRESENTATION_TYPES } = await import("../../src/present/presentation.js");
    const proofValue = await thief.account.signTypedData({
      domain: vp.proof.eip712.domain, types: PRESENTATION_TYPES, primaryType: "Presentation",
      message: presentationMessage({
        holder: holder().address, challenge, domain: DOMAIN, expires: vp.proof.expires, credentials: vp.verifiableCredential,
      }),
    });
    const report = await verifyPresentation({ ...vp, proof: { ...vp.proof, proofValue } }, options(challenge));
    expect(report.checks[1]!.code).to.equal("CS-HOLDER-SIGNATURE-INVALID");
    expect(report.status).to.equal("INVALID");
    await expectThrow(() => present(createChallenge(), { hide: ["grade"] }, thief), PresentationError);
  });

  it("a presentation, signed by its holder, of a credential bound to another account is INVALID: CS-HOLDER-NOT-SUBJECT", async () => {
    const challenge = createChallenge();
    const vp = await present(challenge);
    const others = deriveCredential({ credential: vcOf(1), disclose: { hide: ["grade"] } }).credential;
    const forged = await createPresentationOver(vp, [others], challenge);
    const report = await verifyPresentation(forged, options(challenge));
    expect(report.credentials[0]!.status).to.equal("VALID");
    expect(report.checks[1]!.code).to.equal("CS-HOLDER-NOT-SUBJECT");
    expect(report.checks[1]!.details).to.deep.equal({ credentials: [0] });
    expect(report.status).to.equal("INVALID");
  });

  it("refuses to hide what must stay revealed, naming the field; refuses a weak challenge", async () => {
    for (const field of ["/credentialSubject/achievement", "/credentialSubject/id", "/validFrom", "/credentialSubject/creditsEarned", "/issuer"]) {
      const error = await expectThrow(() => deriveCredential({ credential: vcOf(0), disclose: { hide: [field] } }), DisclosureError);
      expect((error as DisclosureError).field).to.equal(field);
      expect((error as DisclosureError).shortMessage).to.include(field);
    }
    await expectThrow(() => deriveCredential({ credential: vcOf(0), disclose: { hide: ["/nope"] } }), DisclosureError);
    await expectThrow(() => present("0123456789abcdef"), PresentationError);
  });

  it("the keystore round trip: encrypted with a password, a file of mode 0600, a wrong password refused", async () => {
    const key = createHolderKey();
    const json = await encryptHolderKey({ key, password: "correct horse battery" });
    expect(json).to.not.include(key.privateKey.slice(2));
    const parsed = JSON.parse(json);
    expect((parsed.crypto ?? parsed.Crypto).kdf).to.equal("scrypt");
    expect((await decryptHolderKey({ keystore: json, password: "correct horse battery" })).address).to.equal(key.address);
    await expectThrow(() => decryptHolderKey({ keystore: json, password: "wrong password!" }), HolderKeyError);
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-keys-"));
    try {
      const file = path.join(dir, "holder.json");
      await saveKeystoreFile({ path: file, key, password: "correct horse battery" });
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect((await loadKeystoreFile({ path: file, password: "correct horse battery" })).privateKey).to.equal(key.privateKey);
      await expectThrow(() => loadKeystoreFile({ path: file, password: "not the password" }), HolderKeyError);
      await expectThrow(() => saveKeystoreFile({ path: file, key, password: "correct horse battery" }), HolderKeyError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** The same presentation over other credentials, signed again by the holder. */
  async function createPresentationOver(vp: Presentation, credentials: Record<string, unknown>[], challenge: string): Promise<Presentation> {
    const { presentationMessage, PRESENTATION_TYPES } = await import("../../src/present/presentation.js");
    const message = presentationMessage({ holder: holder().address, challenge, domain: DOMAIN, expires: vp.proof.expires, credentials });
    const proofValue = await holder().account.signTypedData({ domain: vp.proof.eip712.domain, types: PRESENTATION_TYPES, primaryType: "Presentation", message });
    return { ...vp, verifiableCredential: credentials, proof: { ...vp.proof, proofValue } };
  }
});

async function expectThrow(run: () => unknown, type: new (...args: never[]) => Error): Promise<Error> {
  try {
    await run();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as Error;
  }
  throw new Error(`expected a ${type.name}`);
}
