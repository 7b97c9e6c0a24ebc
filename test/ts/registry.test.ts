import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, ZeroHash, id, type Signer } from "ethers";
import { GAS_BUDGETS, measureRegistryGas, syntheticProof } from "../../scripts/lib/measure-gas.js";

const { ethers, networkHelpers, viem } = await network.create();
const { time, loadFixture } = networkHelpers;

const YEAR = 365 * 86_400;
const DAY = 86_400;
const Status = { None: 0, Active: 1, Suspended: 2, Withdrawn: 3 } as const;
const BatchStatus = { None: 0, Active: 1, RevocationPending: 2, Revoked: 3 } as const;
const CredentialState = { Valid: 0, NotAnchored: 1, InvalidProof: 2 } as const;

/** The EIP-712 type an operator key signs to consent to operate for an issuer. */
const CONSENT_TYPES = {
  OperatorConsent: [
    { name: "issuer", type: "address" },
    { name: "key", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

/** One bit per index, in word 0 (indices below 256). */
const bits = (...indices: number[]) => indices.reduce((m, i) => m | (1n << BigInt(i)), 0n);

async function deployFixture() {
  type S = HardhatEthersSigner;
  const [admin, accreditor, otherAccreditor, issuer, operator, issuerB, operatorB, stranger] = (await ethers.getSigners()) as [S, S, S, S, S, S, S, S];
  // Untyped on purpose: these tests call every function by name, including reverting ones.
  const registry: any = await ethers.deployContract("CredentialRegistry", [3 * DAY, admin.address]);
  const role = await registry.ACCREDITOR_ROLE();
  await registry.grantRole(role, accreditor.address);
  await registry.grantRole(role, otherAccreditor.address);
  const now = await time.latest();
  await registry.connect(accreditor).accredit(issuer.address, id("Example University"), 7, now, now + 5 * YEAR);
  await registry.connect(accreditor).accredit(issuerB.address, id("Other College"), 6, now, now + 5 * YEAR);
  const address: string = await registry.getAddress();
  /** `key`'s consent to operate for `issuer` (EIP-712, domain credstack v2 of this registry), as addOperator's arguments. */
  const consent = async (key: Signer, issuerAddress: string, deadline?: number): Promise<[string, number, string]> => {
    const keyAddress = await key.getAddress();
    const until = deadline ?? (await time.latest()) + 3_600;
    const domain = { name: "credstack", version: "2", chainId: 31337, verifyingContract: address };
    return [keyAddress, until, await key.signTypedData(domain, CONSENT_TYPES, { issuer: issuerAddress, key: keyAddress, deadline: until })];
  };
  await registry.connect(issuer).addOperator(...(await consent(operator, issuer.address)));
  await registry.connect(issuerB).addOperator(...(await consent(operatorB, issuerB.address)));
  const root = id("batch-1");
  await registry.connect(operator).anchorBatch(root, 1000, id("manifest-1"));
  return { registry, role, consent, admin, accreditor, otherAccreditor, issuer, operator, issuerB, operatorB, stranger, root, start: now };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;
let f: Fixture;
let registry: Fixture["registry"];

/** The (revoked, pending, suspended) bits of word `word` of batch `root` of `issuer`. */
async function word(issuer: string, root: string, w = 0n): Promise<{ revoked: bigint; pending: bigint; suspended: bigint; pendingBy: string; pendingSince: bigint }> {
  const [s] = await registry.statusWords(issuer, root, [w]);
  return { revoked: s.revoked, pending: s.pending, suspended: s.suspended, pendingBy: s.pendingBy, pendingSince: s.pendingSince };
}

describe("CredentialRegistry", () => {
  beforeEach(async () => {
    f = await loadFixture(deployFixture);
    registry = f.registry;
  });

  describe("accreditation", () => {
    it("accredits an issuer and records the profile, window and level", async () => {
      const t = await time.latest();
      await expect(registry.connect(f.accreditor).accredit(f.stranger.address, id("p"), 5, t, t + YEAR))
        .to.emit(registry, "IssuerAccredited")
        .withArgs(f.stranger.address, f.accreditor.address, id("p"), 5, t, t + YEAR);
      const a = await registry.accreditationAt(f.stranger.address, t + 10);
      expect(a.status).to.equal(Status.Active);
      expect(a.maxEqfLevel).to.equal(5);
      expect(a.accreditor).to.equal(f.accreditor.address);
      expect(a.profileDigest).to.equal(id("p"));
      expect(await registry.isAccredited(f.stranger.address, t + 10)).to.equal(true);
      expect(await registry.isAccredited(f.stranger.address, t + YEAR)).to.equal(false);
      expect(await registry.issuerProfile(f.stranger.address)).to.deep.equal([id("p"), f.accreditor.address]);
      expect(await registry.accreditationHistoryLength(f.stranger.address)).to.equal(1n);
    });

    it("only an ACCREDITOR may accredit", async () => {
      const t = await time.latest();
      await expect(registry.connect(f.stranger).accredit(f.stranger.address, id("p"), 5, t, t + YEAR))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.stranger.address, f.role);
    });

    it("rejects a zero issuer, an operator key as issuer, an EQF level outside 1..8 and an empty or past window", async () => {
      const t = await time.latest();
      const acc = registry.connect(f.accreditor);
      await expect(acc.accredit(ZeroAddress, id("p"), 5, t, t + YEAR)).to.be.revertedWithCustomError(registry, "InvalidIssuer").withArgs(ZeroAddress);
      await expect(acc.accredit(f.operator.address, id("p"), 5, t, t + YEAR)).to.be.revertedWithCustomError(registry, "InvalidIssuer").withArgs(f.operator.address);
      await expect(acc.accredit(f.stranger.address, id("p"), 0, t, t + YEAR)).to.be.revertedWithCustomError(registry, "InvalidEqfLevel").withArgs(0);
      await expect(acc.accredit(f.stranger.address, id("p"), 9, t, t + YEAR)).to.be.revertedWithCustomError(registry, "InvalidEqfLevel").withArgs(9);
      await expect(acc.accredit(f.stranger.address, id("p"), 5, t + 10, t + 10))
        .to.be.revertedWithCustomError(registry, "InvalidValidityWindow")
        .withArgs(t + 10, t + 10);
      await expect(acc.accredit(f.stranger.address, id("p"), 5, t - YEAR, t - 1))
        .to.be.revertedWithCustomError(registry, "InvalidValidityWindow")
        .withArgs(t - YEAR, t - 1);
    });

    it("a renewal must come from the issuer's accreditor (or an admin)", async () => {
      const t = await time.latest();
      await expect(registry.connect(f.otherAccreditor).accredit(f.issuer.address, id("x"), 8, t, t + YEAR))
        .to.be.revertedWithCustomError(registry, "NotIssuerAccreditor")
        .withArgs(f.issuer.address, f.otherAccreditor.address);
      await expect(registry.connect(f.otherAccreditor).suspend(f.issuer.address, t))
        .to.be.revertedWithCustomError(registry, "NotIssuerAccreditor")
        .withArgs(f.issuer.address, f.otherAccreditor.address);
      await registry.connect(f.admin).grantRole(f.role, f.admin.address);
      await expect(registry.connect(f.admin).suspend(f.issuer.address, t + 1)).to.emit(registry, "AccreditationSuspended");
    });

    it("suspends, reinstates and withdraws with effect from a timestamp, keeping history", async () => {
      const acc = registry.connect(f.accreditor);
      await time.increase(1000);
      const t1 = await time.latest();
      await expect(acc.suspend(f.issuer.address, t1 - 500)).to.emit(registry, "AccreditationSuspended").withArgs(f.issuer.address, f.accreditor.address, t1 - 500);
      await time.increase(100);
      const t2 = await time.latest();
      await expect(acc.reinstate(f.issuer.address, t2)).to.emit(registry, "AccreditationReinstated").withArgs(f.issuer.address, f.accreditor.address, t2);
      await time.increase(100);
      const t3 = await time.latest();
      await expect(acc.withdraw(f.issuer.address, t3)).to.emit(registry, "AccreditationWithdrawn").withArgs(f.issuer.address, f.accreditor.address, t3);

      expect(await registry.isAccredited(f.issuer.address, t1 - 501)).to.equal(true);
      expect(await registry.isAccredited(f.issuer.address, t1 - 500)).to.equal(false);
      expect((await registry.accreditationAt(f.issuer.address, t1)).status).to.equal(Status.Suspended);
      expect(await registry.isAccredited(f.issuer.address, t2)).to.equal(true);
      expect((await registry.accreditationAt(f.issuer.address, t3)).status).to.equal(Status.Withdrawn);
      expect((await registry.accreditationAt(f.issuer.address, f.start - 1)).status).to.equal(Status.None);
      expect(await registry.accreditationHistoryLength(f.issuer.address)).to.equal(4n);
    });

    it("rejects status changes that are unknown, in the future, out of order, at the same time or not allowed", async () => {
      const acc = registry.connect(f.accreditor);
      const t = await time.latest();
      await expect(acc.suspend(f.stranger.address, t)).to.be.revertedWithCustomError(registry, "UnknownIssuer").withArgs(f.stranger.address);
      await expect(acc.suspend(f.issuer.address, t + 100)).to.be.revertedWithCustomError(registry, "EffectiveTimeInFuture");
      await expect(acc.reinstate(f.issuer.address, t))
        .to.be.revertedWithCustomError(registry, "InvalidStatusTransition")
        .withArgs(f.issuer.address, Status.Active, Status.Active);
      await acc.suspend(f.issuer.address, t);
      await expect(acc.suspend(f.issuer.address, t + 1))
        .to.be.revertedWithCustomError(registry, "InvalidStatusTransition")
        .withArgs(f.issuer.address, Status.Suspended, Status.Suspended);
      await expect(acc.reinstate(f.issuer.address, t - 10))
        .to.be.revertedWithCustomError(registry, "EffectiveTimeNotAfterLastChange")
        .withArgs(t - 10, t);
      // History is strictly ordered: the same effective time would overwrite the suspension.
      await expect(acc.reinstate(f.issuer.address, t))
        .to.be.revertedWithCustomError(registry, "EffectiveTimeNotAfterLastChange")
        .withArgs(t, t);
      await acc.withdraw(f.issuer.address, t + 2);
      await expect(acc.withdraw(f.issuer.address, t + 3))
        .to.be.revertedWithCustomError(registry, "InvalidStatusTransition")
        .withArgs(f.issuer.address, Status.Withdrawn, Status.Withdrawn);
      await expect(acc.reinstate(f.issuer.address, t + 3))
        .to.be.revertedWithCustomError(registry, "InvalidStatusTransition")
        .withArgs(f.issuer.address, Status.Withdrawn, Status.Active);
    });
  });

  describe("operator keys", () => {
    it("adds and removes operators with events and point-in-time tenure", async () => {
      await expect(registry.connect(f.issuer).addOperator(...(await f.consent(f.stranger, f.issuer.address))))
        .to.emit(registry, "OperatorAdded")
        .withArgs(f.issuer.address, f.stranger.address);
      const added = await time.latest();
      expect(await registry.operatorsOf(f.issuer.address)).to.deep.equal([f.operator.address, f.stranger.address]);
      await time.increase(10);
      await expect(registry.connect(f.issuer).removeOperator(f.stranger.address)).to.emit(registry, "OperatorRemoved").withArgs(f.issuer.address, f.stranger.address);
      const removed = await time.latest();
      expect(await registry.isOperator(f.issuer.address, f.stranger.address, added)).to.equal(true);
      expect(await registry.isOperator(f.issuer.address, f.stranger.address, removed)).to.equal(false);
      expect(await registry.isOperator(f.issuerB.address, f.stranger.address, added)).to.equal(false);
      expect((await registry.operatorKey(f.stranger.address)).removedAt).to.equal(removed);
    });

    it("rejects unknown issuers, zero keys, issuers as keys, reused keys, foreign keys and too many keys", async () => {
      await expect(registry.connect(f.stranger).addOperator(...(await f.consent(f.stranger, f.stranger.address))))
        .to.be.revertedWithCustomError(registry, "UnknownIssuer")
        .withArgs(f.stranger.address);
      const deadline = (await time.latest()) + 3_600;
      await expect(registry.connect(f.issuer).addOperator(ZeroAddress, deadline, "0x")).to.be.revertedWithCustomError(registry, "InvalidOperator").withArgs(ZeroAddress);
      await expect(registry.connect(f.issuer).addOperator(...(await f.consent(f.issuer, f.issuer.address))))
        .to.be.revertedWithCustomError(registry, "InvalidOperator")
        .withArgs(f.issuer.address);
      await expect(registry.connect(f.issuer).addOperator(...(await f.consent(f.issuerB, f.issuer.address))))
        .to.be.revertedWithCustomError(registry, "InvalidOperator")
        .withArgs(f.issuerB.address);
      await expect(registry.connect(f.issuerB).addOperator(...(await f.consent(f.operator, f.issuerB.address))))
        .to.be.revertedWithCustomError(registry, "OperatorKeyAlreadyUsed")
        .withArgs(f.operator.address);
      await expect(registry.connect(f.issuerB).removeOperator(f.operator.address))
        .to.be.revertedWithCustomError(registry, "NotOperatorOf")
        .withArgs(f.issuerB.address, f.operator.address);
      await registry.connect(f.issuer).removeOperator(f.operator.address);
      await expect(registry.connect(f.issuer).addOperator(...(await f.consent(f.operator, f.issuer.address))))
        .to.be.revertedWithCustomError(registry, "OperatorKeyAlreadyUsed")
        .withArgs(f.operator.address);
      const max = Number(await registry.MAX_OPERATORS());
      for (let i = 0; i < max; i++) await registry.connect(f.issuer).addOperator(...(await f.consent(ethers.Wallet.createRandom(), f.issuer.address)));
      await expect(registry.connect(f.issuer).addOperator(...(await f.consent(ethers.Wallet.createRandom(), f.issuer.address))))
        .to.be.revertedWithCustomError(registry, "TooManyOperators")
        .withArgs(f.issuer.address, max);
    });

    it("a removed key cannot anchor nor revoke, but what it anchored stays (key rotation)", async () => {
      await registry.connect(f.issuer).addOperator(...(await f.consent(f.stranger, f.issuer.address)));
      await registry.connect(f.issuer).removeOperator(f.operator.address);
      await expect(registry.connect(f.operator).anchorBatch(id("x"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "NotOperator").withArgs(f.operator.address);
      await expect(registry.connect(f.operator).revokeCredentials(f.root, [0], [bits(1)], 1))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(f.operator.address);
      const batch = await registry.batchOf(f.issuer.address, f.root);
      expect(batch.anchoringKey).to.equal(f.operator.address);
      expect(batch.status).to.equal(BatchStatus.Active);
      expect(batch.anchoringKeyCompromised).to.equal(false);
      // The new key revokes (pending), the issuer's account makes it final.
      await registry.connect(f.stranger).revokeCredentials(f.root, [0], [bits(1)], 1);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ revoked: 0n, pending: bits(1), pendingBy: f.stranger.address });
      await registry.connect(f.issuer).revokeCredentials(f.root, [0], [bits(1)], 1);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ revoked: bits(1), pending: 0n });
    });
  });

  describe("anchoring", () => {
    it("anchors a batch into one record and emits BatchAnchored naming the operator key", async () => {
      const root = id("batch-2");
      await expect(registry.connect(f.operator).anchorBatch(root, 7, id("m")))
        .to.emit(registry, "BatchAnchored")
        .withArgs(root, f.issuer.address, f.operator.address, 7, id("m"));
      const batch = await registry.batchOf(f.issuer.address, root);
      expect(batch.anchoringKey).to.equal(f.operator.address);
      expect(batch.leafCount).to.equal(7);
      expect(batch.anchoredAt).to.equal(await time.latest());
      expect(batch.status).to.equal(BatchStatus.Active);
      expect((await registry.batchOf(f.issuerB.address, root)).status).to.equal(BatchStatus.None);
    });

    it("rejects a zero root, an empty batch, a duplicate root of the same issuer and a non-operator", async () => {
      const op = registry.connect(f.operator);
      await expect(op.anchorBatch(ZeroHash, 1, ZeroHash)).to.be.revertedWithCustomError(registry, "InvalidRoot");
      await expect(op.anchorBatch(id("y"), 0, ZeroHash)).to.be.revertedWithCustomError(registry, "EmptyBatch");
      await expect(op.anchorBatch(f.root, 5, ZeroHash)).to.be.revertedWithCustomError(registry, "BatchAlreadyAnchored").withArgs(f.issuer.address, f.root);
      await expect(registry.connect(f.issuer).anchorBatch(id("y"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "NotOperator").withArgs(f.issuer.address);
      // Another issuer's copy of the same root is its own batch, and does not touch the first.
      await expect(registry.connect(f.operatorB).anchorBatch(f.root, 5, ZeroHash))
        .to.emit(registry, "BatchAnchored")
        .withArgs(f.root, f.issuerB.address, f.operatorB.address, 5, ZeroHash);
      expect((await registry.batchOf(f.issuer.address, f.root)).leafCount).to.equal(1000);
      expect((await registry.batchOf(f.issuerB.address, f.root)).leafCount).to.equal(5);
      await expect(registry.connect(f.operatorB).anchorBatch(f.root, 5, ZeroHash))
        .to.be.revertedWithCustomError(registry, "BatchAlreadyAnchored")
        .withArgs(f.issuerB.address, f.root);
    });

    it("rejects anchoring while the issuer is suspended, withdrawn, expired or not yet valid", async () => {
      const acc = registry.connect(f.accreditor);
      const op = registry.connect(f.operator);
      await acc.suspend(f.issuer.address, await time.latest());
      await expect(op.anchorBatch(id("s"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "IssuerNotAccredited").withArgs(f.issuer.address);
      await acc.reinstate(f.issuer.address, await time.latest());
      await op.anchorBatch(id("s"), 1, ZeroHash);
      await acc.withdraw(f.issuer.address, await time.latest());
      await expect(op.anchorBatch(id("w"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "IssuerNotAccredited").withArgs(f.issuer.address);

      const t = await time.latest();
      await acc.accredit(f.issuerB.address, id("Other College"), 6, t + 1000, t + 2000);
      const opB = registry.connect(f.operatorB);
      await expect(opB.anchorBatch(id("early"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "IssuerNotAccredited").withArgs(f.issuerB.address);
      await time.increaseTo(t + 1000);
      await opB.anchorBatch(id("in-window"), 1, ZeroHash);
      await time.increaseTo(t + 2000);
      await expect(opB.anchorBatch(id("late"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "IssuerNotAccredited").withArgs(f.issuerB.address);
    });

    it("an operator added while suspended inherits the suspension, and the reinstatement", async () => {
      await registry.connect(f.accreditor).suspend(f.issuer.address, await time.latest());
      await registry.connect(f.issuer).addOperator(...(await f.consent(f.stranger, f.issuer.address)));
      await expect(registry.connect(f.stranger).anchorBatch(id("z"), 1, ZeroHash)).to.be.revertedWithCustomError(registry, "IssuerNotAccredited");
      await registry.connect(f.accreditor).reinstate(f.issuer.address, await time.latest());
      await registry.connect(f.stranger).anchorBatch(id("z"), 1, ZeroHash);
    });
  });

  describe("revocation and suspension", () => {
    it("revokes credentials by index masks, idempotently, with a reason: pending from a key, final from the issuer", async () => {
      const words = [0n, 2n];
      const masks = [bits(3, 4), 1n << (700n - 512n)];
      await expect(registry.connect(f.operator).revokeCredentials(f.root, words, masks, 2))
        .to.emit(registry, "CredentialsRevoked")
        .withArgs(f.root, f.issuer.address, f.operator.address, 2, false, words, masks);
      const since = BigInt(await time.latest());
      const [w0, w1, w2] = await registry.statusWords(f.issuer.address, f.root, [0n, 1n, 2n]);
      expect([w0.pending, w1.pending, w2.pending]).to.deep.equal([bits(3, 4), 0n, 1n << 188n]);
      expect([w0.revoked, w2.revoked, w0.suspended]).to.deep.equal([0n, 0n, 0n]);
      expect([w0.pendingBy, w0.pendingSince, w0.pendingFinalAt]).to.deep.equal([f.operator.address, since, since + 7n * BigInt(DAY)]);
      // A retry changes nothing, and does not restart the delay.
      await time.increase(100);
      await registry.connect(f.operator).revokeCredentials(f.root, [0n], [bits(3)], 2);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ pending: bits(3, 4), pendingSince: since });
      // The issuer's own account revokes finally, at once.
      await expect(registry.connect(f.issuer).revokeCredentials(f.root, [0n], [bits(3)], 2))
        .to.emit(registry, "CredentialsRevoked")
        .withArgs(f.root, f.issuer.address, f.issuer.address, 2, true, [0n], [bits(3)]);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ revoked: bits(3), pending: bits(4) });
      for (const i of [0, 2, 5]) expect((await word(f.issuer.address, f.root)).revoked & bits(i)).to.equal(0n);
    });

    it("suspends and reinstates credentials", async () => {
      await expect(registry.connect(f.operator).suspendCredentials(f.root, [0n], [bits(10, 11)]))
        .to.emit(registry, "CredentialsSuspended")
        .withArgs(f.root, f.issuer.address, f.operator.address, [0n], [bits(10, 11)]);
      expect((await word(f.issuer.address, f.root)).suspended).to.equal(bits(10, 11));
      await expect(registry.connect(f.issuer).reinstateCredentials(f.root, [0n], [bits(10)]))
        .to.emit(registry, "CredentialsReinstated")
        .withArgs(f.root, f.issuer.address, f.issuer.address, [0n], [bits(10)]);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ suspended: bits(11), revoked: 0n, pending: 0n });
    });

    it("revokes a whole batch with a reason; once final its status can no longer change", async () => {
      await expect(registry.connect(f.operator).revokeBatch(f.root, 4))
        .to.emit(registry, "BatchRevoked")
        .withArgs(f.root, f.issuer.address, f.operator.address, 4, false);
      let batch = await registry.batchOf(f.issuer.address, f.root);
      expect([batch.status, batch.revocationReason, batch.revokedBy]).to.deep.equal([BatchStatus.RevocationPending, 4n, f.operator.address]);
      expect(batch.revocationFinalAt).to.equal(batch.revokedAt + BigInt(7 * DAY));
      await expect(registry.connect(f.issuer).revokeBatch(f.root, 4))
        .to.emit(registry, "BatchRevoked")
        .withArgs(f.root, f.issuer.address, f.issuer.address, 4, true);
      batch = await registry.batchOf(f.issuer.address, f.root);
      expect([batch.status, batch.revocationReason, batch.leafCount]).to.deep.equal([BatchStatus.Revoked, 4n, 1000n]);
      expect(batch.revocationFinalAt).to.equal(batch.revokedAt);
      await expect(registry.connect(f.operator).revokeBatch(f.root, 4)).to.be.revertedWithCustomError(registry, "BatchIsRevoked").withArgs(f.issuer.address, f.root);
      await expect(registry.connect(f.operator).suspendCredentials(f.root, [0n], [bits(1)]))
        .to.be.revertedWithCustomError(registry, "BatchIsRevoked")
        .withArgs(f.issuer.address, f.root);
      await expect(registry.connect(f.issuer).cancelBatchRevocation(f.root)).to.be.revertedWithCustomError(registry, "BatchIsRevoked").withArgs(f.issuer.address, f.root);
    });

    it("rejects unknown batches, other issuers, strangers, empty or bad masks and indices out of range", async () => {
      const op = registry.connect(f.operator);
      await expect(op.revokeCredentials(id("nope"), [0n], [bits(1)], 1)).to.be.revertedWithCustomError(registry, "UnknownBatch").withArgs(f.issuer.address, id("nope"));
      await expect(op.revokeBatch(id("nope"), 1)).to.be.revertedWithCustomError(registry, "UnknownBatch").withArgs(f.issuer.address, id("nope"));
      // Issuer B's operator cannot reach A's batch: B has no batch with that root.
      await expect(registry.connect(f.operatorB).revokeCredentials(f.root, [0n], [bits(1)], 1))
        .to.be.revertedWithCustomError(registry, "UnknownBatch")
        .withArgs(f.issuerB.address, f.root);
      await expect(registry.connect(f.operatorB).revokeBatch(f.root, 1)).to.be.revertedWithCustomError(registry, "UnknownBatch").withArgs(f.issuerB.address, f.root);
      await expect(registry.connect(f.stranger).revokeCredentials(f.root, [0n], [bits(1)], 1))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(f.stranger.address);
      await expect(registry.connect(f.accreditor).reinstateCredentials(f.root, [0n], [bits(1)]))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(f.accreditor.address);
      await expect(op.revokeCredentials(f.root, [], [], 1)).to.be.revertedWithCustomError(registry, "InvalidIndexMasks");
      await expect(op.revokeCredentials(f.root, [0n, 1n], [bits(1)], 1)).to.be.revertedWithCustomError(registry, "InvalidIndexMasks");
      await expect(op.revokeCredentials(f.root, [0n], [0n], 1)).to.be.revertedWithCustomError(registry, "InvalidIndexMasks");
      // Indices 5 and 1000 (word 3, bit 232): 1000 is not below the leaf count.
      await expect(op.revokeCredentials(f.root, [0n, 3n], [bits(5), 1n << 232n], 1))
        .to.be.revertedWithCustomError(registry, "IndexOutOfRange")
        .withArgs(f.root, 1000, 1000);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ revoked: 0n, pending: 0n });
    });

    it("a suspended or withdrawn issuer can still revoke what it issued", async () => {
      await registry.connect(f.accreditor).withdraw(f.issuer.address, await time.latest());
      await registry.connect(f.operator).revokeCredentials(f.root, [0n], [bits(9)], 1);
      await registry.connect(f.issuer).revokeCredentials(f.root, [0n], [bits(8)], 1);
      expect(await word(f.issuer.address, f.root)).to.deep.include({ revoked: bits(8), pending: bits(9) });
    });
  });

  describe("inclusion proofs (checkCredential)", () => {
    it("checks a depth-20 proof against an anchored root, and rejects wrong leaves, proofs and roots", async () => {
      const t = await time.latest();
      const fields = {
        index: 7n,
        achievementId: id("https://example.edu/courses/1"),
        creditsCenti: 500,
        eqfLevel: 6,
        awardedAt: t,
        holder: f.stranger.address,
        credentialDigest: id("digest"),
      };
      // Format v3 leaves bind the issuer: the same fields under another issuer give another leaf.
      const leaf: string = await registry.leafOf(f.issuer.address, fields);
      expect(await registry.leafOf(f.operator.address, fields)).to.not.equal(leaf);
      const { proof, root } = syntheticProof(20, 7, leaf as `0x${string}`);
      const check = async (r: string, fl: typeof fields, p: string[]) => {
        const [state, recomputed] = await registry.checkCredential(f.issuer.address, r, fl, p);
        return [Number(state), recomputed];
      };
      expect(await check(root, fields, proof)).to.deep.equal([CredentialState.NotAnchored, leaf]); // not anchored yet
      await registry.connect(f.operator).anchorBatch(root, 1 << 20, ZeroHash);
      expect(await check(root, fields, proof)).to.deep.equal([CredentialState.Valid, leaf]);
      expect((await check(root, { ...fields, holder: f.issuer.address }, proof))[0]).to.equal(CredentialState.InvalidProof);
      expect((await check(root, fields, proof.slice(0, 19)))[0]).to.equal(CredentialState.InvalidProof);
      expect((await check(f.root, fields, proof))[0]).to.equal(CredentialState.InvalidProof);
    });
  });

  describe("gas", () => {
    it("stays within the budgets, and within a regression bound for the rest", async () => {
      const rows = await measureRegistryGas(viem);
      const gas = (op: string) => {
        const row = rows.find((r) => r.operation.startsWith(op));
        if (!row) throw new Error(`no row ${op}`);
        return row.gas;
      };
      for (const row of rows) {
        if (row.budget !== undefined) expect(row.gas <= row.budget, `${row.operation}: ${row.gas} > ${row.budget}`).to.equal(true);
      }
      expect(gas("anchor batch") <= GAS_BUDGETS.anchor, `anchor ${gas("anchor batch")}`).to.equal(true);
      expect(gas("revoke 100 neighbours in one") <= GAS_BUDGETS.revoke100OneWord, `revoke 100 ${gas("revoke 100 neighbours in one")}`).to.equal(true);
      expect(gas("revoke 100 neighbours across") <= GAS_BUDGETS.revoke100TwoWords, `revoke 100/2 ${gas("revoke 100 neighbours across")}`).to.equal(true);
      // A single revocation is authorised, evented and (from an operator key) records who and when
      // for the delay: these bounds only guard against regressions.
      // The first revocation or suspension in a batch also sets its status flag (~3k, once), which spares every
      // safe check of an untouched batch its three status words (6.3k each time).
      expect(gas("revoke 1 credential, fresh word (operator") <= 89_000n, `revoke fresh ${gas("revoke 1 credential, fresh word (operator")}`).to.equal(true);
      expect(gas("revoke 1 credential, word in use") <= 54_000n, `revoke used ${gas("revoke 1 credential, word in use")}`).to.equal(true);
      expect(gas("revoke 1 credential, fresh word (issuer") <= 64_000n, `revoke final ${gas("revoke 1 credential, fresh word (issuer")}`).to.equal(true);
    });
  });
});
