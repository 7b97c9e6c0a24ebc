import type { RegistryReadClient } from "../../chain/actions/index.js";
import { createReplayStore, verifyPresentation, type PresentationReport } from "../../present/verify.js";
import { CHECK_TITLES, formatReport, type VerifyInput } from "../../verify/index.js";
import type { TrustEntry } from "../trust.js";
import { UsageError } from "../output.js";

/**
 * Verifies presentation files against the verifier's own `challenge` and `domain` (a replay store
 * for this run: a challenge counts once), each credential with the trust of `credstack verify`.
 * Returns one report per file and its lines: the presentation and holder checks, then each
 * presented credential's checklist with what it revealed.
 */
export async function verifyPresentationInputs(
  inputs: { source: string; input: VerifyInput }[],
  options: { challenge?: string; domain?: string; entry?: TrustEntry; client?: RegistryReadClient; at?: number },
): Promise<{ reports: (PresentationReport & { source: string })[]; lines: string[] }> {
  if (!options.challenge || !options.domain) {
    throw new UsageError("A presentation is verified against the challenge and domain you issued: pass --challenge <c> --domain <d>.");
  }
  const replay = createReplayStore({ ttlMs: 24 * 3600_000 });
  const reports: (PresentationReport & { source: string })[] = [];
  const lines: string[] = [];
  for (const { source, input } of inputs) {
    const text = (input as { input: unknown }).input;
    const report = await verifyPresentation(text instanceof Uint8Array ? Buffer.from(text).toString("utf8") : text, {
      challenge: options.challenge, domain: options.domain, replay,
      ...(options.entry && options.client
        ? { client: options.client, registry: options.entry.registry, chainId: options.entry.chainId, accreditors: options.entry.accreditors }
        : { offline: true }),
      ...(options.at !== undefined ? { at: options.at } : {}),
    });
    reports.push({ ...report, source });
    const mark = (s: string) => (s === "VALID" ? "✔" : s === "INVALID" ? "✘" : s === "ERROR" ? "!" : "–");
    lines.push(`${source}: a presentation by ${report.holder ?? "an unreadable holder"}`);
    for (const c of report.checks) lines.push(`  ${mark(c.status)} ${CHECK_TITLES[c.id].padEnd(24)} ${c.message}${c.status === "VALID" ? "" : ` [${c.code}]`}`);
    report.credentials.forEach((r, i) => {
      const d = report.disclosed[i];
      lines.push(formatReport({ ...r, source: `${source} credential ${i + 1}` }).split("\n").map((l) => `  ${l}`).join("\n"));
      if (d) lines.push(`    revealed: ${d.revealed.join(", ")}; hidden: ${d.hidden} field(s)`);
    });
    lines.push(`  → ${report.status}`, "");
  }
  return { reports, lines };
}
