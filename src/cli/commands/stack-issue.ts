import { getAddress, type Address } from "viem";
import { nodeChainId } from "../../chain/actions/index.js";
import { buildClrBatch, writeClrBatchDirectory } from "../../stack/clr/batch.js";
import { buildStackedCredential, credentialObject, StackedCredentialError, type AwardingIssuer } from "../../stack/clr/build.js";
import { evaluatePathway, type Pathway, type PathwayEvaluation } from "../../stack/index.js";
import { readCredentialFile } from "../../verify/index.js";
import { parseAddress, requireAbsent, requirePath, type GlobalOptions } from "../context.js";
import { readPathwayFile, stackingTrust } from "../pathway-file.js";
import { EXIT, UsageError, type Output } from "../output.js";
import { ruleLines } from "./stack.js";

interface IssueOptions {
  args: [string[]];
  pathway: string;
  out: string;
  issuer: string;
  issuerName?: string;
  country?: string;
  region?: string;
  holder?: string;
  at?: string;
  trust?: string[];
  accreditor?: string[];
}

/**
 * The awarding issuer's profile: `--issuer-name`, `--country`, `--region` when given, else the
 * profile a counted component of that issuer account carries (the name and country it is
 * accredited under), else the pathway's awarding body name; a country is required.
 */
function awardingIssuer(options: IssueOptions, account: Address, pathway: Pathway, evaluation: PathwayEvaluation, credentials: unknown[]): AwardingIssuer {
  type Profile = { name?: unknown; url?: unknown; address?: { addressCountryCode?: unknown; addressRegion?: unknown } };
  const own = evaluation.credentials
    .filter((c) => c.code === "CS-STACK-COUNTED" && c.report.credential && getAddress(c.report.credential.issuer.address) === account)
    .map((c) => (credentialObject(credentials[c.index] as never)?.issuer ?? {}) as Profile)[0];
  const name = options.issuerName ?? (typeof own?.name === "string" ? own.name : pathway.awardingBody.name);
  const country = options.country ?? (typeof own?.address?.addressCountryCode === "string" ? own.address.addressCountryCode : undefined);
  if (!country || !/^[A-Z]{2}$/.test(country)) {
    throw new UsageError(`Give the awarding issuer's country (--country, ISO 3166-1 alpha-2): no counted credential of ${account} names it.`);
  }
  const region = options.region ?? (options.country === undefined && typeof own?.address?.addressRegion === "string" ? own.address.addressRegion : undefined);
  const url = typeof own?.url === "string" ? own.url : pathway.awardingBody.url;
  return { account, name, country, ...(region ? { region } : {}), ...(url ? { url } : {}) };
}

/**
 * `credstack stack issue --pathway <file> --out <dir> --issuer <address> <credential>...`: the
 * awarding side of stacking. Verifies every credential and evaluates the pathway as `stack check`
 * does (same trust and RPC options); when it is met, builds the stacked credential (a CLR 2.0
 * `ClrCredential` embedding the counted components) and writes it as a batch directory of the
 * awarding issuer, to anchor with `credstack batch anchor <dir>` and hand out with `batch extract`.
 * Exit 0 built, 1 not met (nothing written), 2 a credential could not be checked or a usage error.
 */
export async function issue(options: IssueOptions, globals: GlobalOptions, out: Output): Promise<number> {
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to stack.");
  const pathway = await readPathwayFile(options.pathway);
  const account = parseAddress(options.issuer, "--issuer");
  await requireAbsent(options.out, "The output directory");
  const { entry, client, verify } = await stackingTrust(options, globals, "A stacked credential is issued");
  for (const file of files) await requirePath(file, "file", "The credential file");
  const inputs = await Promise.all(files.map((file) => readCredentialFile(file)));
  const evaluation = await evaluatePathway(pathway, inputs, {
    ...verify,
    ...(options.holder !== undefined ? { holder: parseAddress(options.holder, "--holder") } : {}),
  });
  const verdict = [
    ...ruleLines(evaluation),
    ...evaluation.credentials.map((c) => `  ${files[c.index]}: ${c.message} [${c.code}]`),
  ];
  if (evaluation.incomplete || !evaluation.met) {
    const why = evaluation.incomplete ? "→ INCOMPLETE: some credentials could not be checked; nothing written" : "→ NOT MET: no stacked credential issued";
    await out.result([`Pathway ${pathway.id} ${pathway.version}`, ...verdict, why], { issued: false, evaluation });
    return evaluation.incomplete ? EXIT.environment : EXIT.rejected;
  }
  let clr;
  try {
    clr = buildStackedCredential({ pathway, evaluation, credentials: inputs, issuer: awardingIssuer(options, account, pathway, evaluation, inputs) });
  } catch (error) {
    if (error instanceof StackedCredentialError) {
      await out.result([`Pathway ${pathway.id} ${pathway.version}`, ...verdict, `→ REFUSED: ${error.shortMessage} [${error.code}]`], { issued: false, code: error.code, evaluation });
      return EXIT.rejected;
    }
    throw error;
  }
  const chainId = entry.chainId ?? (await nodeChainId(client));
  const batch = buildClrBatch({ credentials: [clr], issuer: account, target: { chainId, registry: entry.registry } });
  await writeClrBatchDirectory(batch, options.out);
  const { manifest } = batch;
  await out.result(
    [
      `Pathway ${pathway.id} ${pathway.version}: met for ${evaluation.holder}`,
      ...verdict,
      `→ Stacked credential ${String(clr.id)} (${pathway.destination.name}) written to ${options.out}: root ${manifest.root}, ${manifest.leafCount} credential`,
      `  next: credstack batch anchor ${options.out}   (an operator key of ${account}), then credstack batch extract ${options.out} --holder ${evaluation.holder}`,
    ],
    { issued: true, dir: options.out, root: manifest.root, leafCount: manifest.leafCount, issuer: account, credential: clr.id, evaluation },
  );
  return EXIT.ok;
}
