import path from "node:path";
import { getAddress, type Address } from "viem";
import { assertRegistry, cancelBatchRevocation, cancelRevocations } from "../../chain/actions/index.js";
import { RegistryMismatchError } from "../../chain/errors.js";
import { revokeBatchDirectory, revokeFromFiles, type CredentialsRevocation } from "../../chain/revoke-files.js";
import { isoTime } from "../../chain/records.js";
import { readCredentialFile, readManifest } from "../../batch/files.js";
import { parseRevocationReason, revocationReasonName } from "../../credential/revocation-reasons.js";
import { registryOf, requirePath, signingContext, type GlobalOptions } from "../context.js";
import { UsageError, type Output } from "../output.js";

/** How a revocation took effect, in words. */
const finality = (final: boolean) =>
  final ? "final" : "pending: final after the issuer's revocation delay unless the issuer cancels it (`credstack revoke --cancel`)";

/**
 * `credstack revoke <credential.json>... [--reason <code|name>]`: one `revokeCredentials` transaction
 * per batch; `credstack revoke --batch <dir>`: the whole batch. Signed by the issuer's own account
 * (final at once) or by one of its operator keys (pending for the issuer's revocation delay).
 * `--cancel` (issuer's account only) cancels pending revocations instead. Already revoked
 * credentials (or batch) are not sent again.
 */
export async function revoke(
  options: { args: [string[]]; batch?: string; reason: string; cancel?: boolean },
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const files = options.args[0] ?? [];
  if (files.length > 0 && options.batch !== undefined) throw new UsageError("Give credential files or --batch <dir>, not both.");
  if (files.length === 0 && options.batch === undefined) throw new UsageError("Give the credential files to revoke, or --batch <dir> to revoke a whole batch.");
  const reason = parseRevocationReason(options.reason);
  if (reason === undefined) {
    throw new UsageError(`--reason must be a revocation reason code or name (docs/formats.md), got ${JSON.stringify(options.reason)}.`, {
      details: "e.g. 4 or superseded, 9 or award-withdrawn, 11 or issued-in-error; 6 and 8 are not revocations (suspend instead).",
    });
  }
  for (const file of files) await requirePath(file, "file", "The credential file");
  if (options.batch !== undefined) {
    await requirePath(options.batch, "directory", "The batch directory");
    await requirePath(path.join(options.batch, "manifest.json"), "file", "The batch manifest");
  }
  const ctx = await signingContext(globals);
  // The registry revoked in: --registry, else the local deployment's (for its RPC URL), else the
  // user must say; a file naming another is refused, so that a forged file cannot send the
  // issuer's revocation to a contract of its own.
  const registry = registryOf(globals, ctx.deployment, ctx.url);
  const named = `reason ${reason} (${revocationReasonName(reason)})`;
  const where = (r: Address) => `registry ${r} on chain ${ctx.chain.id}`;

  if (options.cancel) {
    await cancel(files, options.batch, ctx, registry, out);
    return;
  }
  if (options.batch !== undefined) {
    const result = await revokeBatchDirectory(ctx.wallet, ctx.publicClient, options.batch, reason, { registry });
    await out.result(
      result.tx
        ? [
            `Revoked the whole batch ${result.root} (${named}) in ${where(result.registry)}: ${finality(result.final)}`,
            `  transaction ${result.tx.txHash} (block ${result.tx.blockNumber})`,
          ]
        : [`Batch ${result.root} was already revoked (reason ${result.reason} (${revocationReasonName(result.reason)})) in ${where(result.registry)}; nothing sent.`],
      result,
    );
    return;
  }

  const results = await revokeFromFiles(ctx.wallet, ctx.publicClient, files, reason, { registry });
  const lines: string[] = results.length ? [`In ${where(results[0]!.registry)}:`] : [];
  for (const r of results) lines.push(...describe(r, named));
  await out.result(lines, { reason, revocations: results });
}

function describe(r: CredentialsRevocation, named: string): string[] {
  const lines: string[] = [];
  const fresh = r.indices.filter((i) => !r.alreadyRevoked.includes(i));
  const plural = fresh.length === 1 ? "" : "s";
  if (r.tx) {
    lines.push(`Revoked ${fresh.length} credential${plural} of batch ${r.root} (indices ${fresh.join(", ")}; ${named}): ${finality(r.final)}`);
    lines.push(`  transaction ${r.tx.txHash} (block ${r.tx.blockNumber})`);
  }
  if (r.alreadyRevoked.length) {
    lines.push(`${r.tx ? "  already" : "Already"} revoked in batch ${r.root}: indices ${r.alreadyRevoked.join(", ")}${r.tx ? "" : "; nothing sent"}`);
  }
  return lines;
}

/** The registry a file names, checked against the pinned one and the node. */
async function targetOf(named: string, chainId: number, pinned: Address, ctx: Awaited<ReturnType<typeof signingContext>>, source: string): Promise<Address> {
  const registry = getAddress(named);
  if (registry !== pinned) throw new RegistryMismatchError(registry, pinned, { source });
  await assertRegistry(ctx.publicClient, registry, chainId);
  return registry;
}

/** `--cancel`: the issuer's account cancels pending revocations of credentials (by file) or of a whole batch. */
async function cancel(
  files: string[],
  batch: string | undefined,
  ctx: Awaited<ReturnType<typeof signingContext>>,
  pinned: Address,
  out: Output,
): Promise<void> {
  if (batch !== undefined) {
    const manifest = await readManifest(batch);
    const registry = await targetOf(manifest.registry, manifest.chainId, pinned, ctx, `The batch ${batch}`);
    const tx = await cancelBatchRevocation(ctx.wallet, { registry, root: manifest.root });
    await out.result([`Cancelled the pending revocation of batch ${manifest.root}`, `  transaction ${tx.txHash} (block ${tx.blockNumber})`], {
      root: manifest.root,
      ...tx,
    });
    return;
  }
  const byRoot = new Map<string, { registry: Address; root: `0x${string}`; indices: number[] }>();
  for (const file of files) {
    const c = await readCredentialFile(file);
    const registry = await targetOf(c.leaf.registry, c.leaf.chainId, pinned, ctx, `The credential ${file}`);
    const key = `${registry}:${c.proof.root}`.toLowerCase();
    const group = byRoot.get(key) ?? { registry, root: c.proof.root, indices: [] };
    group.indices.push(c.leaf.index);
    byRoot.set(key, group);
  }
  const lines: string[] = [];
  const done = [];
  for (const g of byRoot.values()) {
    const tx = await cancelRevocations(ctx.wallet, g);
    lines.push(`Cancelled pending revocations in batch ${g.root} of registry ${g.registry} (indices ${g.indices.join(", ")})`, `  transaction ${tx.txHash} (block ${tx.blockNumber}, ${isoTime(tx.timestamp)})`);
    done.push({ ...g, ...tx });
  }
  await out.result(lines, { cancelled: done });
}
