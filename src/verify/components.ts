import { isClrCredential } from "../stack/clr/facts.js";
import { COMPONENT_CODES, type ComponentCode } from "./codes.js";
import type { Pending, VerifyInput } from "./offline.js";
import { sameHex, type ComponentResult, type ComponentsVerdict, type VerificationReport } from "./report.js";

/**
 * The components of stacked credentials (docs/spec.md §12.6): every embedded credential verified
 * fully, as a credential of its own (format, integrity, inclusion, anchor, accreditation,
 * revocation, validity), and bound to the stacked credential's holder. One verdict per stacked
 * credential, naming the first component that fails.
 */

type Json = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** What a component claims to be, for the report: its id and achievement. */
function claims(vc: Json): Pick<ComponentResult, "id" | "achievement"> {
  const achievement = (vc.credentialSubject as { achievement?: { id?: unknown } } | undefined)?.achievement?.id;
  return { ...(str(vc.id) ? { id: str(vc.id)! } : {}), ...(str(achievement) ? { achievement: str(achievement)! } : {}) };
}

/** Who a component is, in a sentence: `component 2 (urn:uuid:…, achievement https://…)`. */
function named(r: Pick<ComponentResult, "index" | "id" | "achievement">): string {
  const what = [r.id, r.achievement ? `achievement ${r.achievement}` : undefined].filter(Boolean).join(", ");
  return `Component ${r.index + 1}${what ? ` (${what})` : ""}`;
}

/** The outcome of one component, given its report and the stacked credential's holder. */
function outcome(index: number, vc: Json, report: VerificationReport, holder: string | undefined): ComponentResult {
  const base = { index, ...claims(vc), report };
  const failed = report.checks.find((c) => c.status === "INVALID") ?? report.checks.find((c) => c.status === "ERROR");
  const result = (code: ComponentCode, message: string): ComponentResult => ({ ...base, code, message: `${named(base)}: ${message}` });
  if (report.status === "INVALID") return result("CS-STACK-CLR-COMPONENT-INVALID", `${failed!.message} [${failed!.code}]`);
  const bound = report.credential?.holder;
  if (holder !== undefined && bound !== undefined && !sameHex(bound, holder)) {
    return result("CS-STACK-CLR-COMPONENT-WRONG-HOLDER", `bound to ${bound}; the stacked credential's holder is ${holder}.`);
  }
  if (report.status === "ERROR") return result("CS-STACK-CLR-COMPONENT-UNCHECKED", `could not be checked: ${failed!.message} [${failed!.code}]`);
  return result("CS-STACK-CLR-VALID", report.offline ? "valid offline." : "valid.");
}

/** The verdict over one stacked credential's component results. */
function verdictOf(results: ComponentResult[]): ComponentsVerdict {
  const worst = results.find((r) => COMPONENT_CODES[r.code] === "INVALID") ?? results.find((r) => COMPONENT_CODES[r.code] === "ERROR");
  if (worst) return { status: COMPONENT_CODES[worst.code], code: worst.code, message: worst.message, results };
  const n = results.length;
  return { status: "VALID", code: "CS-STACK-CLR-VALID", message: `${n === 1 ? "Its component is" : `All ${n} components are`} valid and bound to its holder.`, results };
}

/**
 * Verifies the components of every stacked credential among `pending` with `verify` (the
 * verifier itself, with the caller's options and cache), all in one call; a component that is
 * itself a stacked credential is refused, not expanded. Returns each stacked credential's verdict.
 */
export async function verifyComponents(
  pending: readonly Pending[],
  verify: (inputs: VerifyInput[]) => Promise<VerificationReport[]>,
): Promise<Map<Pending, ComponentsVerdict>> {
  const inputs: VerifyInput[] = [];
  const slots = pending.map((p) => (p.components ?? []).map((vc) => (isClrCredential(vc) ? -1 : inputs.push(vc) - 1)));
  const reports = inputs.length ? await verify(inputs) : [];
  const verdicts = new Map<Pending, ComponentsVerdict>();
  pending.forEach((p, k) => {
    const holder = p.summary?.holder;
    const results = (p.components ?? []).map((vc, i): ComponentResult => {
      const slot = slots[k]![i]!;
      if (slot < 0) {
        const r = { index: i, ...claims(vc) };
        return { ...r, code: "CS-STACK-CLR-COMPONENT-UNSUPPORTED", message: `${named(r)}: a stacked credential embeds OpenBadgeCredentials, not other stacked credentials.` };
      }
      return outcome(i, vc, reports[slot]!, holder);
    });
    verdicts.set(p, verdictOf(results));
  });
  return verdicts;
}

/** A report's status with its components' verdict counted: INVALID over ERROR over VALID. */
export function statusWithComponents(status: VerificationReport["status"], verdict: ComponentsVerdict | undefined): VerificationReport["status"] {
  if (!verdict) return status;
  if (status === "INVALID" || verdict.status === "INVALID") return "INVALID";
  if (status === "ERROR" || verdict.status === "ERROR") return "ERROR";
  return "VALID";
}
