import { getAddress, type Address, type Hex } from "viem";
import type { VerificationReport } from "../verify/report.js";
import { verifyCredentials, type VerifyInput, type VerifyOptions } from "../verify/verify-credentials.js";
import type { StackCode } from "./codes.js";
import { componentFactsOf, gradeReaches, type ComponentFacts } from "./component-facts.js";
import { pathwayDigest, type ComponentCondition, type Pathway, type PathwayComponent } from "./pathway.js";

/** Options of {@link evaluatePathway}: the verifier's (client, trusted registry, accreditors, `at`), and the holder. */
export interface EvaluateOptions extends VerifyOptions {
  /** The learner the award is for: every component must be bound to this address. Default: the first valid credential's holder. */
  holder?: Address;
}

/** What became of one credential given to {@link evaluatePathway}. */
export interface CredentialOutcome {
  index: number;
  source?: string;
  code: StackCode;
  message: string;
  /** The component it fills, when counted. */
  component?: string;
  /** The verifier's report (its seven checks). */
  report: VerificationReport;
}

/** One rule (or the condition tree) of the pathway: met or not, why, and how far along. */
export interface RuleOutcome {
  rule: string;
  met: boolean;
  code: StackCode;
  message: string;
  progress?: { have: number; need: number };
}

/** The result of {@link evaluatePathway}: what a student's wallet shows. */
export interface PathwayEvaluation {
  met: boolean;
  code: "CS-STACK-MET" | "CS-STACK-NOT-MET";
  /** True when some credential could not be checked (chain unreachable): the answer may change. */
  incomplete: boolean;
  pathway: { id: string; version: string; digest: Hex };
  holder?: Address;
  components: {
    id: string;
    name: string;
    filledBy?: number;
    credits?: number;
    /** When a recognition decision fills it: who recognised what. */
    recognition?: { by: Address; source?: { name: string; url: string } };
    code?: StackCode;
    message?: string;
  }[];
  credentials: CredentialOutcome[];
  rules: RuleOutcome[];
}

interface Candidate {
  index: number;
  facts: ComponentFacts;
}

const DAY = 86_400;

/** Why the verifier refused a credential, as a stacking code. */
function refusal(report: VerificationReport): { code: StackCode; message: string } {
  const failed = report.checks.find((c) => c.status === "INVALID") ?? report.checks.find((c) => c.status === "ERROR");
  const text = failed ? `${failed.message} [${failed.code}]` : "not verified";
  if (report.status === "ERROR") return { code: "CS-STACK-COMPONENT-UNCHECKED", message: `Could not be checked: ${text}` };
  if (failed?.code.startsWith("CS-STATUS-") && failed.code.includes("SUSPENDED")) return { code: "CS-STACK-COMPONENT-SUSPENDED", message: text };
  if (failed?.code.startsWith("CS-STATUS-")) return { code: "CS-STACK-COMPONENT-REVOKED", message: text };
  if (failed?.code === "CS-VALIDITY-EXPIRED") return { code: "CS-STACK-COMPONENT-EXPIRED", message: text };
  return { code: "CS-STACK-COMPONENT-INVALID", message: text };
}

/** Prefer the achievement itself to a recognition, then the higher EQF level, more credits, the more recent award, the earlier input. */
const preference = (a: Candidate, b: Candidate) =>
  Number(a.facts.recognition !== undefined) - Number(b.facts.recognition !== undefined) ||
  b.facts.eqfLevel - a.facts.eqfLevel || b.facts.credits - a.facts.credits || b.facts.awardedAt - a.facts.awardedAt || a.index - b.index;

/**
 * Whether `c` may fill `component`: its achievement from one of the issuers that award it, a
 * recognition for it by an accepted issuer, or (an open slot) a credential of an achievement no
 * component names.
 */
function eligible(pathway: Pathway, component: PathwayComponent, c: Candidate, named: ReadonlySet<string>): boolean {
  const recognition = c.facts.recognition;
  if (recognition) {
    const accepted = pathway.rules.recognizers?.some((r) => r.toLowerCase() === c.facts.issuer.toLowerCase()) ?? false;
    return component.acceptRecognition === true && accepted && recognition.for.includes(`${pathway.id}#${component.id}`);
  }
  if (component.proxyFor === undefined) return !named.has(c.facts.achievementUri);
  return c.facts.achievementUri === component.proxyFor && (component.awardedBy?.some((a) => a.toLowerCase() === c.facts.issuer.toLowerCase()) ?? false);
}

