import { readFile } from "node:fs/promises";
import { getAddress, type Address, type Hex } from "viem";
import { getBlock } from "viem/actions";
import {
  accreditIssuer,
  addOperator,
  assertRegistry,
  declareOperatorCompromised,
  getAccreditationAt,
  getOperators,
  getRevocationDelay,
  removeOperator,
  setRevocationDelay,
  signOperatorConsent,
  type OperatorConsent,
} from "../../chain/actions/index.js";
import { latestTimestamp } from "../../chain/actions/client.js";
import { writeFileAtomic } from "../../batch/files.js";
import { toChainError } from "../../chain/to-chain-error.js";
import { issuerProfileDigest } from "../../credential/issuer-profile.js";
import {
  parseAddress,
  parseDate,
  parseInteger,
  publicClientOf,
  registryOf,
  requireAbsent,
  requirePath,
  rpcUrl,
  signingContext,
  type GlobalOptions,
} from "../context.js";
import { EXIT, UsageError, isoTime, type Output } from "../output.js";

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

/** The signer's registry and chain, as every issuer command resolves them. */
async function issuerContext(globals: GlobalOptions) {
  const ctx = await signingContext(globals);
  const registry = registryOf(globals, ctx.deployment, ctx.url);
  await assertRegistry(ctx.publicClient, registry, ctx.chain.id);
  return { ...ctx, registry };
}

/**
 * `credstack issuer operator consent --issuer <addr> [--valid-for <hours>] [--out <file>]`, signed by
 * the operator key itself: its EIP-712 consent to operate for that issuer, which the issuer passes
 * to `issuer operator add --consent`. Nothing is sent.
 */
export async function operatorConsent(
  options: { issuer: string; validFor: string; out?: string },
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const issuer = parseAddress(options.issuer, "--issuer");
  const hours = parseInteger(options.validFor, "--valid-for", 1, 24 * 365);
  if (options.out) await requireAbsent(options.out, "--out");
  const ctx = await issuerContext(globals);
  const now = await latestTimestamp(ctx.publicClient, { url: ctx.url, functionName: "getBlock" });
  const consent = await signOperatorConsent(ctx.account, { registry: ctx.registry, chainId: ctx.chain.id, issuer, deadline: now + hours * 3600 });
  const document = { format: "credstack-operator-consent-v1", chainId: ctx.chain.id, registry: ctx.registry, ...consent };
  if (options.out) await writeFileAtomic(options.out, JSON.stringify(document, null, 2) + "\n");
  await out.result(
    [
      `Key ${consent.key} consents to operate for issuer ${issuer} until ${isoTime(consent.deadline)}`,
      options.out ? `  written to ${options.out}: the issuer runs \`credstack issuer operator add ${consent.key} --consent ${options.out}\`` : JSON.stringify(document),
    ],
    document,
  );
}

/** Reads a consent file (or inline JSON) and checks it is the key's, for this registry and chain. */
async function readConsent(source: string, key: Address, registry: Address, chainId: number): Promise<OperatorConsent> {
  let text = source;
  if (!source.trim().startsWith("{")) {
    await requirePath(source, "file", "--consent");
    text = await readFile(source, "utf8");
  }
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(`--consent is not a consent document (JSON from \`credstack issuer operator consent\`).`);
  }
  if (doc.format !== "credstack-operator-consent-v1") throw new UsageError(`--consent: unknown format ${JSON.stringify(doc.format)}.`);
  const field = (name: string) => {
    if (typeof doc[name] !== "string" && typeof doc[name] !== "number") throw new UsageError(`--consent: field ${name} is missing.`);
    return String(doc[name]);
  };
  const consentKey = parseAddress(field("key"), "--consent key");
  if (consentKey !== key) throw new UsageError(`--consent is the consent of key ${consentKey}, not of ${key}.`);
  if (parseAddress(field("registry"), "--consent registry") !== registry || Number(field("chainId")) !== chainId) {
    throw new UsageError(`--consent was signed for registry ${field("registry")} on chain ${field("chainId")}, not ${registry} on chain ${chainId}.`);
  }
  const signature = field("signature");
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new UsageError("--consent: signature must be 65 bytes of hex.");
  return { issuer: parseAddress(field("issuer"), "--consent issuer"), key, deadline: parseInteger(field("deadline"), "--consent deadline", 0, 2 ** 40), signature: signature as Hex };
}

