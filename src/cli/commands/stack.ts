import { readFile } from "node:fs/promises";
import { createPublicClient, http } from "viem";
import type { RegistryReadClient } from "../../chain/actions/index.js";
import { ValidationError } from "../../credential/errors.js";
import { evaluatePathway, parsePathway, type PathwayEvaluation } from "../../stack/index.js";
import { readCredentialFile } from "../../verify/index.js";
import { localDeployment, parseAddress, parseTime, requirePath, type GlobalOptions } from "../context.js";
import { EXIT, UsageError, type Output } from "../output.js";
import { loadTrust } from "../trust.js";

/** The report of an evaluation, as lines: the verdict, each rule, each component, each credential. */
function lines(e: PathwayEvaluation, files: readonly string[]): string[] {
  const mark = (ok: boolean) => (ok ? "✔" : "✘");
  return [
    `Pathway ${e.pathway.id} ${e.pathway.version} (digest ${e.pathway.digest})${e.holder ? `, holder ${e.holder}` : ""}`,
    ...e.rules.map((r) => `  ${mark(r.met)} ${r.rule.padEnd(13)} ${r.message}${r.met ? "" : ` [${r.code}]`}`),
    "Components:",
    ...e.components.map((c) => `  ${mark(c.filledBy !== undefined)} ${c.name}: ${c.filledBy !== undefined ? `${files[c.filledBy]} (${c.credits} ECTS)` : `missing${c.message ? ` (${c.message}) [${c.code}]` : ""}`}`),
    "Credentials:",
    ...e.credentials.map((c) => `  ${files[c.index]}: ${c.message} [${c.code}]`),
    e.incomplete ? "→ INCOMPLETE: some credentials could not be checked" : e.met ? "→ MET" : "→ NOT MET",
  ];
}

/**
 * `credstack stack check --pathway <file> <credential>... [--holder <addr>] [--at <time>]`: verifies
 * every credential (the trust of `credstack verify`), then evaluates the pathway: each rule met or
 * not with its reason code, each component, what became of each credential. Exit 0 when the pathway
 * is met, 1 when it is not, 2 when a credential could not be checked (RPC down) or on a usage error.
 */
export async function check(
  options: { args: [string[]]; pathway: string; holder?: string; at?: string; trust?: string[]; accreditor?: string[] },
  globals: GlobalOptions,
  out: Output,
): Promise<number> {
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to stack.");
  await requirePath(options.pathway, "file", "The pathway file");
  // A pathway that cannot be read is an input error (exit 2), never a verdict of "not met" (exit 1).
  let pathway;
  try {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(options.pathway, "utf8"));
    } catch (error) {
      throw new ValidationError(`pathway ${options.pathway}`, [{ field: "(file)", message: `not valid JSON: ${(error as Error).message}` }]);
    }
    pathway = parsePathway(json, `pathway ${options.pathway}`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(error.shortMessage, { details: error.details, cause: error });
  }
  const trust = await loadTrust({ ...options, rpc: globals.rpc, registry: globals.registry }, localDeployment);
  if (trust.length !== 1) throw new UsageError(`A pathway is checked against one trusted registry; ${trust.length} are trusted: pass --trust <caip10> once.`);
  const [entry] = trust;
  const url = globals.rpc ?? entry!.rpc;
  if (!url) throw new UsageError(`No RPC URL for the trusted registry ${entry!.registry}: pass --rpc <url>.`);
  const client = createPublicClient({ transport: http(url, { batch: true, retryCount: 1, timeout: 30_000 }) }) as RegistryReadClient;
  for (const file of files) await requirePath(file, "file", "The credential file");
  const inputs = await Promise.all(files.map((file) => readCredentialFile(file)));
  const evaluation = await evaluatePathway(pathway, inputs, {
    client,
    registry: entry!.registry,
    ...(entry!.chainId !== undefined ? { chainId: entry!.chainId } : {}),
    ...(entry!.accreditors ? { accreditors: entry!.accreditors } : {}),
    ...(options.at !== undefined ? { at: parseTime(options.at, "--at") } : {}),
    ...(options.holder !== undefined ? { holder: parseAddress(options.holder, "--holder") } : {}),
  });
  await out.result(lines(evaluation, files), evaluation);
  return evaluation.incomplete ? EXIT.environment : evaluation.met ? EXIT.ok : EXIT.rejected;
}
