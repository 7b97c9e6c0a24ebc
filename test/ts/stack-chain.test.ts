import { expect } from "chai";
import { getContractEvents } from "viem/actions";
import type { Address, Hex } from "viem";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { recordFromVerifiableCredential, toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { stackingRegistryAbi } from "../../src/chain/abi.js";
import {
  anchorBatch, claimPathway, getAward, getPathway, packCredentials, registerPathway, revokeCredentials, signStackClaim,
  suspendCredentials, type PathwayRegistration,
} from "../../src/chain/actions/index.js";
import { ContractRevertError } from "../../src/chain/errors.js";
import { ECTS } from "../../src/credential/v3/vocabulary.js";
import {
  countedInputs, evaluatePathway, findRegisteredPathway, onChainRulesOf, parsePathway, pathwayIdOf, prepareStackClaim,
  StackClaimError, type Pathway,
} from "../../src/stack/index.js";
import { STACKING_BUDGETS, measureStackingGas } from "../../scripts/lib/measure-stacking-gas.js";
import { devAccount } from "./helpers/fixtures.js";
import { ROLE, addr, learner, seedCourse, twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/**
 * Stacking on chain (#12): pathways registered by an accredited issuer and claimed — by the holder,
 * or relayed with the holder's EIP-712 signature — with components of two institutions, each
 * checked by the registry's batched safe check against a real `hardhat node`; and each way a claim
 * fails, with the contract's own error.
 */

const SCS_ID = "https://credentials.univ-amsterdam.example/achievements/smart-contract-security";
const DPBD_ID = "https://credentials.ub-barcelona.example/achievements/data-protection-by-design";

const base = () => ({
  format: "credstack-pathway/1",
  type: "Pathway",
  id: "https://uva.example/pathways/responsible-blockchain-engineering",
  version: "1.0.0",
  name: "Certificate in Responsible Blockchain Engineering",
  awardingBody: { id: "did:web:uva.example", name: "Universiteit van Amsterdam (synthetic)" },
  destination: { achievementId: "https://uva.example/achievements/rbe-certificate", name: "Responsible Blockchain Engineering", eqfLevel: 6 },
  creditUnit: ECTS.uri,
  components: [
    { id: "sec", type: "CredentialComponent", name: "Smart Contract Security", proxyFor: SCS_ID, awardedBy: [addr(ROLE.uva)], minEqfLevel: 6 },
    { id: "gdpr", type: "CredentialComponent", name: "Data Protection by Design", proxyFor: DPBD_ID, awardedBy: [addr(ROLE.ub)], minEqfLevel: 6 },
  ] as Record<string, unknown>[],
  condition: { requiredNumber: 2, targetComponent: ["sec", "gdpr"] } as Record<string, unknown>,
  rules: { totalCredits: { min: 9 }, issuers: { minDistinct: 2 }, window: { maxAgeDays: 1826 } } as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
});

/** A pathway of ECTS in three open slots, one required (what credits from a recognition or a MOOC count towards). */
const creditsOnly = (version: string, rules: Record<string, unknown>, slots = 3) => ({
  ...base(),
  id: "https://uva.example/pathways/blockchain-credits",
  version,
  components: ["e1", "e2", "e3"].slice(0, slots).map((id) => ({ id, type: "BasicComponent", name: `Elective ${id}` })),
  condition: { requiredNumber: 1, targetComponent: ["e1"] },
  rules,
});

describe("stacking on chain: pathways registered and claimed across two institutions (#12)", function () {
  this.timeout(300_000);
  let f: TwoInstitutions;
  let scs: Batch;
  let dpbd: Batch;
  let mooc: Batch;
  let retake: Batch;
  let versions = 0;
  const vc = (b: Batch, i: number) => JSON.stringify(toVerifiableCredential(b.credentials[i] as CredentialRecordV3));

  /** Registers the pathway (a fresh version of it unless `keepVersion`) from UvA's account. */
  async function publish(json: ReturnType<typeof base> | ReturnType<typeof creditsOnly>, keepVersion = false): Promise<{ pathway: Pathway; registration: PathwayRegistration }> {
    const pathway = parsePathway(keepVersion ? json : { ...json, version: `${json.version.split(".")[0]}.${++versions}.0` });
    const { rules, lists } = onChainRulesOf(pathway);
    await registerPathway(f.wallet(ROLE.uva), { stacking: f.stacking, pathwayId: pathwayIdOf(pathway), rules, lists });
    const registration = await findRegisteredPathway(f.client, { stacking: f.stacking, pathwayId: pathwayIdOf(pathway) });
    return { pathway, registration };
  }

  /** Packs credentials for the claimant as an SDK bypassing every pre-check would, and claims: what the contract alone decides. */
  async function rawClaim(registration: PathwayRegistration, inputs: string[], holder = addr(ROLE.holder)): Promise<void> {
    const credentials = inputs.map((text) => {
      const { leaf, proof } = recordFromVerifiableCredential(JSON.parse(text));
      return { ...leaf, root: proof.root, proof: proof.path };
    });
    const packed = packCredentials({ credentials, listed: registration.lists.achievementIds });
    const claim = { issuer: registration.issuer, pathwayId: registration.pathwayId, holder, deadline: Math.floor(Date.now() / 1000) + 3600 };
    await claimPathway(f.wallet(ROLE.holder), { stacking: f.stacking, claim, lists: registration.lists, packed });
  }

  async function refusedWith(promise: Promise<unknown>, errorName: string, args?: unknown[]): Promise<ContractRevertError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error, `expected ${errorName}`).to.be.instanceOf(ContractRevertError);
    const revert = error as ContractRevertError;
    expect(revert.errorName).to.equal(errorName);
    if (args) expect(revert.args.map((a) => (typeof a === "bigint" ? Number(a) : a))).to.deep.equal(args);
    expect(revert.shortMessage).to.not.match(/^.*reverted with/); // a sentence, not the raw revert
    return revert;
  }

  before(async () => {
    f = await twoInstitutions();
    scs = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [
      learner("S1", addr(ROLE.holder), "8.5"),
      learner("S2", addr(ROLE.other), "7"),
      learner("S3", addr(ROLE.holder), "6", "2026-07-01"),
    ], f.target);
    dpbd = buildBatch(seedCourse("data-protection-by-design", addr(ROLE.ub)), [
      learner("B1", addr(ROLE.holder), "Notable", "2026-07-10"),
      learner("B2", addr(ROLE.holder), "Aprovat", "2026-07-11"),
    ], f.target);
    // UvA's recognition decision on a MOOC (non-formal learning outside ECTS) as 5 ECTS at EQF 6.
    mooc = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva), (raw) => {
      raw.id = "https://uva.example/recognitions/mooc-blockchain-basics";
      raw.title = "Recognition: Blockchain Basics (MOOC)";
      raw.recognition = { pathway: "https://uva.example/pathways/blockchain-credits", component: "any", source: { name: "Blockchain Basics (MOOC)", url: "https://mooc.example/courses/blockchain-basics" } };
    }), [learner("R1", addr(ROLE.holder), "7", "2026-08-01")], f.target);
    // The holder took Smart Contract Security again: a second credential of the same achievement.
    retake = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [learner("S4", addr(ROLE.holder), "9", "2026-09-01")], f.target);
    for (const [batch, op] of [[scs, ROLE.uvaOp], [dpbd, ROLE.ubOp], [mooc, ROLE.uvaOp], [retake, ROLE.uvaOp]] as const) {
      await anchorBatch(f.wallet(op), { registry: f.registry, root: batch.manifest.root, leafCount: batch.manifest.leafCount, manifestDigest: manifestDigest(batch.manifest) });
    }
  });

  after(async () => f?.stop());

  it("projects a pathway onto the contract's rules, saying what only the SDK enforces", () => {
    const p = parsePathway({ ...base(), rules: { ...base().rules, outcomes: ["http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"], order: "required" } });
    const { rules, lists, offChainOnly } = onChainRulesOf(p);
    expect(rules).to.include({ minCreditsCenti: 900, minEqfLevel: 6, minDistinctIssuers: 2, maxAgeSeconds: 1826 * 86_400, minUnlisted: 0, maxUnlisted: 0, exclusive: false });
    expect(lists.achievementIssuers).to.deep.equal([addr(ROLE.uva), addr(ROLE.ub)]);
    expect(lists.groups).to.deep.equal([{ requiredNumber: 2, members: 3n }]);
    expect(offChainOnly).to.deep.equal(["outcomes", "order"]);
    // An OR of ANDs has no n-of-groups form.
    const orOfAnds = { ...base(), condition: { requiredNumber: 1, hasCondition: [{ requiredNumber: 1, targetComponent: ["sec"] }, { requiredNumber: 2, targetComponent: ["sec", "gdpr"] }] } };
    expect(() => onChainRulesOf(parsePathway(orOfAnds))).to.throw(/condition: a choice among nested conditions: not expressible on chain/);
    // Open slots: the required ones are the fewest unlisted components, all of them the most.
    expect(onChainRulesOf(parsePathway(creditsOnly("1.0.0", { totalCredits: { min: 9 } }))).rules).to.include({ minUnlisted: 1, maxUnlisted: 3 });
    // Review findings: no open slot, no unlisted credential; an open slot required by an AND stays required;
    // recognisers do not widen the allow-list.
    const noSlot = parsePathway({ ...base(), condition: { requiredNumber: 1, targetComponent: ["sec", "gdpr"] } });
    expect(onChainRulesOf(noSlot).rules).to.include({ minUnlisted: 0, maxUnlisted: 0 });
    const andSlot = parsePathway({ ...base(), components: [base().components[0], { id: "any", type: "BasicComponent", name: "Any" }], condition: { requiredNumber: 2, targetComponent: ["sec", "any"] }, rules: {} });
    expect(onChainRulesOf(andSlot).rules).to.include({ minUnlisted: 1, maxUnlisted: 1, minCreditsCenti: 0 });
    const recognizer = addr(ROLE.other);
    const withRecognizer = parsePathway({ ...base(), rules: { ...base().rules, issuers: { allow: [addr(ROLE.uva), addr(ROLE.ub)] }, recognizers: [recognizer] } });
    const projected = onChainRulesOf(withRecognizer);
    expect(projected.lists.issuers).to.not.include(recognizer);
    expect(projected.offChainOnly.join(" ")).to.match(/recognition/);
  });

  it("a holder claims across two institutions after the SDK's evaluation; the award and its event name the leaves", async () => {
    const { pathway, registration } = await publish(base(), true);
    const record = await getPathway(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: pathwayIdOf(pathway) });
    expect(record?.rules.definitionDigest).to.equal(onChainRulesOf(pathway).rules.definitionDigest);
    const inputs = [vc(scs, 0), vc(dpbd, 0), vc(scs, 1)];
    const evaluation = await evaluatePathway(pathway, inputs, { client: f.client, registry: f.registry, holder: addr(ROLE.holder) });
    expect(evaluation.met).to.equal(true);
    const draft = await prepareStackClaim(f.client, {
      registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs, include: countedInputs(evaluation),
    });
    expect(draft.components.map((c) => c.input)).to.deep.equal([0, 1]);
    const tx = await claimPathway(f.wallet(ROLE.holder), draft);
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: registration.pathwayId, holder: addr(ROLE.holder) })).to.equal(draft.leavesHash);
    const [event] = await getContractEvents(f.client, { address: f.stacking, abi: stackingRegistryAbi, eventName: "PathwayAwarded", fromBlock: tx.blockNumber, toBlock: tx.blockNumber, strict: true });
    expect(event!.args.leaves).to.deep.equal(draft.leaves);
    expect(event!.args.holder).to.equal(addr(ROLE.holder));
    // Awarded once; a second claim is refused before anything is sent, and by the contract.
    const again = await prepareStackClaim(f.client, { registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs: inputs.slice(0, 2) })
      .then(() => undefined, (e: unknown) => e);
    expect((again as StackClaimError).code).to.equal("CS-STACK-ALREADY-AWARDED");
    await refusedWith(rawClaim(registration, inputs.slice(0, 2)), "AlreadyAwarded");
  });

  it("anyone relays a claim with the holder's signature; another key's signature is refused", async () => {
    const { registration } = await publish(base());
    const inputs = [vc(scs, 0), vc(dpbd, 0)];
    const draft = await prepareStackClaim(f.client, { registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs });
    const typed = { stacking: f.stacking, chainId: f.chainId, claim: draft.claim, leavesHash: draft.leavesHash, nonce: draft.claimNonce };
    const forged = await signStackClaim(devAccount(ROLE.other), typed);
    await refusedWith(claimPathway(f.wallet(ROLE.admin), { ...draft, signature: forged }), "InvalidHolderSignature", [addr(ROLE.holder)]);
    const signature = await signStackClaim(devAccount(ROLE.holder), typed);
    await claimPathway(f.wallet(ROLE.admin), { ...draft, signature }); // the awarding side pays the gas
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: registration.pathwayId, holder: addr(ROLE.holder) })).to.equal(draft.leavesHash);
  });

  it("a recognised non-formal credential (a MOOC, outside ECTS) counts its recognised credits on chain", async () => {
    const { registration } = await publish(creditsOnly("1.0.0", { totalCredits: { min: 9 } }));
    await claimPathway(f.wallet(ROLE.holder), await prepareStackClaim(f.client, {
      registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs: [vc(mooc, 0), vc(dpbd, 1)],
    }));
    expect(await getAward(f.client, { stacking: f.stacking, issuer: addr(ROLE.uva), pathwayId: registration.pathwayId, holder: addr(ROLE.holder) })).to.not.equal(null);
  });

  it("a revoked or suspended component is refused before signing and by the contract, each with its state", async () => {
    const { registration } = await publish(base());
    await revokeCredentials(f.wallet(ROLE.uva), { registry: f.registry, root: scs.manifest.root, indices: [2], reason: 1 });
    await suspendCredentials(f.wallet(ROLE.ubOp), { registry: f.registry, root: dpbd.manifest.root, indices: [1] });
    for (const [inputs, state, words] of [[[vc(scs, 2), vc(dpbd, 0)], 9, /revoked/], [[vc(scs, 0), vc(dpbd, 1)], 11, /suspended/]] as const) {
      const error = await prepareStackClaim(f.client, { registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs: [...inputs] })
        .then(() => undefined, (e: unknown) => e as StackClaimError);
      expect(error?.code).to.equal("CS-STACK-COMPONENT-INVALID");
      expect(error?.shortMessage).to.match(words);
      const bad = inputs[0] === vc(scs, 2) ? 0 : 1;
      await refusedWith(rawClaim(registration, [...inputs]), "ComponentInvalid", [bad, state]);
    }
  });

  it("another holder's credential is refused: by the SDK as WRONG-HOLDER, on chain as a proof that fails for the claimant", async () => {
    const { registration } = await publish(base());
    const inputs = [vc(scs, 1), vc(dpbd, 0)]; // S2 is ROLE.other's
    const error = await prepareStackClaim(f.client, { registry: f.registry, stacking: f.stacking, registration, holder: addr(ROLE.holder), inputs })
      .then(() => undefined, (e: unknown) => e as StackClaimError);
    expect(error?.code).to.equal("CS-STACK-WRONG-HOLDER");
    await refusedWith(rawClaim(registration, inputs), "ComponentInvalid", [0, 2]);
  });

  it("each unmet rule is refused by the contract with its own error", async () => {
    const ub = addr(ROLE.ub);
    const cases: [string, ReturnType<typeof base> | ReturnType<typeof creditsOnly>, string[], string, unknown[]?][] = [
      ["too few credits", { ...base(), rules: { ...base().rules, totalCredits: { min: 20 } } }, [vc(scs, 0), vc(dpbd, 0)], "TooFewCredits", [900, 2000]],
      ["level too low", { ...base(), components: base().components.map((c) => ({ ...c, minEqfLevel: 7 })) }, [vc(scs, 0), vc(dpbd, 0)], "LevelTooLow", [0, 6, 7]],
      ["outside the window", { ...base(), rules: { ...base().rules, window: { maxAgeDays: 1 } } }, [vc(scs, 0), vc(dpbd, 0)], "OutsideWindow"],
      ["a required module missing", { ...base(), components: [...base().components, { id: "x", type: "BasicComponent", name: "Elective" }] }, [vc(scs, 0), vc(mooc, 0)], "GroupUnmet", [0, 1, 2]],
      ["issuer not allowed", creditsOnly("1.0.0", { totalCredits: { min: 9 }, issuers: { allow: [addr(ROLE.uva)] } }), [vc(scs, 0), vc(dpbd, 0)], "IssuerNotAllowed", [ub]],
      ["three unlisted credentials, two open slots", creditsOnly("1.0.0", { totalCredits: { min: 1 } }, 2), [vc(scs, 0), vc(dpbd, 0), vc(mooc, 0)], "UnlistedOutOfBounds", [3, 1, 2]],
      ["too few institutions", creditsOnly("1.0.0", { totalCredits: { min: 9 }, issuers: { minDistinct: 2 } }), [vc(scs, 0), vc(mooc, 0)], "TooFewInstitutions", [1, 2]],
      ["a component twice", base(), [vc(scs, 0), vc(dpbd, 0), vc(dpbd, 0)], "AchievementRepeated", [2]],
      ["a module twice (a retake)", base(), [vc(scs, 0), vc(dpbd, 0), vc(retake, 0)], "AchievementRepeated", [2]],
      ["no credential where a required open slot is", { ...base(), components: [...base().components, { id: "x", type: "BasicComponent", name: "Elective" }], condition: { requiredNumber: 3, targetComponent: ["sec", "gdpr", "x"] } }, [vc(scs, 0), vc(dpbd, 0)], "UnlistedOutOfBounds", [0, 1, 1]],
      ["an unlisted credential padding the credits", { ...base(), rules: { ...base().rules, totalCredits: { min: 14 } } }, [vc(scs, 0), vc(dpbd, 0), vc(mooc, 0)], "UnlistedOutOfBounds", [1, 0, 0]],
    ];
    for (const [what, json, inputs, errorName, args] of cases) {
      const { registration } = await publish(json);
      const revert = await refusedWith(rawClaim(registration, inputs), errorName, args).catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
      expect(revert.shortMessage, what).to.be.a("string");
    }
  });

  it("an exclusive pathway locks its components against every other exclusive pathway", async () => {
    const exclusive = { ...base(), rules: { ...base().rules, exclusive: true } };
    const first = await publish(exclusive);
    const second = await publish(exclusive);
    const inputs = [vc(scs, 0), vc(dpbd, 0)];
    await claimPathway(f.wallet(ROLE.holder), await prepareStackClaim(f.client, { registry: f.registry, stacking: f.stacking, registration: first.registration, holder: addr(ROLE.holder), inputs }));
    await refusedWith(rawClaim(second.registration, inputs), "ComponentLocked", [0]);
  });

  it("gas: a claim's cost per component at depth 20 stays within the budgets (osaka ≤ 36k, cancun ≤ 25k) for untouched batches", async () => {
    const { network } = await import("hardhat");
    for (const hardfork of ["osaka", "cancun"]) {
      const { viem } = await network.create({ override: { hardfork } } as never);
      const rows = await measureStackingGas(viem, hardfork);
      for (const row of rows.filter((r) => r.marginal !== undefined && !r.pathway.includes("touched"))) {
        expect(row.marginal! <= STACKING_BUDGETS[hardfork]!, `${hardfork} ${row.pathway} ${row.components}: ${row.marginal}`).to.equal(true);
      }
      // A batch with a revocation or suspension elsewhere costs its three status words more (reported, not budgeted).
      const touched = rows.find((r) => r.pathway.includes("touched") && r.components === 30)!;
      const clean = rows.find((r) => r.pathway === "credits-only" && r.components === 30)!;
      expect(touched.gas > clean.gas).to.equal(true);
    }
  });

  it("a pathway file that is not the registered definition is refused by its digest", async () => {
    const { pathway } = await publish(base());
    const changed = parsePathway({ ...pathway, description: "edited after registration" });
    const error = await findRegisteredPathway(f.client, { stacking: f.stacking, pathwayId: pathwayIdOf(changed), definitionDigest: onChainRulesOf(changed).rules.definitionDigest })
      .then(() => undefined, (e: unknown) => e as StackClaimError);
    expect(error?.code).to.equal("CS-STACK-PATHWAY-DIGEST-MISMATCH");
    await refusedWith(registerPathway(f.wallet(ROLE.uva), { stacking: f.stacking, pathwayId: pathwayIdOf(pathway), ...onChainRulesOf(pathway) }), "PathwayAlreadyRegistered");
    await refusedWith(
      registerPathway(f.wallet(ROLE.holder), { stacking: f.stacking, pathwayId: pathwayIdOf(changed) as Hex, ...onChainRulesOf(changed) }),
      "NotAccreditedIssuer",
      [addr(ROLE.holder) as Address],
    );
  });
});
