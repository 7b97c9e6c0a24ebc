import { readFile } from "node:fs/promises";
import { createPublicClient, http } from "viem";
import type { RegistryReadClient } from "../../chain/actions/index.js";
import { isMerkleProof, readMerkleProof } from "../../batch/v3/merkle-proof.js";
import { ValidationError } from "../../credential/errors.js";
import type { DidDocuments } from "../../credential/sign/index.js";
import { check, completeChecks } from "../../verify/report.js";
import { formatReport, formatSummary, readCredentialFile, verifyCredentials, type VerificationReport, type VerifyInput } from "../../verify/index.js";
import { localDeployment, parseTime, type GlobalOptions } from "../context.js";
import { loadTrust, type TrustEntry } from "../trust.js";
import { EXIT, UsageError, type Output } from "../output.js";
import { isPresentationInput } from "./presentation-input.js";

/** The chain and registry a credential file names (leaf), for choosing among trusted registries; undefined if unreadable. */
function namedRegistry(input: VerifyInput): string | undefined {
  try {
    const raw = (input as { input?: unknown }).input;
    const text = typeof raw === "string" ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : "";
    const json = JSON.parse(text) as { leaf?: { chainId?: unknown; registry?: unknown }; proof?: unknown };
    if (Array.isArray(json.proof)) {
      const merkle = readMerkleProof(json.proof.find(isMerkleProof)); // v3: the Merkle proof names them
      return `${merkle.chainId}:${merkle.registry.toLowerCase()}`;
    }
    const leaf = json.leaf;
    return typeof leaf?.registry === "string" ? `${String(leaf.chainId)}:${leaf.registry.toLowerCase()}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `credstack verify <file>... [--offline] [--at <time>] [--trust <caip10>]... [--accreditor <addr>]... [--json]`:
 * a checklist per file and a summary. Exit 0 when every credential is VALID, 2 when any could not
 * be checked (ERROR: node unreachable, unreadable file), else 1 when any is INVALID. Trust comes
 * from flags, the environment or the user's home, never from the working directory (../trust.ts).
 */
export async function verify(
  options: {
    args: [string[]]; offline?: boolean; at?: string; trust?: string[]; accreditor?: string[]; didDocument?: string[]; challenge?: string; domain?: string;
    request?: string;
  },
  globals: GlobalOptions,
  out: Output,
): Promise<number> {
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to verify.");
  const at = options.at !== undefined ? parseTime(options.at, "--at") : undefined;
  if (globals.rpc !== undefined && !/^https?:\/\//.test(globals.rpc)) throw new UsageError(`--rpc must be an http(s) URL, got ${JSON.stringify(globals.rpc)}.`);
  const trust = options.offline ? [] : await loadTrust({ ...options, rpc: globals.rpc, registry: globals.registry }, localDeployment);
  const clients = new Map<string, RegistryReadClient>();
  const clientFor = (entry: TrustEntry): RegistryReadClient => {
    const url = globals.rpc ?? entry.rpc;
    if (!url) throw new UsageError(`No RPC URL for the trusted registry eip155:${entry.chainId}:${entry.registry}: pass --rpc <url>.`);
    let client = clients.get(url);
    if (!client) clients.set(url, (client = createPublicClient({ transport: http(url, { batch: true, retryCount: 1, timeout: 30_000 }) }) as RegistryReadClient));
    return client;
  };

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
  // Presentations (the holder's, bound to this verifier's challenge and domain) go their own way.
  const presentations = inputs.filter((x): x is VerifyInput => !isReport(x) && isPresentationInput(x));
  const credentialInputs = inputs.filter((x) => isReport(x) || !presentations.includes(x));
  if (presentations.length > 0) {
    if (credentialInputs.length > 0) throw new UsageError("Verify presentations and credentials in separate runs.");
    return verifyPresentations(presentations, options, at, trust[0] ? { entry: trust[0], client: clientFor(trust[0]) } : {}, out);
  }
  const toVerify = inputs.filter((x) => !isReport(x)) as VerifyInput[];

  // Each credential goes to the trusted registry it names (the first one when it names none of them: it then fails as untrusted).
  const groups = new Map<TrustEntry | undefined, number[]>();
  const byName = new Map(trust.filter((e) => e.chainId !== undefined).map((e) => [`${e.chainId}:${e.registry.toLowerCase()}`, e]));
  toVerify.forEach((input, i) => {
    const entry = trust.length <= 1 ? trust[0] : (byName.get(namedRegistry(input) ?? "") ?? trust[0]);
    groups.set(entry, [...(groups.get(entry) ?? []), i]);
  });
  const didDocuments = await readDidDocuments(options.didDocument ?? []);
  const verified: VerificationReport[] = new Array(toVerify.length);
  for (const [entry, indices] of groups) {
    const reports = await verifyCredentials(
      indices.map((i) => toVerify[i]!),
      entry
        ? { client: clientFor(entry), registry: entry.registry, chainId: entry.chainId, accreditors: entry.accreditors, at, didDocuments }
        : { at, offline: true, didDocuments },
    );
    indices.forEach((i, k) => (verified[i] = reports[k]!));
  }
  let k = 0;
  const reports = inputs.map((x) => (isReport(x) ? x : verified[k++]!));

  const count = (s: VerificationReport["status"]) => reports.filter((r) => r.status === s).length;
  const summary = { total: reports.length, valid: count("VALID"), invalid: count("INVALID"), error: count("ERROR"), offline: Boolean(options.offline) };
  const color = !out.json && process.stdout.isTTY && !process.env.NO_COLOR;
  const header = trust.map((e) => `Trusting registry ${e.chainId !== undefined ? `eip155:${e.chainId}:` : ""}${e.registry}${e.accreditors ? ` (accreditors ${e.accreditors.join(", ")})` : ""}, from ${e.source}.`);
  await out.result([...header.map((h, i) => (i === header.length - 1 ? `${h}\n` : h)), ...reports.map((r) => formatReport(r, { color }) + "\n"), formatSummary(reports)], {
    summary,
    trusted: trust.map((e) => ({ ...(e.chainId !== undefined ? { chainId: e.chainId } : {}), registry: e.registry, ...(e.accreditors ? { accreditors: e.accreditors } : {}), source: e.source })),
    reports,
  });
  return summary.error > 0 ? EXIT.environment : summary.invalid > 0 ? EXIT.rejected : EXIT.ok;
}

/** `--did-document` files: did:web DID documents by their `id` (a typed error naming a bad file). */
async function readDidDocuments(files: readonly string[]): Promise<DidDocuments> {
  const documents: Record<string, object> = {};
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new ValidationError(`DID document ${file}`, [{ field: "(file)", message: `not readable JSON: ${(error as Error).message.split("\n")[0]}` }]);
    }
    const id = (json as { id?: unknown } | null)?.id;
    if (typeof id !== "string" || !id.startsWith("did:web:")) throw new ValidationError(`DID document ${file}`, [{ field: "id", message: "expected a did:web DID" }]);
    documents[id] = json as object;
  }
  return documents;
}

/**
 * `credstack verify <vp>... --request <file> | --challenge <c> --domain <d>`: presentations, against the
 * verifier's own request. Loaded only for presentations: verifying credentials keeps its light start.
 */
async function verifyPresentations(
  presentations: VerifyInput[],
  options: { request?: string; challenge?: string; domain?: string },
  at: number | undefined,
  chain: { entry?: TrustEntry; client?: RegistryReadClient },
  out: Output,
): Promise<number> {
  const { readRequest } = await import("../request-file.js");
  const { verifyPresentationInputs } = await import("./verify-presentation.js");
  const request = options.request !== undefined ? await readRequest(options.request) : undefined;
  if (request && (options.challenge || options.domain)) throw new UsageError("--request carries the challenge and domain: do not pass --challenge or --domain too.");
  if (request && Date.parse(request.expiresAt) < (at ?? Date.now() / 1000) * 1000) {
    throw new UsageError(`Your request expired at ${request.expiresAt}: answers to it are refused; issue a new one.`);
  }
  const presented = await verifyPresentationInputs(
    presentations.map((input) => ({ source: String((input as { source?: unknown }).source), input })),
    { challenge: request?.challenge ?? options.challenge, domain: request?.domain ?? options.domain, at, ...chain },
  );
  const statuses = presented.reports.map((r) => r.status);
  const count = (s: string) => statuses.filter((x) => x === s).length;
  const summary = { total: statuses.length, valid: count("VALID"), invalid: count("INVALID"), error: count("ERROR") };
  await out.result(presented.lines, { summary, presentations: presented.reports });
  return summary.error > 0 ? EXIT.environment : summary.invalid > 0 ? EXIT.rejected : EXIT.ok;
}