/** Why `c` cannot fill `component` (its level, grade or credits), or undefined when it can. */
function unfit(component: PathwayComponent, c: Candidate): { code: StackCode; message: string } | undefined {
  if (component.minEqfLevel !== undefined && c.facts.eqfLevel < component.minEqfLevel) {
    return { code: "CS-STACK-LEVEL-TOO-LOW", message: `EQF ${c.facts.eqfLevel}, ${component.name} needs ${component.minEqfLevel} or above` };
  }
  if (component.creditValue?.min !== undefined && c.facts.credits < component.creditValue.min) {
    return { code: "CS-STACK-CREDITS-OUT-OF-BOUNDS", message: `${c.facts.credits} ECTS, ${component.name} needs at least ${component.creditValue.min}` };
  }
  if (component.minGrade !== undefined) {
    if (!c.facts.grade) return { code: "CS-STACK-GRADE-UNDISCLOSED", message: `${component.name} needs a grade of ${component.minGrade}; the credential discloses none` };
    const reaches = gradeReaches(c.facts.grade, component.minGrade);
    if (reaches === undefined) return { code: "CS-STACK-GRADE-UNDISCLOSED", message: `grade ${c.facts.grade.value} cannot be compared with ${component.minGrade}` };
    if (!reaches) return { code: "CS-STACK-GRADE-TOO-LOW", message: `grade ${c.facts.grade.value}, ${component.name} needs ${component.minGrade}` };
  }
  return undefined;
}

/** Whether a condition is met by the filled components, and the components it still misses. */
function conditionMet(c: ComponentCondition, filled: ReadonlySet<string>): { met: boolean; have: number; missing: string[] } {
  const targets = (c.targetComponent ?? []).map((id) => ({ met: filled.has(id), missing: filled.has(id) ? [] : [id] }));
  const nested = (c.hasCondition ?? []).map((d) => conditionMet(d, filled));
  const all = [...targets, ...nested];
  const have = all.filter((x) => x.met).length;
  return { met: have >= c.requiredNumber, have, missing: have >= c.requiredNumber ? [] : all.filter((x) => !x.met).flatMap((x) => x.missing) };
}

/**
 * Evaluates a pathway against a learner's credentials. Every credential is verified fully first
 * (the verifier's seven checks, one registry read per batch); only VALID v3 credentials of the one
 * holder (`holder`, else the one most credentials are bound to), each counted once, issued by an
 * allowed issuer within the recency window, may fill a component: a component naming an
 * achievement takes it from the issuers it lists (`awardedBy`), or a recognition of it from a
 * listed recognizer; an open slot takes any other achievement. Among the assignments that respect
 * each component's level, credit and grade bounds, the first in order of preference (the
 * achievement over a recognition, higher EQF, more credits, more recent award, earlier input)
 * under which every rule is met is taken, else the preferred one: deterministic, and each
 * credential's outcome says what became of it. Every rule reports met / not met, why, and the
 * progress. Never throws for bad credentials or an unreachable node (`incomplete`).
 *
 * @example
 * const evaluation = await evaluatePathway(parsePathway(json), files.map((f) => readFileSync(f, "utf8")), { client, registry });
 * evaluation.met;                                   // false
 * evaluation.rules.find((r) => r.rule === "totalCredits"); // { met: false, progress: { have: 10, need: 15 }, … }
 */
