import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, type Address } from "viem";
import { buildBatchDirectory } from "../../batch/build-directory.js";
import { extractCredential, readManifest, writeFileAtomic, type CredentialSelector } from "../../batch/files.js";
import { CREDENTIAL_FORMAT_V3 } from "../../batch/format.js";
import { toVerifiableCredential } from "../../batch/v3/credential.js";
import { loadIssuerKey, signCredential } from "../../credential/sign/index.js";
import { nodeChainId } from "../../chain/actions/index.js";
import { anchorBatchDirectory, batchStatus, type AnchorProgress, type BatchStatusReport } from "../../chain/anchor-directory.js";
import type { DeploymentRecord } from "../../chain/deployments.js";
import { ChainError, RpcUnreachableError, TransactionTimeoutError } from "../../chain/errors.js";
import { checkIssuerCanIssue } from "../../chain/preflight.js";
import { ValidationError } from "../../credential/errors.js";
import { parseAchievement } from "../../credential/schema.js";
import { revocationReasonName } from "../../credential/revocation-reasons.js";
import {
  chainOf,
  localDeployment,
  parseAddress,
  parseInteger,
  publicClientOf,
  requireAbsent,
  requirePath,
  rpcUrl,
  signingAccount,
  walletClientOf,
  type GlobalOptions,
} from "../context.js";
import { EXIT, UsageError, isoTime, type Output } from "../output.js";

/**
 * Test hook (not for production use): with `CREDSTACK_TEST_CRASH_AFTER_SEND=1`, `batch anchor`
 * kills its own process with SIGKILL as soon as the node has accepted the anchoring transaction,
 * before the receipt is awaited and the manifest written, to test that the next run recovers the
 * anchor from the chain without sending a second transaction (test/ts/cli.test.ts).
 */
const CRASH_AFTER_SEND = "CREDSTACK_TEST_CRASH_AFTER_SEND";

const rel = (p: string) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
};

async function requireBatchDir(dir: string): Promise<void> {
  await requirePath(dir, "directory", "The batch directory");
  await requirePath(path.join(dir, "manifest.json"), "file", "The batch manifest");
}

/** The first block to search for anchoring events: --from-block, else the local deployment's block for the same registry. */
function fromBlockOf(option: string | undefined, deployment: DeploymentRecord | null, registry: Address, chainId: number): bigint | undefined {
  if (option !== undefined) return BigInt(parseInteger(option, "--from-block", 0, Number.MAX_SAFE_INTEGER));
  if (deployment && deployment.chainId === chainId && getAddress(deployment.registry) === getAddress(registry)) return BigInt(deployment.deployedAtBlock);
  return undefined;
}

// ------------------------------------------------------------------------------------------ build

/**
 * `credstack batch build (--achievement <course.json> --learners <learners.csv> | --credentials <file.jsonl>) --out <dir> [--layout auto|files|shards] [--chain-id <id>]`.
 * The target (chain id and registry, bound into every leaf) comes from --chain-id / --registry,
 * else from the --rpc node / the local deployment.
 */
