import path from "node:path";
import { revokeBatchDirectory, revokeFromFiles } from "../../chain/revoke-files.js";
import { parseAddress, parseInteger, requirePath, signingContext, type GlobalOptions } from "../context.js";
import { UsageError, type Output } from "../output.js";

/**
 * `credstack revoke <credential.json>... [--reason <code>]`: one `revokeCredentials` transaction
 * per batch root; `credstack revoke --batch <dir> [--reason <code>]`: the whole batch. Signed by an
 * operator key of the batch's issuer. Already-revoked credentials (or batch) are not sent again.
 */
export async function revoke(options: { args: [string[]]; batch?: string; reason: string }, globals: GlobalOptions, out: Output): Promise<void> {
  const files = options.args[0] ?? [];
  if (files.length > 0 && options.batch !== undefined) throw new UsageError("Give credential files or --batch <dir>, not both.");
  if (files.length === 0 && options.batch === undefined) throw new UsageError("Give the credential files to revoke, or --batch <dir> to revoke a whole batch.");
  const reason = parseInteger(options.reason, "--reason", 0, 255);
  for (const file of files) await requirePath(file, "file", "The credential file");
  if (options.batch !== undefined) {
    await requirePath(options.batch, "directory", "The batch directory");
    await requirePath(path.join(options.batch, "manifest.json"), "file", "The batch manifest");
  }
  const registry = globals.registry !== undefined ? parseAddress(globals.registry, "--registry") : undefined;
  const ctx = await signingContext(globals);

  if (options.batch !== undefined) {
    const result = await revokeBatchDirectory(ctx.wallet, ctx.publicClient, options.batch, reason, registry ? { registry } : {});
    await out.result(
      result.tx
        ? [`Revoked the whole batch ${result.root} (reason ${reason})`, `  transaction ${result.tx.txHash} (block ${result.tx.blockNumber})`]
        : [`Batch ${result.root} was already revoked (reason ${result.reason}); nothing sent.`],
      result,
    );
    return;
  }

  const results = await revokeFromFiles(ctx.wallet, ctx.publicClient, files, reason, registry ? { registry } : {});
  const lines: string[] = [];
  for (const r of results) {
    const fresh = r.indices.filter((i) => !r.alreadyRevoked.includes(i));
    if (r.tx) lines.push(`Revoked ${fresh.length} credential${fresh.length === 1 ? "" : "s"} of batch ${r.root} (indices ${fresh.join(", ")}; reason ${reason})`, `  transaction ${r.tx.txHash} (block ${r.tx.blockNumber})`);
    if (r.alreadyRevoked.length) lines.push(`${r.tx ? "  already" : "Already"} revoked in batch ${r.root}: indices ${r.alreadyRevoked.join(", ")}${r.tx ? "" : "; nothing sent"}`);
  }
  await out.result(lines, { reason, revocations: results });
}