export async function evaluatePathway(pathway: Pathway, inputs: readonly VerifyInput[], options: EvaluateOptions = {}): Promise<PathwayEvaluation> {
  const reports = await verifyCredentials(inputs, options);
  const at = options.at === undefined ? Math.floor(Date.now() / 1000) : options.at instanceof Date ? Math.floor(options.at.getTime() / 1000) : options.at;
  const credentials: CredentialOutcome[] = [];
  const valid: (Candidate & { base: Omit<CredentialOutcome, "code" | "message"> })[] = [];
  reports.forEach((report, index) => {
    const raw = inputs[index] as unknown;
    const input = raw !== null && typeof raw === "object" && "input" in raw && "source" in raw ? (raw as { input: unknown }).input : raw;
    const base = { index, report, ...(report.source !== undefined ? { source: report.source } : {}) };
    if (report.status !== "VALID") return void credentials.push({ ...base, ...refusal(report) });
    const facts = componentFactsOf(typeof input === "string" || input instanceof Uint8Array ? Buffer.from(input).toString("utf8") : input);
    if (!facts) return void credentials.push({ ...base, code: "CS-STACK-COMPONENT-UNSUPPORTED", message: "Pathways stack format v3 credentials." });
    valid.push({ index, facts, base });
  });
  const holder = options.holder ? getAddress(options.holder) : likelyHolder(valid);

  const allow = pathway.rules.issuers?.allow?.map((a) => a.toLowerCase());
  const direct = new Set(valid.filter((c) => c.facts.holder === holder && !c.facts.recognition).map((c) => c.facts.achievementUri));
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const { index, facts, base } of valid) {
    const refuse = (code: StackCode, message: string) => credentials.push({ ...base, code, message });
    if (facts.holder !== holder) {
      refuse("CS-STACK-WRONG-HOLDER", `Bound to ${facts.holder}, not to ${holder}.`);
      continue;
    }
    if (seen.has(facts.leafKey)) {
      refuse("CS-STACK-DUPLICATE-COMPONENT", "The same credential was given twice: it counts once.");
      continue;
    }
    seen.add(facts.leafKey);
    // A recognition is issued by a recognizer the pathway lists by name: the allow-list is for the others.
    const listedRecognizer = facts.recognition !== undefined && (pathway.rules.recognizers?.some((r) => r.toLowerCase() === facts.issuer.toLowerCase()) ?? false);
    if (allow && !listedRecognizer && !allow.includes(facts.issuer.toLowerCase())) {
      refuse("CS-STACK-ISSUER-NOT-ALLOWED", `Issuer ${facts.issuer} is not one the pathway accepts.`);
      continue;
    }
    const recognitionProblem = facts.recognition ? recognitionRefusal(pathway, facts, direct) : undefined;
    if (recognitionProblem) {
      refuse("CS-STACK-RECOGNITION-NOT-ACCEPTED", recognitionProblem);
      continue;
    }
    const maxAge = pathway.rules.window?.maxAgeDays;
    if (maxAge !== undefined && facts.awardedAt < at - maxAge * DAY) {
      refuse("CS-STACK-OUTSIDE-WINDOW", `Awarded ${new Date(facts.awardedAt * 1000).toISOString()}, more than ${maxAge} days before the evaluation.`);
      continue;
    }
    candidates.push({ index, facts });
    credentials.push({ ...base, code: "CS-STACK-NOT-USED", message: "Valid, but no component of the pathway takes it." });
  }

  const { components, rules } = assign(pathway, candidates);
  for (const component of components) {
    if (component.filledBy === undefined) continue;
    const outcome = credentials.find((o) => o.index === component.filledBy)!;
    const r = component.recognition;
    const how = r ? `, recognised by ${r.by}${r.source ? ` for ${r.source.name}` : ""}` : "";
    Object.assign(outcome, { code: "CS-STACK-COUNTED", message: `Counts for ${component.name} (${component.credits} ECTS${how}).`, component: component.id });
  }
  const met = rules.every((r) => r.met);
  return {
    met,
    code: met ? "CS-STACK-MET" : "CS-STACK-NOT-MET",
    incomplete: credentials.some((c) => c.code === "CS-STACK-COMPONENT-UNCHECKED"),
    pathway: { id: pathway.id, version: pathway.version, digest: pathwayDigest(pathway) },
    ...(holder ? { holder } : {}),
    components,
    credentials: credentials.sort((a, b) => a.index - b.index),
    rules,
  };
}

/** Without a holder given: the one most valid credentials are bound to (the first seen, on a tie). */
function likelyHolder(valid: readonly Candidate[]): Address | undefined {
  const counts = new Map<Address, number>();
  for (const c of valid) counts.set(c.facts.holder, (counts.get(c.facts.holder) ?? 0) + 1);
  let best: Address | undefined;
  for (const [h, n] of counts) if (best === undefined || n > counts.get(best)!) best = h;
  return best;
}