export async function build(
  options: {
    achievement?: string;
    learners?: string;
    credentials?: string;
    out: string;
    layout: "auto" | "files" | "shards";
    chainId?: string;
    format?: "2" | "3";
    issuerDid?: string;
  },
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const csvInput = options.achievement !== undefined || options.learners !== undefined;
  if (csvInput && options.credentials !== undefined) throw new UsageError("Give either --achievement with --learners, or --credentials, not both.");
  if (!csvInput && options.credentials === undefined) throw new UsageError("Give --achievement <course.json> with --learners <learners.csv>, or --credentials <file.jsonl>.");
  if (csvInput && (options.achievement === undefined || options.learners === undefined)) throw new UsageError("--achievement and --learners go together.");
  for (const [file, what] of [[options.achievement, "The course file"], [options.learners, "The learners file"], [options.credentials, "The credentials file"]] as const) {
    if (file !== undefined) await requirePath(file, "file", what);
  }
  await requireAbsent(options.out, "The output directory");
  const format = options.format === "2" ? 2 : options.format === "3" ? 3 : undefined;
  if (options.issuerDid !== undefined && (format === 2 || options.credentials !== undefined)) throw new UsageError("--issuer-did is for v3 batches built from --achievement and --learners.");

  let achievement;
  if (options.achievement !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(options.achievement, "utf8"));
    } catch (error) {
      throw new ValidationError(`course ${options.achievement}`, [{ field: "(file)", message: `not valid JSON: ${(error as Error).message}` }]);
    }
    achievement = parseAchievement(json, `course ${options.achievement}`);
  }

  // The target every leaf binds.
  const deployment = await localDeployment();
  const local = deployment && (globals.rpc === undefined || globals.rpc === deployment.rpcUrl) ? deployment : null;
  let chainId: number;
  if (options.chainId !== undefined) chainId = parseInteger(options.chainId, "--chain-id", 1, Number.MAX_SAFE_INTEGER);
  else if (local) chainId = local.chainId;
  else if (globals.rpc !== undefined) chainId = await nodeChainId(publicClientOf(globals.rpc));
  else throw new UsageError("No target chain: pass --chain-id <id> or --rpc <url>, or start a local chain with `credstack chain start`.");
  let registry: Address;
  if (globals.registry !== undefined) registry = parseAddress(globals.registry, "--registry");
  else if (local) registry = local.registry;
  else throw new UsageError("No target registry: pass --registry <address>, or start a local chain with `credstack chain start`.");

  // When the chain can be read, what a verifier will check of the issuer is checked now: a course
  // above the issuer's accreditation, or under another name or country, would never verify.
  const url = globals.rpc ?? local?.rpcUrl;
  if (achievement && url !== undefined) {
    const client = publicClientOf(url, chainOf(chainId, url));
    try {
      if ((await nodeChainId(client)) === chainId) {
        const { name, country, address } = achievement.awardingBody;
        await checkIssuerCanIssue(client, { registry, issuer: getAddress(address), eqfLevel: achievement.eqfLevel, profile: { name, country } });
      } else {
        await out.warn(`The node at ${url} serves another chain than ${chainId}: the issuer's accreditation was not checked.`);
      }
    } catch (error) {
      if (!(error instanceof RpcUnreachableError)) throw error;
      await out.warn(`Cannot reach ${url}: the issuer's accreditation was not checked (\`batch anchor\` checks it).`);
    }
  }

  const progress = out.progress();
  const manifest = await buildBatchDirectory({
    ...(achievement ? { achievement, learnersCsv: options.learners } : { credentialsJsonl: options.credentials }),
    out: options.out,
    target: { chainId, registry },
    layout: options.layout,
    ...(format !== undefined ? { format } : {}),
    ...(options.issuerDid !== undefined ? { issuerDid: options.issuerDid } : {}),
    onProgress: (p) => progress?.bar(p.phase === "draft" ? "building" : "writing ", p.fraction, p.phase === "write" ? `${p.done.toLocaleString("en")} credentials` : ""),
  }).finally(() => progress?.clear());
  const layout = manifest.files ? "files" : "shards";
  const dir = path.resolve(options.out);
  await out.result(
    [
      `Built batch ${rel(dir)}: ${manifest.leafCount} credential${manifest.leafCount === 1 ? "" : "s"} (${layout === "files" ? "one file each" : `${manifest.shards!.length} JSON Lines shard(s)`})`,
      `  root        ${manifest.root}`,
      `  issuer      ${manifest.issuer}`,
      `  target      chain ${manifest.chainId}, registry ${manifest.registry}`,
      `  next        credstack batch anchor ${rel(dir)}`,
    ],
    { dir, root: manifest.root, leafCount: manifest.leafCount, layout, issuer: manifest.issuer, chainId: manifest.chainId, registry: manifest.registry, achievement: manifest.achievement, created: manifest.created },
  );
}

// ----------------------------------------------------------------------------------------- anchor

