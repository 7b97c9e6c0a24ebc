import { getAddress } from "viem";
import { getBlock } from "viem/actions";
import { accreditIssuer, addOperator, assertRegistry, removeOperator } from "../../chain/actions/index.js";
import { toChainError } from "../../chain/to-chain-error.js";
import { issuerProfileDigest } from "../../credential/issuer-profile.js";
import { parseAddress, parseDate, parseInteger, registryOf, signingContext, type GlobalOptions } from "../context.js";
import { UsageError, isoTime, type Output } from "../output.js";

const YEARS_5 = 5 * 365 * 86_400;

/**
 * `credstack issuer accredit --issuer <addr> --name <s> --country <CC> [--max-eqf N] [--from <date>] [--until <date>]`,
 * signed by an accreditor key. The profile digest is keccak256 of the canonical (RFC 8785) JSON
 * `{"country": …, "name": …}`: anyone holding the profile can check it against the chain.
 */
export async function accredit(
  options: { issuer: string; name: string; country: string; maxEqf: string; from?: string; until?: string },
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const issuer = parseAddress(options.issuer, "--issuer");
  const name = options.name.trim();
  if (name.length < 2 || name.length > 200) throw new UsageError("--name must be 2 to 200 characters.");
  const country = options.country.trim().toUpperCase();
  if (!/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(country)) throw new UsageError(`--country must be an ISO 3166 code such as NL or ES-CT, got ${JSON.stringify(options.country)}.`);
  const maxEqfLevel = parseInteger(options.maxEqf, "--max-eqf", 1, 8);
  const from = options.from !== undefined ? parseDate(options.from, "--from") : undefined;
  const until = options.until !== undefined ? parseDate(options.until, "--until") : undefined;

  const ctx = await signingContext(globals);
  const registry = registryOf(globals, ctx.deployment, ctx.url);
  await assertRegistry(ctx.publicClient, registry, ctx.chain.id);
  let now: number;
  try {
    now = Number((await getBlock(ctx.publicClient)).timestamp);
  } catch (error) {
    throw toChainError(error, { url: ctx.url, functionName: "getBlock" });
  }
  const validFrom = from ?? now;
  const validUntil = until ?? validFrom + YEARS_5;
  if (validUntil <= validFrom || validUntil <= now) throw new UsageError(`--until (${isoTime(validUntil)}) must be after the start (${isoTime(validFrom)}) and in the future.`);
  const profile = { name, country };
  const profileDigest = issuerProfileDigest(profile);
  const tx = await accreditIssuer(ctx.wallet, { registry, issuer, profileDigest, maxEqfLevel, validFrom, validUntil });
  await out.result(
    [
      `Accredited ${issuer} (${name}, ${country}) up to EQF ${maxEqfLevel}, valid ${isoTime(validFrom)} → ${isoTime(validUntil)}`,
      `  transaction ${tx.txHash} (block ${tx.blockNumber})`,
      `  accreditor  ${getAddress(ctx.account.address)}, registry ${registry} on chain ${ctx.chain.id}`,
    ],
    { issuer, profile, profileDigest, maxEqfLevel, validFrom, validUntil, accreditor: getAddress(ctx.account.address), registry, chainId: ctx.chain.id, ...tx },
  );
}

async function changeOperator(kind: "add" | "remove", options: { args: [string] }, globals: GlobalOptions, out: Output): Promise<void> {
  const key = parseAddress(options.args[0], "the operator key");
  const ctx = await signingContext(globals);
  const registry = registryOf(globals, ctx.deployment, ctx.url);
  await assertRegistry(ctx.publicClient, registry, ctx.chain.id);
  const tx = kind === "add" ? await addOperator(ctx.wallet, { registry, key }) : await removeOperator(ctx.wallet, { registry, key });
  const issuer = getAddress(ctx.account.address);
  await out.result(
    [`${kind === "add" ? "Added" : "Removed"} operator key ${key} ${kind === "add" ? "for" : "of"} issuer ${issuer}`, `  transaction ${tx.txHash} (block ${tx.blockNumber})`],
    { action: kind, key, issuer, registry, chainId: ctx.chain.id, ...tx },
  );
}

/** `credstack issuer operator add <address>`, signed by the issuer's key. */
export const operatorAdd = (options: { args: [string] }, globals: GlobalOptions, out: Output) => changeOperator("add", options, globals, out);
/** `credstack issuer operator remove <address>`, signed by the issuer's key. */
export const operatorRemove = (options: { args: [string] }, globals: GlobalOptions, out: Output) => changeOperator("remove", options, globals, out);