/** Why a recognition decision cannot count in this pathway, or undefined when it may. */
function recognitionRefusal(pathway: Pathway, facts: ComponentFacts, direct: ReadonlySet<string>): string | undefined {
  const forThis = facts.recognition!.for.filter((f) => f.startsWith(`${pathway.id}#`));
  if (!forThis.some((f) => acceptsRecognition(pathway, f, facts.issuer))) {
    return `A recognition decision ${forThis.length ? `by ${facts.issuer}, an issuer the pathway does not list, or for a component that takes none` : "for another pathway"}.`;
  }
  const source = facts.recognition!.source?.url;
  if (source !== undefined && direct.has(source)) return "A recognition of learning whose own credential is given too: the learning counts once, by its own credential.";
  return undefined;
}

type Filled = Map<string, Candidate>;

/** The report of the components under an assignment, in the pathway's order, credits capped and summed in hundredths. */
function describe(pathway: Pathway, filled: Filled, reasons: ReadonlyMap<string, { code: StackCode; message: string }>): PathwayEvaluation["components"] {
  return pathway.components.map((component) => {
    const chosen = filled.get(component.id);
    if (!chosen) {
      const why = reasons.get(component.id);
      return { id: component.id, name: component.name, ...(why ? { code: why.code, message: why.message } : {}) };
    }
    const centi = Math.min(Math.round(chosen.facts.credits * 100), component.creditValue?.max !== undefined ? Math.round(component.creditValue.max * 100) : Infinity);
    const r = chosen.facts.recognition;
    return {
      id: component.id,
      name: component.name,
      filledBy: chosen.index,
      credits: centi / 100,
      ...(r ? { recognition: { by: chosen.facts.issuer, ...(r.source ? { source: r.source } : {}) } } : {}),
    };
  });
}

/** Leaf evaluations the assignment search may make before settling for the preferred (greedy) assignment. */
const SEARCH_BUDGET = 20_000;

/**
 * Which credential fills which component. Components naming an achievement come first, open slots
 * after; each takes, in order of preference, a credential that fits it and is not counted yet
 * (an open slot never takes an achievement a component names or another already counts), or none.
 * The first assignment in that order under which every rule is met is taken; when none is (or the
 * search budget runs out), the preferred one, which is what the report explains.
 */
function assign(pathway: Pathway, candidates: readonly Candidate[]) {
  const named = new Set(pathway.components.flatMap((c) => (c.proxyFor ? [c.proxyFor] : [])));
  const ordered = [...pathway.components.filter((c) => c.proxyFor), ...pathway.components.filter((c) => !c.proxyFor)];
  const reasons = new Map<string, { code: StackCode; message: string }>();
  const options = ordered.map((component) => {
    const open = candidates.filter((c) => eligible(pathway, component, c, named)).sort(preference);
    const why = open.map((c) => unfit(component, c)).find((u) => u !== undefined); // about the preferred candidate that does not fit
    if (why) reasons.set(component.id, why);
    return open.filter((c) => !unfit(component, c));
  });
  const evaluate = (filled: Filled) => {
    const components = describe(pathway, filled, reasons);
    return { filled: new Map(filled), components, rules: pathwayRules(pathway, filled, components) };
  };
  let preferred: ReturnType<typeof evaluate> | undefined;
  let budget = SEARCH_BUDGET;
  const used = new Set<number>();
  const counted = new Set<string>();
  const filled: Filled = new Map();
  const search = (k: number): ReturnType<typeof evaluate> | undefined => {
    if (k === ordered.length) {
      budget--;
      const result = evaluate(filled);
      preferred ??= result;
      return result.rules.every((r) => r.met) ? result : undefined;
    }
    const component = ordered[k]!;
    for (const c of options[k]!) {
      if (budget <= 0) return undefined;
      const key = c.facts.recognition ? undefined : c.facts.achievementUri;
      if (used.has(c.index) || (key !== undefined && counted.has(key))) continue;
      used.add(c.index);
      if (key !== undefined) counted.add(key);
      filled.set(component.id, c);
      const found = search(k + 1);
      filled.delete(component.id);
      used.delete(c.index);
      if (key !== undefined) counted.delete(key);
      if (found) return found;
    }
    return budget > 0 ? search(k + 1) : undefined; // the component left empty
  };
  return search(0) ?? preferred ?? evaluate(new Map());
}