/** `credstack batch anchor <dir> [--confirmations N] [--timeout <s>] [--from-block N] [--skip-check]`. */
export async function anchor(
  options: { args: [string]; confirmations: string; timeout?: string; fromBlock?: string; skipCheck?: boolean },
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const [dir] = options.args;
  await requireBatchDir(dir);
  const confirmations = parseInteger(options.confirmations, "--confirmations", 1, 1000);
  const timeout = options.timeout !== undefined ? parseInteger(options.timeout, "--timeout", 1, 86_400) * 1000 : undefined;
  const account = await signingAccount(globals);
  const { url, deployment } = await rpcUrl(globals);
  const manifest = await readManifest(dir);
  const chain = chainOf(manifest.chainId, url);
  const registry = globals.registry !== undefined ? parseAddress(globals.registry, "--registry") : undefined;
  const fromBlock = fromBlockOf(options.fromBlock, deployment, getAddress(manifest.registry), manifest.chainId);

  const progress = out.progress();
  const onProgress = (p: AnchorProgress) => {
    if (!progress) return;
    if (p.phase === "check") progress.bar("checking", p.total ? p.done / p.total : 1, `${p.done.toLocaleString("en")} / ${p.total.toLocaleString("en")} credentials`);
    else if (p.phase === "chain") progress.line(`checking chain ${manifest.chainId} and registry ${manifest.registry}…`);
    else if (p.phase === "pending") progress.line(`waiting for pending transactions of ${p.account}…`);
    else if (p.phase === "sent") progress.line(`sent ${p.txHash.slice(0, 10)}…${p.txHash.slice(-6)}; waiting for ${p.confirmations} confirmation${p.confirmations === 1 ? "" : "s"}…`);
    else progress.line("writing the anchor into the manifest…");
  };
  let result;
  try {
    result = await anchorBatchDirectory(walletClientOf(account, chain, url), publicClientOf(url, chain), dir, {
      confirmations,
      ...(timeout !== undefined ? { timeout } : {}),
      ...(registry ? { registry } : {}),
      ...(fromBlock !== undefined ? { fromBlock } : {}),
      skipCheck: Boolean(options.skipCheck),
      onProgress,
      onSent: () => {
        if (process.env[CRASH_AFTER_SEND] === "1") process.kill(process.pid, "SIGKILL");
      },
    });
  } catch (error) {
    progress?.clear();
    if (error instanceof TransactionTimeoutError) {
      const hint = `It may still be mined. Run \`credstack batch anchor ${dir}\` again later: an anchor found on chain is recorded without a second transaction.`;
      throw Object.assign(new ChainError(error.shortMessage, { details: hint, cause: error }), { name: error.name });
    }
    throw error;
  }
  progress?.clear();
  for (const warning of result.warnings) await out.warn(warning);
  const { anchor } = result;
  const where = `transaction ${anchor.txHash}, block ${anchor.blockNumber}, ${isoTime(anchor.anchoredAt)}`;
  const human = {
    anchored: [`Anchored batch ${rel(result.dir)} (${result.leafCount} credentials)`, `  root        ${result.root}`, `  anchor      ${where}`, `  recorded in ${rel(path.join(result.dir, "manifest.json"))}`],
    recovered: [`Batch ${rel(result.dir)} was already anchored on chain: recorded its anchor in the manifest; no transaction sent.`, `  root        ${result.root}`, `  anchor      ${where}`],
    "already-anchored": [`Batch ${rel(result.dir)} is anchored, and its manifest agrees with the chain; nothing to do.`, `  root        ${result.root}`, `  anchor      ${where}`],
  }[result.outcome];
  await out.result(human, result);
}

// ----------------------------------------------------------------------------------------- status

function accreditationLine(a: BatchStatusReport["accreditation"]["now"]): string {
  if (a.status === "None") return "never accredited";
  return `${a.status}${a.accredited ? " (accredited)" : " (not accredited)"}, up to EQF ${a.maxEqfLevel}, valid ${isoTime(a.validFrom)} → ${isoTime(a.validUntil)}`;
}

