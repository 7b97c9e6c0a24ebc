import { CHECK_TITLES, type CheckStatus } from "./codes.js";
import type { VerificationReport } from "./report.js";

/** Human-readable reports: a checklist per credential and a summary line. */

const MARK: Record<CheckStatus, string> = { VALID: "✔", INVALID: "✘", ERROR: "!", SKIPPED: "–" };
const COLOR: Record<CheckStatus | VerificationReport["status"], string> = { VALID: "\x1b[32m", INVALID: "\x1b[31m", ERROR: "\x1b[33m", SKIPPED: "\x1b[2m" };
const RESET = "\x1b[0m";

export interface FormatOptions {
  /** ANSI colours (for a terminal). Default false. */
  color?: boolean;
  /** Append each check's code, e.g. `[CS-STATUS-REVOKED]`. Default: for checks that did not pass. */
  codes?: "all" | "failures" | "none";
}

/**
 * A report as a checklist: a header naming the credential, one line per check (✔ valid, ✘ invalid,
 * ! could not check, – skipped) with its message, and the verdict.
 *
 * @example
 * console.log(formatReport(await verifyCredential(text, { client, registry })));
 * // alice.json: Smart Contract Security, University of Amsterdam (credential 0)
 * //   ✔ Format                    credstack-credential-v2 file with an OB 3.0 credential and every EU element (…)
 * //   ✘ Not revoked or suspended  Credential 0 of the batch was revoked by its issuer. [CS-STATUS-REVOKED]
 * //   → INVALID
 */
export function formatReport(report: VerificationReport, options: FormatOptions = {}): string {
  const paint = (status: CheckStatus | VerificationReport["status"], text: string) => (options.color ? `${COLOR[status]}${text}${RESET}` : text);
  const codes = options.codes ?? "failures";
  const c = report.credential;
  const name = report.source ?? c?.id ?? "credential";
  // What a file claims is shown as established only once its integrity and inclusion hold.
  const intact = report.checks.every((k) => (k.id !== "integrity" && k.id !== "inclusion") || k.status === "VALID");
  const header = !c
    ? name
    : intact
      ? `${name}: ${c.title}, ${c.issuer.name} (credential ${c.index} of batch ${c.root.slice(0, 10)}…)`
      : `${name}: claims "${c.title}" by "${c.issuer.name}" (unverified: the file fails its checks)`;
  const lines = [header];
  const width = Math.max(...report.checks.map((k) => CHECK_TITLES[k.id].length));
  for (const k of report.checks) {
    const code = codes === "all" || (codes === "failures" && k.status !== "VALID" && k.status !== "SKIPPED") ? ` [${k.code}]` : "";
    lines.push(`  ${paint(k.status, MARK[k.status])} ${CHECK_TITLES[k.id].padEnd(width)}  ${k.message}${code}`);
  }
  if (report.components) {
    // A stacked credential: its components' verdict, then each component's own checklist, indented.
    const v = report.components;
    const code = codes === "all" || (codes === "failures" && v.status !== "VALID") ? ` [${v.code}]` : "";
    lines.push(`  ${paint(v.status, MARK[v.status])} ${"Components".padEnd(width)}  ${v.message}${code}`);
    for (const r of v.results) {
      const mark = r.report?.status ?? (r.code === "CS-STACK-CLR-VALID" ? "VALID" : "INVALID");
      lines.push(`    ${paint(mark, MARK[mark])} ${r.message}${r.code === "CS-STACK-CLR-VALID" ? "" : ` [${r.code}]`}`);
      if (r.report && r.report.status !== "VALID") {
        lines.push(...formatReport(r.report, { ...options, codes }).split("\n").slice(1, -1).map((l) => `    ${l}`));
      }
    }
  }
  const verdict = report.status === "VALID" && report.offline ? "VALID offline (format, integrity, inclusion and validity only; not checked on chain)" : report.status;
  lines.push(`  → ${paint(report.status, verdict)}`);
  return lines.join("\n");
}

/**
 * The trust anchor of a set of reports, e.g. `Checked against registry 0x5FbD…0aa3 on chain 31337`,
 * or undefined for offline reports.
 */
export function formatTrust(reports: readonly VerificationReport[]): string | undefined {
  const trusted = reports.find((r) => r.trusted)?.trusted;
  if (!trusted) return undefined;
  return `Checked against registry ${trusted.registry}${trusted.chainId !== undefined ? ` on chain ${trusted.chainId}` : ""}`;
}

/** One line counting the verdicts, e.g. `3 credentials: 2 valid, 1 invalid, 0 could not be checked`. */
export function formatSummary(reports: readonly VerificationReport[]): string {
  const n = (s: VerificationReport["status"]) => reports.filter((r) => r.status === s).length;
  const offline = reports.some((r) => r.offline) ? " (offline: not checked on chain)" : "";
  return `${reports.length} credential${reports.length === 1 ? "" : "s"}: ${n("VALID")} valid, ${n("INVALID")} invalid, ${n("ERROR")} could not be checked${offline}`;
}
