import { createPublicClient, http } from "viem";
import type { RegistryReadClient } from "../../chain/actions/index.js";
import { check, completeChecks } from "../../verify/report.js";
import { formatReport, formatSummary, readCredentialInput, verifyCredentials, type VerificationReport, type VerifyInput } from "../../verify/index.js";
import { registryOf, rpcUrl, type GlobalOptions } from "../context.js";
import { EXIT, UsageError, type Output } from "../output.js";

/** `--at`: an ISO 8601 date or date-time, or unix seconds. */
function parseAt(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const t = /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--at must be an ISO 8601 date or date-time (2031-06-30, 2031-06-30T12:00:00Z) or unix seconds, got ${JSON.stringify(value)}.`);
  return Math.floor(t / 1000);
}

/**
 * `credstack verify <file>... [--offline] [--at <time>] [--json]`: a checklist per file and a
 * summary. Exit 0 when every credential is VALID, 2 when any could not be checked (ERROR: node
 * unreachable, unreadable file), else 1 when any is INVALID.
 */
export async function verify(options: { args: [string[]]; offline?: boolean; at?: string }, globals: GlobalOptions, out: Output): Promise<number> {
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to verify.");
  const at = options.at !== undefined ? parseAt(options.at) : undefined;
  let client: RegistryReadClient | undefined;
  let registry: `0x${string}` | undefined;
  if (!options.offline) {
    const { url, deployment } = await rpcUrl(globals);
    registry = registryOf(globals, deployment, url);
    client = createPublicClient({ transport: http(url, { batch: true, retryCount: 1, timeout: 30_000 }) }) as RegistryReadClient;
  }

  // Files that cannot be read at all (missing, a directory) get an ERROR report; the others are verified together.
  const inputs: (VerifyInput | VerificationReport)[] = await Promise.all(
    files.map(async (file) => {
      try {
        return { source: file, input: await readCredentialInput(file) };
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as NodeJS.ErrnoException).code === "EISDIR" ? "a directory" : (error as Error).message;
        const checks = completeChecks([check("format", "CS-INPUT-UNREADABLE", `Cannot read ${file}: ${reason}.`)]);
        return { status: "ERROR", offline: Boolean(options.offline), verifiedAt: at ?? Math.floor(Date.now() / 1000), source: file, checks } satisfies VerificationReport;
      }
    }),
  );
  const isReport = (x: VerifyInput | VerificationReport): x is VerificationReport => typeof x === "object" && x !== null && "checks" in x;
  const toVerify = inputs.filter((x) => !isReport(x)) as VerifyInput[];
  const verified = await verifyCredentials(toVerify, { client, registry, at, offline: options.offline });
  let k = 0;
  const reports = inputs.map((x) => (isReport(x) ? x : verified[k++]!));

  const count = (s: VerificationReport["status"]) => reports.filter((r) => r.status === s).length;
  const summary = { total: reports.length, valid: count("VALID"), invalid: count("INVALID"), error: count("ERROR"), offline: Boolean(options.offline) };
  const color = !out.json && process.stdout.isTTY && !process.env.NO_COLOR;
  await out.result([...reports.map((r) => formatReport(r, { color }) + "\n"), formatSummary(reports)], { summary, reports });
  return summary.error > 0 ? EXIT.environment : summary.invalid > 0 ? EXIT.rejected : EXIT.ok;
}