/** `credstack batch status <dir> [--from-block N]`: exit 0, or 1 when the manifest and the chain disagree. */
export async function status(options: { args: [string]; fromBlock?: string }, globals: GlobalOptions, out: Output): Promise<number> {
  const [dir] = options.args;
  await requireBatchDir(dir);
  const { url, deployment } = await rpcUrl(globals);
  const manifest = await readManifest(dir);
  const registry = globals.registry !== undefined ? parseAddress(globals.registry, "--registry") : undefined;
  const fromBlock = fromBlockOf(options.fromBlock, deployment, getAddress(manifest.registry), manifest.chainId);
  const s = await batchStatus(publicClientOf(url, chainOf(manifest.chainId, url)), dir, { ...(registry ? { registry } : {}), ...(fromBlock !== undefined ? { fromBlock } : {}) });
  const m = s.manifest;
  const c = s.onChain;
  const lines = [
    `batch          ${rel(s.dir)}`,
    `root           ${m.root}`,
    `credentials    ${m.leafCount} (${m.layout}), ${m.achievement}`,
    `issuer         ${m.issuer}`,
    `target         chain ${m.chainId}, registry ${m.registry}`,
    `created        ${m.created}`,
    `manifest       ${m.anchor ? `anchor recorded: transaction ${m.anchor.txHash}, block ${m.anchor.blockNumber}` : "no anchor recorded"}`,
    `on chain       ${
      c
        ? `${batchState(c)}; anchored for ${c.issuer} by key ${c.anchoringKey}${c.anchoringKeyCompromised ? " (DECLARED COMPROMISED: this batch fails verification)" : ""}` +
          ` at ${isoTime(c.anchoredAt)}` +
          (c.blockNumber !== null ? ` (block ${c.blockNumber})` : "") +
          (c.revokedCount !== null ? `; ${c.revokedCount} revoked, ${c.revocationPendingCount} pending revocation, ${c.suspendedCount} suspended` : "")
        : "not anchored"
    }`,
    `accreditation  now: ${accreditationLine(s.accreditation.now)}`,
    ...(s.accreditation.atAnchor ? [`               at anchoring: ${accreditationLine(s.accreditation.atAnchor)}`] : []),
    ...(s.problems.length ? ["problems:", ...s.problems.map((p) => `  - ${p}`)] : []),
    ...(!c && !m.anchor ? [`next           credstack batch anchor ${rel(s.dir)}`] : []),
    ...(c && !m.anchor ? [`next           credstack batch anchor ${rel(s.dir)}   (records the anchor found on chain; sends nothing)`] : []),
  ];
  await out.result(lines, s);
  return s.problems.length ? EXIT.rejected : EXIT.ok;
}

/** A batch's status on chain in words: active, or revoked as a whole by whom, final or until when cancellable. */
function batchState(c: NonNullable<BatchStatusReport["onChain"]>): string {
  if (c.status === "Active" || !c.revocation) return "Active";
  const r = c.revocation;
  const who = r.by === c.issuer ? "the issuer's account" : `operator key ${r.by}`;
  const reason = `reason ${c.revocationReason} (${revocationReasonName(c.revocationReason)})`;
  return c.status === "Revoked"
    ? `REVOKED as a whole by ${who} (${reason}), final`
    : `REVOCATION PENDING for the whole batch by ${who} (${reason}): final at ${isoTime(r.finalAt)} unless the issuer cancels it`;
}

// ---------------------------------------------------------------------------------------- extract

/** `credstack batch extract <dir> (--learner <id> | --holder <addr> | --index <n>) [--out <file>]`. */
export async function extract(
  options: { args: [string]; learner?: string; holder?: string; index?: string; out?: string; sign?: string },
  _globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const [dir] = options.args;
  const given = [options.learner, options.holder, options.index].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError("Give exactly one of --learner <id>, --holder <address>, --index <n>.");
  await requireBatchDir(dir);
  if (options.out !== undefined) await requireAbsent(options.out, "The output file");
  const selector: CredentialSelector =
    options.learner !== undefined
      ? { learnerId: options.learner }
      : options.holder !== undefined
        ? { holder: parseAddress(options.holder, "--holder") }
        : { index: parseInteger(options.index!, "--index", 0, 2 ** 32 - 1) };
  if (options.sign !== undefined) await requirePath(options.sign, "file", "The signing key file");
  const key = options.sign !== undefined ? await loadIssuerKey(options.sign) : undefined;
  const file = await extractCredential(dir, selector);
  if (key && file.format !== CREDENTIAL_FORMAT_V3) throw new UsageError(`--sign signs v3 credentials; this batch holds ${file.format} files.`);
  let document: unknown = file.format === CREDENTIAL_FORMAT_V3 ? toVerifiableCredential(file) : file;
  if (key) document = await signCredential({ credential: document as { issuer: { id: string } }, key });
  const text = JSON.stringify(document, null, 2) + "\n";
  if (options.out === undefined) return out.raw(text);
  await writeFileAtomic(options.out, text);
  const outFile = path.resolve(options.out);
  await out.result(`Extracted credential ${file.leaf.index} (holder ${file.leaf.holder})${key ? `, signed by ${key.controller},` : ""} to ${rel(outFile)}`, {
    out: outFile,
    index: file.leaf.index,
    holder: file.leaf.holder,
    root: file.proof.root,
  });
}
