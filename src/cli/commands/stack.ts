import { evaluatePathway, type PathwayEvaluation } from "../../stack/index.js";
import { readCredentialFile } from "../../verify/index.js";
import { parseAddress, requirePath, type GlobalOptions } from "../context.js";
import { readPathwayFile, stackingTrust } from "../pathway-file.js";
import { EXIT, UsageError, type Output } from "../output.js";

/** Each rule of an evaluation as a line: met or not, what, and the code of an unmet one. */
export function ruleLines(e: PathwayEvaluation): string[] {
  return e.rules.map((r) => `  ${r.met ? "✔" : "✘"} ${r.rule.padEnd(13)} ${r.message}${r.met ? "" : ` [${r.code}]`}`);
}

/** The report of an evaluation, as lines: the verdict, each rule, each component, each credential. */
function lines(e: PathwayEvaluation, files: readonly string[]): string[] {
  const mark = (ok: boolean) => (ok ? "✔" : "✘");
  return [
    `Pathway ${e.pathway.id} ${e.pathway.version} (digest ${e.pathway.digest})${e.holder ? `, holder ${e.holder}` : ""}`,
    ...ruleLines(e),
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
  const pathway = await readPathwayFile(options.pathway);
  const { verify } = await stackingTrust(options, globals, "A pathway is checked");
  for (const file of files) await requirePath(file, "file", "The credential file");
  const inputs = await Promise.all(files.map((file) => readCredentialFile(file)));
  const evaluation = await evaluatePathway(pathway, inputs, {
    ...verify,
    ...(options.holder !== undefined ? { holder: parseAddress(options.holder, "--holder") } : {}),
  });
  await out.result(lines(evaluation, files), evaluation);
  return evaluation.incomplete ? EXIT.environment : evaluation.met ? EXIT.ok : EXIT.rejected;
}
