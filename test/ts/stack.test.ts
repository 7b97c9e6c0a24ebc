import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, http, type Address } from "viem";
import { buildBatch, manifestDigest, type Batch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import {
  anchorBatch, revokeCredentials, suspendCredentials,
  type RegistryReadClient, type RegistryWalletClient,
} from "../../src/chain/actions/index.js";
import { parseAchievement, type Achievement, type Learner } from "../../src/credential/schema.js";
import { ECTS } from "../../src/credential/v3/vocabulary.js";
import { expandSafe } from "../../src/credential/jsonld.js";
import { validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { evaluatePathway, type PathwayEvaluation } from "../../src/stack/evaluate.js";
import { parsePathway, pathwayDigest, type Pathway } from "../../src/stack/pathway.js";
import { writeFile } from "node:fs/promises";
import { expectExit, json, runCli } from "./helpers/cli.js";
import { ROLE, addr, twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/**
 * Stacking off chain (#12, first part): a pathway of two institutions' micro-credentials, every
 * component verified against a real `hardhat node` before it counts, and each way of failing with
 * its own reason code.
 */

const ESCO = "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a";
const SCS_ID = "https://credentials.univ-amsterdam.example/achievements/smart-contract-security";
const DPBD_ID = "https://credentials.ub-barcelona.example/achievements/data-protection-by-design";

/** A seed course awarded by `issuer` (its first outcome aligned to an ESCO skill for SCS). */
function seedCourse(name: string, issuer: Address): Achievement {
  const raw = JSON.parse(readFileSync(`seeds/courses/${name}.json`, "utf8"));
  const outcomes = name === "smart-contract-security" ? [{ text: raw.learningOutcomes[0], esco: ESCO }, ...raw.learningOutcomes.slice(1)] : raw.learningOutcomes;
  return parseAchievement({ ...raw, learningOutcomes: outcomes, awardingBody: { ...raw.awardingBody, address: issuer } });
}

const learner = (id: string, wallet: Address, grade: string, date = "2026-06-30"): Learner => ({ id, name: `Learner ${id}`, wallet, grade, date });

const PATHWAY = {
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
    { id: "gdpr", type: "CredentialComponent", name: "Data Protection by Design", proxyFor: DPBD_ID, awardedBy: [addr(ROLE.ub)], precededBy: ["sec"] },
  ],
  condition: { requiredNumber: 2, targetComponent: ["sec", "gdpr"] },
  rules: { totalCredits: { min: 9 }, levelShare: { eqfLevel: 6, minCredits: 9 }, outcomes: [ESCO], issuers: { minDistinct: 2 }, window: { maxAgeDays: 1826 }, order: "required" },
};

describe("stacking: evaluatePathway across two institutions (#12)", function () {
  this.timeout(300_000);
  let f: TwoInstitutions;
  let tmp: string;
  let client: RegistryReadClient;
  let registry: Address;
  let chainId: number;
  let wallet: (role: number) => RegistryWalletClient;
  let scs: Batch;
  let dpbd: Batch;
  let recognitions: Batch;
  let recognitionOfGiven: Batch;
  let impostor: Batch;
  const AT = new Date("2026-12-01T00:00:00Z");
  const vc = (b: Batch, i: number) => JSON.stringify(toVerifiableCredential(b.credentials[i] as CredentialRecordV3));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits the JSON freely; parsePathway checks it
  const pathway = (change: (p: any) => void = () => undefined): Pathway => {
    const p = structuredClone(PATHWAY);
    change(p);
    return parsePathway(p);
  };
  const evaluate = (p: Pathway, inputs: string[], holder: Address = addr(ROLE.holder)) => evaluatePathway(p, inputs, { client, registry, at: AT, holder });
  const rule = (e: PathwayEvaluation, name: string) => e.rules.find((r) => r.rule === name)!;

  before(async () => {
    f = await twoInstitutions();
    ({ tmp, client, registry, chainId, wallet } = f);
    const target = f.target;
    // The holder's credentials (index 0), another learner's (index 1), and spares for revocation and suspension.
    scs = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), [
      learner("S1", addr(ROLE.holder), "8.5", "2026-06-30"),
      learner("S2", addr(ROLE.other), "7"),
      learner("S3", addr(ROLE.holder), "6", "2026-07-01"),
    ], target);
    dpbd = buildBatch(seedCourse("data-protection-by-design", addr(ROLE.ub)), [
      learner("B1", addr(ROLE.holder), "Notable", "2026-07-10"),
      learner("B2", addr(ROLE.holder), "Aprovat", "2026-07-11"),
      learner("B3", addr(ROLE.holder), "Excel·lent", "2026-06-01"),
    ], target);
    // UvA's recognition decision: a MOOC counts as the Smart Contract Security component of the pathway.
    const raw = JSON.parse(readFileSync("seeds/courses/smart-contract-security.json", "utf8"));
    const decision = parseAchievement({
      ...raw,
      id: "https://uva.example/recognitions/mooc-blockchain-basics",
      title: "Recognition: Blockchain Basics (MOOC) as Smart Contract Security",
      awardingBody: { ...raw.awardingBody, address: addr(ROLE.uva) },
      recognition: { pathway: PATHWAY.id, component: "sec", source: { name: "Blockchain Basics (MOOC)", url: "https://mooc.example/courses/blockchain-basics" } },
    });
    recognitions = buildBatch(decision, [learner("R1", addr(ROLE.holder), "7", "2026-08-01")], target);
    // UvA "recognises" UB's own course as SCS: the learning would count twice beside its own credential.
    recognitionOfGiven = buildBatch(parseAchievement({
      ...raw, id: "https://uva.example/recognitions/dpbd-as-scs", title: "Recognition: Data Protection by Design as Smart Contract Security",
      awardingBody: { ...raw.awardingBody, address: addr(ROLE.uva) },
      recognition: { pathway: PATHWAY.id, component: "sec", source: { name: "Data Protection by Design", url: DPBD_ID } },
    }), [learner("R2", addr(ROLE.holder), "7", "2026-08-01")], target);
    // UB puts UvA's achievement id in a credential of its own: valid, but not UvA's course.
    const dpRaw = JSON.parse(readFileSync("seeds/courses/data-protection-by-design.json", "utf8"));
    impostor = buildBatch(parseAchievement({ ...dpRaw, id: SCS_ID, awardingBody: { ...dpRaw.awardingBody, address: addr(ROLE.ub) } }),
      [learner("I1", addr(ROLE.holder), "Notable", "2026-06-15")], target);
    for (const [batch, op] of [[scs, ROLE.uvaOp], [dpbd, ROLE.ubOp], [recognitions, ROLE.uvaOp], [recognitionOfGiven, ROLE.uvaOp], [impostor, ROLE.ubOp]] as const) {
      await anchorBatch(wallet(op), { registry, root: batch.manifest.root, leafCount: batch.manifest.leafCount, manifestDigest: manifestDigest(batch.manifest) });
    }
  });

  after(async () => f?.stop());

  it("a pathway is validated, and its digest is the RFC 8785 JSON's keccak256", () => {
    const p = pathway();
    expect(pathwayDigest(p)).to.match(/^0x[0-9a-f]{64}$/);
    expect(pathwayDigest(pathway((x) => (x.version = "1.0.1")))).to.not.equal(pathwayDigest(p));
    expect(() => pathway((x) => (x.condition.targetComponent = ["sec", "nope"]))).to.throw(/condition\.targetComponent\.1: no component nope/);
    expect(() => pathway((x) => (x.creditUnit = "http://data.europa.eu/snb/education-credit/60b314e826"))).to.throw(/creditUnit/);
    expect(() => pathway((x) => (x.condition.requiredNumber = 3))).to.throw(/3 required of 2/);
  });

  it("docs/pathway.schema.json and the SDK agree on the test pathway and on each structural change", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const addFormats = (await import("ajv-formats")).default as unknown as (ajv: unknown) => void;
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync("docs/pathway.schema.json", "utf8")));
    const variants: [string, (p: any) => void][] = [
      ["as is", () => undefined],
      ["an unknown member", (p) => (p.extra = 1)],
      ["another unit", (p) => (p.creditUnit = "http://data.europa.eu/snb/education-credit/60b314e826")],
      ["a version that is not semver", (p) => (p.version = "v1")],
      ["an unknown component type", (p) => (p.components[0].type = "SelectionComponent")],
      ["a component id with a space", (p) => (p.components[0].id = "a b")],
      ["EQF 9", (p) => (p.components[0].minEqfLevel = 9)],
      ["requiredNumber 0", (p) => (p.condition.requiredNumber = 0)],
      ["a nested condition", (p) => (p.condition = { requiredNumber: 1, hasCondition: [{ requiredNumber: 2, targetComponent: ["sec", "gdpr"] }] })],
      ["a nested condition with an unknown member", (p) => (p.condition = { requiredNumber: 1, hasCondition: [{ requiredNumber: 1, targetComponent: ["sec"], x: 1 }] })],
      ["no rules", (p) => delete p.rules],
      ["an issuer that is not an address", (p) => (p.rules.issuers.allow = ["uva"])],
      ["a window of 0 days", (p) => (p.rules.window.maxAgeDays = 0)],
      ["no components", (p) => (p.components = [])],
      ["recognizers that are not addresses", (p) => (p.rules.recognizers = ["uva"])],
      ["acceptRecognition not a boolean", (p) => (p.components[0].acceptRecognition = "yes")],
      ["a component named twice in a condition", (p) => (p.condition.targetComponent = ["sec", "sec"])],
      ["awardedBy not addresses", (p) => (p.components[0].awardedBy = ["uva"])],
    ];
    for (const [what, change] of variants) {
      const json = structuredClone(PATHWAY) as any;
      change(json);
      let sdk = true;
      try {
        parsePathway(json);
      } catch {
        sdk = false;
      }
      expect(validate(json), `${what}: ${JSON.stringify(validate.errors?.[0] ?? null)}`).to.equal(sdk);
    }
  });

  it("two institutions' credentials of one holder meet it: every rule met, each credential's use explained", async () => {
    const e = await evaluate(pathway(), [vc(scs, 0), vc(dpbd, 0)]);
    expect(e.rules.map((r) => `${r.rule}:${r.code}`)).to.deep.equal([
      "condition:CS-STACK-RULE-MET", "totalCredits:CS-STACK-RULE-MET", "levelShare:CS-STACK-RULE-MET",
      "outcomes:CS-STACK-RULE-MET", "institutions:CS-STACK-RULE-MET", "order:CS-STACK-RULE-MET",
    ]);
    expect(e).to.deep.include({ met: true, code: "CS-STACK-MET", incomplete: false, holder: addr(ROLE.holder) });
    expect(rule(e, "totalCredits").progress).to.deep.equal({ have: 9, need: 9 });
    expect(e.components.map((c) => [c.id, c.filledBy, c.credits])).to.deep.equal([["sec", 0, 5], ["gdpr", 1, 4]]);
    expect(e.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COUNTED", "CS-STACK-COUNTED"]);
  });

  it("deterministic choice: of two credentials for a component, the preferred one counts and the other is said unused", async () => {
    const e = await evaluate(pathway(), [vc(scs, 0), vc(dpbd, 1), vc(dpbd, 0)]);
    // Same EQF and credits: the more recent award (B2, 2026-07-11) is preferred.
    expect(e.components.find((c) => c.id === "gdpr")!.filledBy).to.equal(1);
    expect(e.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COUNTED", "CS-STACK-COUNTED", "CS-STACK-NOT-USED"]);
  });

  it("each way of failing has its own code", async () => {
    const cases: [string, Pathway, string[], (e: PathwayEvaluation) => void][] = [
      ["too few credits", pathway((p) => (p.rules.totalCredits.min = 15)), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(rule(e, "totalCredits")).to.deep.include({ met: false, code: "CS-STACK-TOO-FEW-CREDITS", progress: { have: 9, need: 15 } })],
      ["level too low", pathway((p) => (p.components[0].minEqfLevel = 7)), [vc(scs, 0), vc(dpbd, 0)],
        (e) => {
          expect(e.components[0]).to.deep.include({ code: "CS-STACK-LEVEL-TOO-LOW" });
          expect(rule(e, "condition")).to.deep.include({ met: false, code: "CS-STACK-REQUIRED-MISSING", progress: { have: 1, need: 2 } });
        }],
      ["outcome missing", pathway((p) => (p.rules.outcomes = [ESCO.replace("5fd5c985", "00000000")])), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(rule(e, "outcomes").code).to.equal("CS-STACK-OUTCOME-MISSING")],
      ["issuer not allowed", pathway((p) => (p.rules.issuers = { allow: [addr(ROLE.uva)] })), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(e.credentials[1]!.code).to.equal("CS-STACK-ISSUER-NOT-ALLOWED")],
      ["too few institutions", pathway((p) => (p.rules.issuers.minDistinct = 3)), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(rule(e, "institutions")).to.deep.include({ code: "CS-STACK-TOO-FEW-INSTITUTIONS", progress: { have: 2, need: 3 } })],
      ["outside the window", pathway((p) => (p.rules.window.maxAgeDays = 30)), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(e.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-OUTSIDE-WINDOW", "CS-STACK-OUTSIDE-WINDOW"])],
      ["wrong holder", pathway(), [vc(scs, 1), vc(dpbd, 0)],
        (e) => expect(e.credentials[0]!.code).to.equal("CS-STACK-WRONG-HOLDER")],
      ["grade too low", pathway((p) => (p.components[0].minGrade = "9")), [vc(scs, 0), vc(dpbd, 0)],
        (e) => expect(e.components[0]).to.deep.include({ code: "CS-STACK-GRADE-TOO-LOW" })],
      ["order violated", pathway(), [vc(scs, 0), vc(dpbd, 2)],
        (e) => expect(rule(e, "order").code).to.equal("CS-STACK-ORDER-VIOLATED")],
    ];
    for (const [what, p, inputs, check] of cases) {
      const e = await evaluate(p, inputs);
      expect(e.met, what).to.equal(false);
      expect(e.code, what).to.equal("CS-STACK-NOT-MET");
      check(e);
    }
  });

  it("a recognition decision fills a component that accepts it, naming who recognised what; from an issuer not listed it is refused", async () => {
    const accepting = pathway((p) => {
      p.components[0].acceptRecognition = true;
      p.rules.recognizers = [addr(ROLE.uva)];
      p.rules.order = "none"; // the MOOC was recognised after the other module was earned
      p.rules.outcomes = []; // the recognised MOOC aligns to no ESCO skill
    });
    const recognised = await evaluate(accepting, [vc(recognitions, 0), vc(dpbd, 0)]);
    expect(recognised.met, JSON.stringify(recognised.rules)).to.equal(true);
    expect(recognised.components[0]).to.deep.include({
      filledBy: 0,
      credits: 5,
      recognition: { by: addr(ROLE.uva), source: { name: "Blockchain Basics (MOOC)", url: "https://mooc.example/courses/blockchain-basics" } },
    });
    expect(recognised.credentials[0]!.message).to.match(/recognised by 0x[0-9a-fA-F]{40} for Blockchain Basics \(MOOC\)/);
    // The achievement itself is preferred to a recognition of it.
    const both = await evaluate(accepting, [vc(recognitions, 0), vc(scs, 0), vc(dpbd, 0)]);
    expect(both.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-NOT-USED", "CS-STACK-COUNTED", "CS-STACK-COUNTED"]);
    // Recognitions by an issuer the pathway does not list, or for a component that takes none, do not count.
    const otherRecognizer = await evaluate(pathway((p) => {
      p.components[0].acceptRecognition = true;
      p.rules.recognizers = [addr(ROLE.ub)];
      p.rules.order = "none";
      p.rules.outcomes = [];
    }), [vc(recognitions, 0), vc(dpbd, 0)]);
    expect(otherRecognizer.credentials[0]!.code).to.equal("CS-STACK-RECOGNITION-NOT-ACCEPTED");
    expect(otherRecognizer.met).to.equal(false);
    // A listed recognizer counts even where the allow-list names only the institutions whose courses count.
    const allowList = await evaluate(pathway((p) => {
      p.components[0].acceptRecognition = true;
      p.rules.recognizers = [addr(ROLE.uva)];
      p.rules.issuers = { allow: [addr(ROLE.ub)] };
      p.rules.order = "none";
      p.rules.outcomes = [];
    }), [vc(recognitions, 0), vc(dpbd, 0)]);
    expect(allowList.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COUNTED", "CS-STACK-COUNTED"]);
    const notAccepted = await evaluate(pathway(), [vc(recognitions, 0), vc(dpbd, 0)]);
    expect(notAccepted.credentials[0]!.code).to.equal("CS-STACK-RECOGNITION-NOT-ACCEPTED");
    expect(() => pathway((p) => (p.components[0].acceptRecognition = true))).to.throw(/recognizers/);
  });

  it("review findings: learning counts once, achievements only from their issuers, the search finds an assignment the greedy misses", async () => {
    // A recognition of learning whose own credential is given too is refused: the learning counts once.
    const accepting = pathway((p) => {
      p.components[0].acceptRecognition = true;
      p.rules.recognizers = [addr(ROLE.uva)];
      p.rules.order = "none";
      p.rules.outcomes = [];
    });
    const once = await evaluate(accepting, [vc(recognitionOfGiven, 0), vc(dpbd, 0)]);
    expect(once.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-RECOGNITION-NOT-ACCEPTED", "CS-STACK-COUNTED"]);
    expect(once.met).to.equal(false);
    // An achievement id from another issuer fills nothing (components name the issuers that award them).
    const impostorRun = await evaluate(pathway(), [vc(impostor, 0), vc(dpbd, 0)]);
    expect(impostorRun.credentials[0]!.code).to.equal("CS-STACK-NOT-USED");
    expect(impostorRun.met).to.equal(false);
    // A retake of a named achievement does not fill an open slot as well.
    const withSlot = pathway((p) => {
      p.components.push({ id: "elective", type: "BasicComponent", name: "Elective" });
      p.rules.totalCredits.min = 10;
    });
    const retake = await evaluate(withSlot, [vc(scs, 0), vc(scs, 2), vc(dpbd, 0)]);
    // (the more recent award, S3, fills Smart Contract Security; S1 is not used anywhere)
    expect(retake.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-NOT-USED", "CS-STACK-COUNTED", "CS-STACK-COUNTED"]);
    expect(rule(retake, "totalCredits").progress).to.deep.equal({ have: 9, need: 10 });
    // Two open slots, the second needing EQF 7: preferring DPbD (EQF 7) for the first starves the second; the search does not.
    const slots = pathway((p) => {
      p.components = [
        { id: "e1", type: "BasicComponent", name: "Elective 1" },
        { id: "e2", type: "BasicComponent", name: "Elective 2", minEqfLevel: 7 },
      ];
      p.condition = { requiredNumber: 2, targetComponent: ["e1", "e2"] };
      p.rules = { totalCredits: { min: 9 } };
    });
    const searched = await evaluate(slots, [vc(scs, 0), vc(dpbd, 0)]);
    expect(searched.met).to.equal(true);
    expect(searched.components.map((c) => [c.id, c.filledBy])).to.deep.equal([["e1", 0], ["e2", 1]]);
    // Without a holder given, the one most credentials are bound to, not the first input's.
    const majority = await evaluatePathway(pathway(), [vc(scs, 1), vc(scs, 0), vc(dpbd, 0)], { client, registry, at: AT });
    expect(majority).to.deep.include({ met: true, holder: addr(ROLE.holder) });
    expect(majority.credentials[0]!.code).to.equal("CS-STACK-WRONG-HOLDER");
    // The pathway itself: a component named twice in a condition, a cycle of prerequisites, an achievement without its issuers.
    expect(() => pathway((p) => (p.condition.targetComponent = ["sec", "sec"]))).to.throw(/named twice/);
    expect(() => pathway((p) => (p.components[0].precededBy = ["gdpr"]))).to.throw(/preceded, directly or not, by itself/);
    expect(() => pathway((p) => delete p.components[0].awardedBy)).to.throw(/awardedBy/);
    let deep: any = { requiredNumber: 1, targetComponent: ["sec"] };
    for (let i = 0; i < 1000; i++) deep = { requiredNumber: 1, hasCondition: [deep] };
    expect(() => pathway((p) => (p.condition = deep))).to.throw(/deeper than 32 levels/);
  });

  it("a recognition decision is a standard credential: formal OB 3.0 schema and JSON-LD safe mode", async () => {
    const doc = JSON.parse(vc(recognitions, 0));
    expect(validateOpenBadgeCredential(doc)).to.deep.equal([]);
    const expanded = await expandSafe(doc);
    expect(expanded.ok ? [] : expanded.problems).to.deep.equal([]);
    expect(doc.credentialSubject.achievement.alignment.filter((a: { targetType: string }) => a.targetType.startsWith("ext:Recognized")).map((a: { targetUrl: string }) => a.targetUrl))
      .to.deep.equal([`${PATHWAY.id}#sec`, "https://mooc.example/courses/blockchain-basics"]);
  });

  it("a credential given twice counts once (CS-STACK-DUPLICATE-COMPONENT); its credits are not added again", async () => {
    const twice = await evaluate(pathway((p) => (p.rules.totalCredits.min = 10)), [vc(scs, 0), vc(scs, 0), vc(dpbd, 0)]);
    expect(twice.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COUNTED", "CS-STACK-DUPLICATE-COMPONENT", "CS-STACK-COUNTED"]);
    expect(rule(twice, "totalCredits")).to.deep.include({ met: false, progress: { have: 9, need: 10 } });
  });

  it("a tampered, revoked, suspended or expired component is refused with its code before it counts", async () => {
    const tampered = JSON.parse(vc(scs, 0));
    tampered.credentialSubject.creditsEarned = 15;
    await revokeCredentials(wallet(ROLE.uva), { registry, root: scs.manifest.root, indices: [2], reason: 1 });
    await suspendCredentials(wallet(ROLE.ub), { registry, root: dpbd.manifest.root, indices: [2] });
    const e = await evaluate(pathway(), [JSON.stringify(tampered), vc(scs, 2), vc(dpbd, 2)]);
    expect(e.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COMPONENT-INVALID", "CS-STACK-COMPONENT-REVOKED", "CS-STACK-COMPONENT-SUSPENDED"]);
    expect(e.credentials[0]!.message).to.match(/CS-INTEGRITY-LEAF-MISMATCH/);
    expect(rule(e, "condition").progress).to.deep.equal({ have: 0, need: 2 });
    const expired = await evaluatePathway(pathway(), [vc(scs, 0)], { client, registry, at: new Date("2032-01-01T00:00:00Z") });
    expect(expired.credentials[0]!.code).to.equal("CS-STACK-COMPONENT-EXPIRED");
  });

  it("a node that cannot be reached makes the evaluation incomplete (ERROR), never a refusal", async () => {
    const down = createPublicClient({ transport: http("http://127.0.0.1:9") }) as RegistryReadClient;
    const e = await evaluatePathway(pathway(), [vc(scs, 0), vc(dpbd, 0)], { client: down, registry, at: AT });
    expect(e.incomplete).to.equal(true);
    expect(e.credentials.map((c) => c.code)).to.deep.equal(["CS-STACK-COMPONENT-UNCHECKED", "CS-STACK-COMPONENT-UNCHECKED"]);
  });

  it("credstack stack check: exit 0 met, 1 not met (naming the rule and its code), the evaluation as JSON", async () => {
    const files: string[] = [];
    for (const [name, text] of [["sec.json", vc(scs, 0)], ["gdpr.json", vc(dpbd, 0)]] as const) {
      files.push(path.join(tmp, name));
      await writeFile(path.join(tmp, name), text);
    }
    const ok = path.join(tmp, "pathway.json");
    const strict = path.join(tmp, "pathway-15.json");
    await writeFile(ok, JSON.stringify(PATHWAY));
    await writeFile(strict, JSON.stringify({ ...PATHWAY, rules: { ...PATHWAY.rules, totalCredits: { min: 15 } } }));
    const trust = ["--rpc", f.node.url, "--trust", `eip155:${chainId}:${registry}`, "--at", AT.toISOString()];
    const met = await runCli(tmp, ["stack", "check", "--pathway", ok, ...files, ...trust]);
    expectExit(met, 0);
    expect(met.stdout).to.match(/✔ totalCredits\s+9 of 9 ECTS\./).and.to.match(/→ MET/);
    const notMet = await runCli(tmp, ["stack", "check", "--pathway", strict, ...files, ...trust]);
    expect(notMet.code, notMet.stderr).to.equal(1); // a verdict, not an error
    expect(notMet.stdout).to.match(/✘ totalCredits\s+9 of 15 ECTS\. \[CS-STACK-TOO-FEW-CREDITS\]/).and.to.match(/→ NOT MET/);
    const asJson = json<PathwayEvaluation>(await runCli(tmp, ["stack", "check", "--json", "--pathway", ok, ...files, ...trust]));
    expect(asJson).to.deep.include({ met: true, code: "CS-STACK-MET" });
    const bad = await runCli(tmp, ["stack", "check", "--pathway", files[0]!, ...files, ...trust]);
    expectExit(bad, 2); // an input error, not a verdict
    expect(bad.stderr).to.match(/Invalid pathway [^\n]*sec\.json[\s\S]*format/);
  });
});
