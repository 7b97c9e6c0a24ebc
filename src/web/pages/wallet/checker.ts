import { announce } from "../shared/dom.js";
import { loadSdk, type PathwayResult, type WalletContext } from "./context.js";

/**
 * Checking the wallet's credentials against the chain (the verifier's seven checks, one registry read per batch)
 * and evaluating the configured pathways over them, with one verification cache per round: the pathways reuse the
 * round's registry reads. A newer round makes an older one's results stale (they are dropped).
 */

let round = 0;

/**
 * Checks every credential again, then evaluates the pathways; the panels hear `status` and `pathways`.
 *
 * @example
 * void checkAll(ctx); // after an import, a restore, or "Check again"
 */
export async function checkAll(ctx: WalletContext): Promise<void> {
  const mine = ++round;
  ctx.reports.clear();
  ctx.pathways = undefined;
  ctx.emit("status", "pathways");
  const sdk = await loadSdk();
  const options = { ...sdk.verifyOptions(ctx.config), cache: sdk.createVerificationCache() };
  const credentials = ctx.credentials;
  const inputs = credentials.map((c) => ({ source: c.stored.source, input: c.stored.text }));
  try {
    const reports = await sdk.verifyCredentials(inputs, options);
    if (mine !== round) return;
    credentials.forEach((c, i) => ctx.reports.set(c.stored.id, reports[i]!));
    ctx.emit("status");
    const states = reports.map((r) => r.status);
    if (credentials.length > 0) {
      const down = states.filter((s) => s === "ERROR").length;
      announce(
        down > 0
          ? `Status: ${down} credential${down === 1 ? "" : "s"} could not be checked.`
          : "Status of your credentials checked."
      );
    }
  } catch (error) {
    if (mine !== round) return;
    announce(`The credentials could not be checked: ${(error as Error).message}`);
  }
  const results: PathwayResult[] = [];
  for (const [i, raw] of ctx.config.pathways.entries()) {
    const name = String((raw as { name?: unknown })?.name ?? `Pathway ${i + 1}`);
    let pathway;
    try {
      pathway = sdk.parsePathway(raw, name);
    } catch (error) {
      results.push({ name, error: `This pathway's definition cannot be read: ${(error as Error).message}` });
      continue;
    }
    try {
      const evaluation = await sdk.evaluatePathway(pathway, inputs, {
        ...options,
        ...(ctx.address ? { holder: ctx.address as `0x${string}` } : {}),
      });
      results.push({ name: pathway.name, evaluation });
    } catch (error) {
      results.push({ name: pathway.name, error: `Could not evaluate: ${(error as Error).message}` });
    }
  }
  if (mine !== round) return;
  ctx.pathways = results;
  ctx.emit("pathways");
  if (performance.getEntriesByName("wallet-checked").length === 0) performance.mark("wallet-checked");
  document.body.dataset.checked = "true";
}
