import { createPublicClient, http, type Address } from "viem";
import type { RegistryReadClient } from "../../chain/actions/index.js";
import { check, completeChecks } from "../../verify/report.js";
import { deploymentFile } from "../../chain/deployments.js";
import { formatReport, formatSummary, formatTrust, readCredentialFile, verifyCredentials, type VerificationReport, type VerifyInput } from "../../verify/index.js";
import { parseAddress, parseTime, registryOf, rpcUrl, type GlobalOptions } from "../context.js";
import { EXIT, UsageError, type Output } from "../output.js";

/**
 * `credstack verify <file>... [--offline] [--at <time>] [--json]`: a checklist per file and a
 * summary. Exit 0 when every credential is VALID, 2 when any could not be checked (ERROR: node
 * unreachable, unreadable file), else 1 when any is INVALID.
 */
export async function verify(options: { args: [string[]]; offline?: boolean; at?: string }, globals: GlobalOptions, out: Output): Promise<number> {
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to verify.");
  const at = options.at !== undefined ? parseTime(options.at, "--at") : undefined;
  let client: RegistryReadClient | undefined;
  let registry: Address | undefined;
  let chainId: number | undefined;
  let trustSource: string | undefined;
  if (!options.offline) {
    let url: string;
    if (globals.rpc !== undefined && globals.registry !== undefined) {
      // Both given: the local deployment record is not read (nor trusted).
      url = globals.rpc;
      if (!/^https?:\/\//.test(url)) throw new UsageError(`--rpc must be an http(s) URL, got ${JSON.stringify(url)}.`);
      registry = parseAddress(globals.registry, "--registry");
      trustSource = "--registry";
    } else {
      const found = await rpcUrl(globals);
      url = found.url;
      registry = registryOf(globals, found.deployment, url);
      if (globals.registry !== undefined) trustSource = "--registry";
      else {
        // The trust anchor comes from a file: accept it only for a development chain on this machine,
        // so that a directory cannot smuggle in a registry of its own on a public chain.
        const host = new URL(url).hostname;
        if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(host)) {
          throw new UsageError(`The local deployment record points at ${url}, not at this machine: pass --registry <address> to say which registry you trust.`);
        }
        chainId = found.deployment!.chainId;
        trustSource = `the local development deployment (${deploymentFile()})`;
      }
    }
    client = createPublicClient({ transport: http(url, { batch: true, retryCount: 1, timeout: 30_000 }) }) as RegistryReadClient;
  }

  // Files that cannot be read at all (missing, a directory) get an ERROR report; the others are verified together.
  const inputs: (VerifyInput | VerificationReport)[] = await Promise.all(
    files.map(async (file) => {
      try {
        return await readCredentialFile(file);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as NodeJS.ErrnoException).code === "EISDIR" ? "a directory" : (error as Error).message;
        const checks = completeChecks([check("format", "CS-INPUT-UNREADABLE", `Cannot read ${file}: ${reason}.`)]);
        return { status: "ERROR", offline: Boolean(options.offline), verifiedAt: at ?? Math.floor(Date.now() / 1000), source: file, checks } satisfies VerificationReport;
      }
    }),
  );
  const isReport = (x: VerifyInput | VerificationReport): x is VerificationReport => typeof x === "object" && x !== null && "checks" in x;
  const toVerify = inputs.filter((x) => !isReport(x)) as VerifyInput[];
  const verified = await verifyCredentials(toVerify, { client, registry, chainId, at, offline: options.offline });
  let k = 0;
  const reports = inputs.map((x) => (isReport(x) ? x : verified[k++]!));

  const count = (s: VerificationReport["status"]) => reports.filter((r) => r.status === s).length;
  const summary = { total: reports.length, valid: count("VALID"), invalid: count("INVALID"), error: count("ERROR"), offline: Boolean(options.offline) };
  const color = !out.json && process.stdout.isTTY && !process.env.NO_COLOR;
  const trust = formatTrust(reports);
  const header = trust ? [`${trust}, trusted as ${trustSource}.\n`] : [];
  await out.result([...header, ...reports.map((r) => formatReport(r, { color }) + "\n"), formatSummary(reports)], {
    summary,
    ...(registry ? { trusted: { registry, ...(chainId !== undefined ? { chainId } : {}), source: trustSource } } : {}),
    reports,
  });
  return summary.error > 0 ? EXIT.environment : summary.invalid > 0 ? EXIT.rejected : EXIT.ok;
}
