import { getPathway, registerPathway } from "../../chain/actions/index.js";
import { onChainRulesOf, pathwayIdOf } from "../../stack/index.js";
import { ValidationError } from "../../credential/errors.js";
import { parseAddress, signingContext, type GlobalOptions } from "../context.js";
import { readPathwayFile, stackingAddress } from "../pathway-file.js";
import { EXIT, UsageError, type Output } from "../output.js";

/**
 * `credstack pathway publish <file> [--stacking <address>]`: registers a pathway on the stacking
 * registry from the awarding issuer's own key (an issuer accredited now): its on-chain rules
 * (credits, level, listed achievements in n-of groups, issuers, window, exclusivity) and the
 * digest of the whole definition. Idempotent: a pathway already registered with the same digest
 * is reported, not sent again; another definition under the same id and version is refused.
 * Exit 0 registered (or already), 2 a usage or chain error (e.g. the key is not an accredited issuer).
 */
export async function publish(options: { args: [string]; stacking?: string }, globals: GlobalOptions, out: Output): Promise<number> {
  const file = options.args[0];
  const pathway = await readPathwayFile(file);
  let projected;
  try {
    projected = onChainRulesOf(pathway, `pathway ${file}`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(error.shortMessage, { details: error.details, cause: error });
  }
  const { rules, lists, offChainOnly } = projected;
  const { url, account, publicClient, wallet } = await signingContext(globals);
  const stacking = await stackingAddress(options.stacking, url, parseAddress);
  const pathwayId = pathwayIdOf(pathway);
  const summary = [
    `Pathway ${pathway.id} ${pathway.version}`,
    `  id ${pathwayId}, digest ${rules.definitionDigest}`,
    `  on chain: ≥ ${rules.minCreditsCenti / 100} ECTS, EQF ≥ ${rules.minEqfLevel || "any"}, ${lists.achievementIds.length} listed achievement(s) in ${lists.groups.length} group(s), ` +
      `${lists.issuers.length ? `${lists.issuers.length} allowed issuer(s)` : "any accredited issuer"}, ≥ ${rules.minDistinctIssuers || 1} institution(s)` +
      `${rules.maxAgeSeconds ? `, within ${rules.maxAgeSeconds / 86_400} days` : ""}${rules.exclusive ? ", exclusive" : ""}`,
    ...(offChainOnly.length ? [`  checked by the SDK only (not in leaves): ${offChainOnly.join(", ")}`] : []),
  ];
  const existing = await getPathway(publicClient, { stacking, issuer: account.address, pathwayId });
  if (existing) {
    if (existing.rules.definitionDigest !== rules.definitionDigest) {
      throw new UsageError(`${account.address} already registered ${pathway.id} ${pathway.version} with another definition (digest ${existing.rules.definitionDigest}).`, {
        details: "A registration never changes: publish the edited pathway under a new version.",
      });
    }
    await out.result([...summary, `→ already registered by ${account.address} at ${new Date(existing.registeredAt * 1000).toISOString()}`], {
      pathwayId, digest: rules.definitionDigest, stacking, issuer: account.address, registered: true, sent: false,
    });
    return EXIT.ok;
  }
  const tx = await registerPathway(wallet, { stacking, pathwayId, rules, lists });
  await out.result([...summary, `→ registered by ${account.address} in ${tx.txHash} (block ${tx.blockNumber})`], {
    pathwayId, digest: rules.definitionDigest, stacking, issuer: account.address, registered: true, sent: true, txHash: tx.txHash,
  });
  return EXIT.ok;
}