/** Whether the pathway accepts a recognition for `target` (`<pathway>#<component>`) by `issuer`. */
function acceptsRecognition(pathway: Pathway, target: string, issuer: Address): boolean {
  const component = pathway.components.find((c) => `${pathway.id}#${c.id}` === target);
  return component?.acceptRecognition === true && (pathway.rules.recognizers?.some((r) => r.toLowerCase() === issuer.toLowerCase()) ?? false);
}

/** The condition tree and every rule of the pathway, over the filled components. */
function pathwayRules(pathway: Pathway, filled: ReadonlyMap<string, Candidate>, components: PathwayEvaluation["components"]): RuleOutcome[] {
  const rules: RuleOutcome[] = [];
  const rule = (name: string, met: boolean, code: StackCode, message: string, progress?: { have: number; need: number }) =>
    rules.push({ rule: name, met, code: met ? "CS-STACK-RULE-MET" : code, message, ...(progress ? { progress } : {}) });
  const names = (ids: string[]) => ids.map((id) => pathway.components.find((c) => c.id === id)!.name).join(", ");

  const condition = conditionMet(pathway.condition, new Set(filled.keys()));
  const need = pathway.condition.requiredNumber;
  rule("condition", condition.met, "CS-STACK-REQUIRED-MISSING",
    condition.met ? `${condition.have} of ${need} required parts are complete.` : `${condition.have} of ${need} required parts are complete; missing: ${names(condition.missing)}.`,
    { have: condition.have, need });

  const counted = [...filled.values()];
  const credits = components.reduce((sum, c) => sum + Math.round((c.credits ?? 0) * 100), 0) / 100;
  const { totalCredits, levelShare, outcomes, issuers, order } = pathway.rules;
  if (totalCredits) rule("totalCredits", credits >= totalCredits.min, "CS-STACK-TOO-FEW-CREDITS", `${credits} of ${totalCredits.min} ECTS.`, { have: credits, need: totalCredits.min });
  if (levelShare) {
    const have = components.filter((c) => c.filledBy !== undefined && filled.get(c.id)!.facts.eqfLevel >= levelShare.eqfLevel).reduce((s, c) => s + Math.round(c.credits! * 100), 0) / 100;
    rule("levelShare", have >= levelShare.minCredits, "CS-STACK-LEVEL-SHARE-TOO-LOW", `${have} of ${levelShare.minCredits} ECTS at EQF ${levelShare.eqfLevel} or above.`, { have, need: levelShare.minCredits });
  }
  if (outcomes?.length) {
    const covered = new Set(counted.flatMap((c) => c.facts.outcomes));
    const missing = outcomes.filter((o) => !covered.has(o));
    rule("outcomes", missing.length === 0, "CS-STACK-OUTCOME-MISSING", missing.length ? `Not covered: ${missing.join(", ")}.` : "Every required outcome is covered.", { have: outcomes.length - missing.length, need: outcomes.length });
  }
  if (issuers?.minDistinct) {
    const distinct = new Set(counted.map((c) => c.facts.issuer.toLowerCase())).size;
    rule("institutions", distinct >= issuers.minDistinct, "CS-STACK-TOO-FEW-INSTITUTIONS", `${distinct} of ${issuers.minDistinct} institutions.`, { have: distinct, need: issuers.minDistinct });
  }
  if (order === "required") {
    const violated = pathway.components.flatMap((c) =>
      (c.precededBy ?? []).filter((p) => filled.has(c.id) && filled.has(p) && filled.get(p)!.facts.awardedAt > filled.get(c.id)!.facts.awardedAt).map((p) => `${names([p])} after ${c.name}`),
    );
    rule("order", violated.length === 0, "CS-STACK-ORDER-VIOLATED", violated.length ? `Out of order: ${violated.join("; ")}.` : "Prerequisites were earned first.");
  }
  return rules;
}
