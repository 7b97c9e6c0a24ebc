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

/** Whether `c` may fill `component`: its achievement, a recognition for it by an accepted issuer, or (open slot) any other credential. */
function eligible(pathway: Pathway, component: PathwayComponent, c: Candidate): boolean {
  const recognition = c.facts.recognition;
  if (recognition) {
    const accepted = pathway.rules.recognizers?.some((r) => r.toLowerCase() === c.facts.issuer.toLowerCase()) ?? false;
    return component.acceptRecognition === true && accepted && recognition.for.includes(`${pathway.id}#${component.id}`);
  }
  return component.proxyFor === undefined || c.facts.achievementUri === component.proxyFor;
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
 * holder, each counted once, issued by an allowed issuer within the recency window, may fill a
 * component. Each component takes, among the credentials of its achievement (any, for an open
 * slot) that meet its level, credit and grade bounds, the preferred one (higher EQF, then more
 * credits, then the more recent award, then the earlier input): deterministic, and each
 * credential's outcome says what became of it. Then every rule reports met / not met, why, and the
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
  const allow = pathway.rules.issuers?.allow?.map((a) => a.toLowerCase());
  const credentials: CredentialOutcome[] = [];
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let holder = options.holder ? getAddress(options.holder) : undefined;
  reports.forEach((report, index) => {
    const raw = inputs[index] as unknown;
    const input = raw !== null && typeof raw === "object" && "input" in raw && "source" in raw ? (raw as { input: unknown }).input : raw;
    const base = { index, report, ...(report.source !== undefined ? { source: report.source } : {}) };
    if (report.status !== "VALID") return credentials.push({ ...base, ...refusal(report) });
    const facts = componentFactsOf(typeof input === "string" || input instanceof Uint8Array ? Buffer.from(input).toString("utf8") : input);
    if (!facts) return credentials.push({ ...base, code: "CS-STACK-COMPONENT-UNSUPPORTED", message: "Pathways stack format v3 credentials." });
    holder ??= facts.holder;
    const refuse = (code: StackCode, message: string) => credentials.push({ ...base, code, message });
    if (facts.holder !== holder) return refuse("CS-STACK-WRONG-HOLDER", `Bound to ${facts.holder}, not to ${holder}.`);
    if (seen.has(facts.leafKey)) return refuse("CS-STACK-DUPLICATE-COMPONENT", "The same credential was given twice: it counts once.");
    seen.add(facts.leafKey);
    if (allow && !allow.includes(facts.issuer.toLowerCase())) return refuse("CS-STACK-ISSUER-NOT-ALLOWED", `Issuer ${facts.issuer} is not one the pathway accepts.`);
    const forThis = facts.recognition?.for.filter((f) => f.startsWith(`${pathway.id}#`)) ?? [];
    if (facts.recognition && !forThis.some((f) => acceptsRecognition(pathway, f, facts.issuer))) {
      const why = forThis.length ? `by ${facts.issuer}, an issuer the pathway does not list, or for a component that takes none` : "for another pathway";
      return refuse("CS-STACK-RECOGNITION-NOT-ACCEPTED", `A recognition decision ${why}.`);
    }
    const maxAge = pathway.rules.window?.maxAgeDays;
    if (maxAge !== undefined && facts.awardedAt < at - maxAge * DAY) {
      return refuse("CS-STACK-OUTSIDE-WINDOW", `Awarded ${new Date(facts.awardedAt * 1000).toISOString()}, more than ${maxAge} days before the evaluation.`);
    }
    candidates.push({ index, facts });
    credentials.push({ ...base, code: "CS-STACK-NOT-USED", message: "Valid, but no component of the pathway takes it." });
  });

  // Components naming an achievement first, then open slots, each from what is left.
  const used = new Set<number>();
  const components: PathwayEvaluation["components"] = [];
  const filled = new Map<string, Candidate>();
  const ordered = [...pathway.components.filter((c) => c.proxyFor), ...pathway.components.filter((c) => !c.proxyFor)];
  for (const component of ordered) {
    const open = candidates.filter((c) => !used.has(c.index) && eligible(pathway, component, c));
    const fit = open.filter((c) => !unfit(component, c)).sort(preference);
    const chosen = fit[0];
    if (!chosen) {
      const why = open.map((c) => unfit(component, c)!)[0];
      components.push({ id: component.id, name: component.name, ...(why ? { code: why.code, message: why.message } : {}) });
      continue;
    }
    used.add(chosen.index);
    filled.set(component.id, chosen);
    const credits = Math.min(chosen.facts.credits, component.creditValue?.max ?? Infinity);
    const recognition = chosen.facts.recognition ? { by: chosen.facts.issuer, ...(chosen.facts.recognition.source ? { source: chosen.facts.recognition.source } : {}) } : undefined;
    components.push({ id: component.id, name: component.name, filledBy: chosen.index, credits, ...(recognition ? { recognition } : {}) });
    const outcome = credentials.find((o) => o.index === chosen.index)!;
    const how = recognition ? `, recognised by ${recognition.by}${recognition.source ? ` for ${recognition.source.name}` : ""}` : "";
    Object.assign(outcome, { code: "CS-STACK-COUNTED", message: `Counts for ${component.name} (${credits} ECTS${how}).`, component: component.id });
  }
  components.sort((a, b) => pathway.components.findIndex((c) => c.id === a.id) - pathway.components.findIndex((c) => c.id === b.id));

  const rules = pathwayRules(pathway, filled, components);
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
  const credits = components.reduce((sum, c) => sum + (c.credits ?? 0), 0);
  const { totalCredits, levelShare, outcomes, issuers, order } = pathway.rules;
  if (totalCredits) rule("totalCredits", credits >= totalCredits.min, "CS-STACK-TOO-FEW-CREDITS", `${credits} of ${totalCredits.min} ECTS.`, { have: credits, need: totalCredits.min });
  if (levelShare) {
    const have = components.filter((c) => c.filledBy !== undefined && filled.get(c.id)!.facts.eqfLevel >= levelShare.eqfLevel).reduce((s, c) => s + c.credits!, 0);
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
