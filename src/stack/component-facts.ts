import type { Address } from "viem";
import { splitVerifiableCredential } from "../batch/v3/credential.js";
import { ALIGNMENT_TYPES } from "../credential/v3/achievement.js";
import { credentialFactsV3, parseCredentialV3 } from "../credential/v3/facts.js";

/** What a pathway reads of a verified v3 credential. */
export interface ComponentFacts {
  issuer: Address;
  holder: Address;
  achievementUri: string;
  /** ECTS earned (`creditsEarned`). */
  credits: number;
  eqfLevel: number;
  /** Unix seconds (`validFrom`). */
  awardedAt: number;
  /** The ESCO concepts the achievement aligns to. */
  outcomes: string[];
  /** The batch position: a credential is counted once per award. */
  leafKey: string;
  /** A recognition decision: the `<pathway>#<component>`s it counts for, and the learning it recognises. */
  recognition?: { for: string[]; source?: { name: string; url: string } };
  /** The disclosed grade and its scale, when the credential has one. */
  grade?: { value: string; allowed?: string[]; numeric: boolean };
}

type Doc = Record<string, any>;

/**
 * The facts of a v3 credential given as JSON text or an object; undefined when it is not one (the
 * verifier's report says why). Call it on credentials the verifier found VALID.
 */
export function componentFactsOf(input: unknown): ComponentFacts | undefined {
  let vc: unknown = input;
  if (typeof input === "string") {
    try {
      vc = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  if (vc === null || typeof vc !== "object" || "format" in vc) return undefined;
  let split;
  try {
    split = splitVerifiableCredential(vc as Record<string, unknown>);
  } catch {
    return undefined;
  }
  const parsed = parseCredentialV3(split.document);
  if (!parsed.success) return undefined;
  const facts = credentialFactsV3(parsed.data);
  const doc = split.document as Doc;
  const achievement = doc.credentialSubject.achievement as Doc;
  const outcomes = (achievement.alignment as Doc[]).filter((a) => a.targetType === ALIGNMENT_TYPES.escoOutcome).map((a) => String(a.targetUrl));
  const recognizedFor = (achievement.alignment as Doc[]).filter((a) => a.targetType === ALIGNMENT_TYPES.recognizedFor).map((a) => String(a.targetUrl));
  const learning = (achievement.alignment as Doc[]).find((a) => a.targetType === ALIGNMENT_TYPES.recognizedLearning);
  const result = (doc.credentialSubject.result as Doc[] | undefined)?.[0];
  const description = (achievement.resultDescription as Doc[] | undefined)?.find((d) => d.id === result?.resultDescription);
  const numeric = description?.valueMin !== undefined || description?.valueMax !== undefined;
  return {
    issuer: split.merkle.issuer,
    holder: facts.holder,
    achievementUri: facts.achievementUri,
    credits: facts.creditsCenti / 100,
    eqfLevel: facts.eqfLevel,
    awardedAt: facts.awardedAt,
    outcomes,
    ...(recognizedFor.length
      ? { recognition: { for: recognizedFor, ...(learning ? { source: { name: String(learning.targetName), url: String(learning.targetUrl) } } : {}) } }
      : {}),
    leafKey: `${split.merkle.chainId}:${split.merkle.registry}:${split.merkle.issuer}:${split.merkle.root}:${split.merkle.index}`.toLowerCase(),
    ...(typeof result?.value === "string"
      ? { grade: { value: result.value, numeric, ...(Array.isArray(description?.allowedValue) ? { allowed: description.allowedValue.map(String) } : {}) } }
      : {}),
  };
}

/** Whether a disclosed grade reaches `min`: numerically on a numeric scale, by position on a listed one (lowest first). */
export function gradeReaches(grade: NonNullable<ComponentFacts["grade"]>, min: string): boolean | undefined {
  if (grade.allowed) {
    const [have, need] = [grade.allowed.indexOf(grade.value), grade.allowed.indexOf(min)];
    return have < 0 || need < 0 ? undefined : have >= need;
  }
  const [have, need] = [Number(grade.value), Number(min)];
  return grade.numeric && Number.isFinite(have) && Number.isFinite(need) ? have >= need : undefined;
}