/** `credstack issuer operator add <address> --consent <file>`, signed by the issuer's key. */
export async function operatorAdd(options: { args: [string]; consent: string }, globals: GlobalOptions, out: Output): Promise<void> {
  const key = parseAddress(options.args[0], "the operator key");
  const ctx = await issuerContext(globals);
  const issuer = getAddress(ctx.account.address);
  const consent = await readConsent(options.consent, key, ctx.registry, ctx.chain.id);
  if (consent.issuer !== issuer) throw new UsageError(`--consent lets key ${key} operate for issuer ${consent.issuer}, not for ${issuer}, the signing key.`);
  const tx = await addOperator(ctx.wallet, { registry: ctx.registry, consent });
  await out.result([`Added operator key ${key} for issuer ${issuer}`, `  transaction ${tx.txHash} (block ${tx.blockNumber})`], {
    action: "add",
    key,
    issuer,
    registry: ctx.registry,
    chainId: ctx.chain.id,
    ...tx,
  });
}

/** `credstack issuer operator remove <address>`, signed by the issuer's key. */
export async function operatorRemove(options: { args: [string] }, globals: GlobalOptions, out: Output): Promise<void> {
  const key = parseAddress(options.args[0], "the operator key");
  const ctx = await issuerContext(globals);
  const issuer = getAddress(ctx.account.address);
  const tx = await removeOperator(ctx.wallet, { registry: ctx.registry, key });
  await out.result([`Removed operator key ${key} of issuer ${issuer}`, `  transaction ${tx.txHash} (block ${tx.blockNumber})`], {
    action: "remove",
    key,
    issuer,
    registry: ctx.registry,
    chainId: ctx.chain.id,
    ...tx,
  });
}

/**
 * `credstack issuer operator compromised <address> --since <date>`, signed by the issuer's key: the
 * key is removed; the batches it anchored since then fail verification; its revocations since
 * then that are not final yet are void.
 */
export async function operatorCompromised(options: { args: [string]; since: string }, globals: GlobalOptions, out: Output): Promise<void> {
  const key = parseAddress(options.args[0], "the operator key");
  const since = parseDate(options.since, "--since");
  const ctx = await issuerContext(globals);
  const tx = await declareOperatorCompromised(ctx.wallet, { registry: ctx.registry, key, since });
  await out.result(
    [
      `Declared operator key ${key} compromised since ${isoTime(since)}: removed; its anchors since then fail verification; its pending revocations since then are void`,
      `  transaction ${tx.txHash} (block ${tx.blockNumber})`,
    ],
    { key, since, issuer: getAddress(ctx.account.address), registry: ctx.registry, chainId: ctx.chain.id, ...tx },
  );
}

/** `credstack issuer revocation-delay <hours>`, signed by the issuer's key. */
export async function revocationDelay(options: { args: [string] }, globals: GlobalOptions, out: Output): Promise<void> {
  const hours = parseInteger(options.args[0], "the delay in hours", 1, 365 * 24);
  const ctx = await issuerContext(globals);
  const tx = await setRevocationDelay(ctx.wallet, { registry: ctx.registry, delay: hours * 3600 });
  await out.result([`Operator keys' revocations now become final after ${hours} h`, `  transaction ${tx.txHash} (block ${tx.blockNumber})`], {
    delay: hours * 3600,
    issuer: getAddress(ctx.account.address),
    registry: ctx.registry,
    chainId: ctx.chain.id,
    ...tx,
  });
}

/** `credstack issuer status <address>`: the issuer's accreditation now, its accreditor and profile, operator keys and revocation delay. */
export async function status(options: { args: [string] }, globals: GlobalOptions, out: Output): Promise<number> {
  const issuer = parseAddress(options.args[0], "the issuer");
  const { url, deployment } = await rpcUrl(globals);
  const registry = registryOf(globals, deployment, url);
  const client = publicClientOf(url);
  const { chainId } = await assertRegistry(client, registry);
  const now = await latestTimestamp(client, { url, functionName: "getBlock" });
  const [a, operators, delay] = await Promise.all([
    getAccreditationAt(client, { registry, issuer, timestamp: now }),
    getOperators(client, { registry, issuer }),
    getRevocationDelay(client, { registry, issuer }),
  ]);
  const accredited = a.status === "Active" && a.validFrom <= now && now < a.validUntil;
  await out.result(
    [
      `Issuer ${issuer} on registry ${registry} (chain ${chainId}): ${a.status === "None" ? "never accredited" : accredited ? "accredited now" : `not accredited now (${a.status.toLowerCase()})`}`,
      ...(a.status === "None"
        ? []
        : [
            `  up to EQF ${a.maxEqfLevel}, window ${isoTime(a.validFrom)} → ${isoTime(a.validUntil)}, since ${isoTime(a.effectiveFrom)}`,
            `  accreditor ${a.accreditor}, profile digest ${a.profileDigest}`,
            `  operator keys: ${operators.length ? operators.join(", ") : "none"}`,
            `  operator keys' revocations become final after ${delay / 3600} h`,
          ]),
    ],
    { issuer, registry, chainId, accredited, accreditation: a, operators, revocationDelay: delay },
  );
  return accredited ? EXIT.ok : EXIT.rejected;
}
