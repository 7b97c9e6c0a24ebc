import { readFile, writeFile } from "node:fs/promises";
import { getAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";
import {
  claimPathway, getStackingRegistry, signStackClaim, type OnChainPathwayLists, type RegistryReadClient,
} from "../../chain/actions/index.js";
import {
  countedInputs, evaluatePathway, findRegisteredPathway, onChainRulesOf, pathwayDigest, pathwayIdOf, prepareStackClaim, StackClaimError,
  type Pathway, type StackClaimDraft,
} from "../../stack/index.js";
import { verifyCredentials, readCredentialFile } from "../../verify/index.js";
import { parseAddress, parseInteger, requireAbsent, requirePath, signingContext, type GlobalOptions } from "../context.js";
import { readPathwayFile, stackingAddress, stackingTrust } from "../pathway-file.js";
import { EXIT, UsageError, type Output } from "../output.js";
import { ruleLines } from "./stack.js";

/** The file a holder signs for a relayer: everything `claim` sends, and the holder's EIP-712 signature. */
export const SIGNED_CLAIM_FORMAT = "credstack-stack-claim/1";

interface ClaimOptions {
  args: [string[]];
  pathway?: string;
  issuer?: string;
  stacking?: string;
  sign?: boolean;
  out?: string;
  validFor?: string;
  relay?: string;
  at?: string;
  trust?: string[];
  accreditor?: string[];
}

const hex = (bytes?: number) => z.string().refine((v) => isHex(v, { strict: true }) && (bytes === undefined || v.length === 2 + 2 * bytes), "hex") as unknown as z.ZodType<Hex>;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((v) => getAddress(v));
const signedClaimSchema = z
  .object({
    format: z.literal(SIGNED_CLAIM_FORMAT),
    chainId: z.number().int().positive(),
    stacking: address,
    claim: z.object({ issuer: address, pathwayId: hex(32), holder: address, deadline: z.number().int().positive() }).strict(),
    lists: z
      .object({
        issuers: z.array(address),
        achievementIds: z.array(hex(32)),
        achievementIssuers: z.array(address),
        groups: z.array(z.object({ requiredNumber: z.number().int().min(1).max(255), members: z.string().regex(/^[0-9]{1,78}$/).transform(BigInt) }).strict()),
      })
      .strict(),
    packed: hex(),
    leaves: z.array(hex(32)),
    leavesHash: hex(32),
    nonce: z.string().regex(/^[0-9]{1,78}$/),
    signature: hex(),
  })
  .strict();

/**
 * `credstack stack claim --pathway <file|id> <credential>...`: claims a registered pathway's award
 * on chain for the holder whose key signs. With the pathway file, the credentials are verified and
 * the pathway evaluated first (as `stack check`), its digest must be the registered one, and the
 * counted credentials are claimed; with only its id, every credential given is verified and
 * claimed. Every component then passes the registry's batched check before anything is sent.
 * `--sign --out <file>`: the holder signs the claim (EIP-712) instead of sending it, for a relayer;
 * `--relay <file>`: sends a claim a holder signed, from the signing key (which pays the gas).
 * Exit 0 awarded (or signed), 1 refused (not met, a component refused, already awarded, the
 * contract's refusal), 2 usage, RPC or registration errors.
 */
export async function claim(options: ClaimOptions, globals: GlobalOptions, out: Output): Promise<number> {
  if (options.relay) return relay(options.relay, options, globals, out);
  if (!options.pathway) throw new UsageError("Give --pathway <file or id>, or --relay <signed claim file>.");
  if (options.sign && !options.out) throw new UsageError("--sign writes the signed claim: give --out <file>.");
  if (options.out) await requireAbsent(options.out, "The signed claim file");
  const files = options.args[0] ?? [];
  if (files.length === 0) throw new UsageError("Give the credential files to claim with.");
  for (const file of files) await requirePath(file, "file", "The credential file");

  const { account, publicClient, wallet, url, chain } = await signingContext(globals);
  const holder = account.address;
  const stacking = await stackingAddress(options.stacking, url, parseAddress);
  const { entry, client, verify: verifyOptions } = await stackingTrust(options, globals, "A pathway is claimed");
  await requireBoundTo(client, stacking, entry.registry);
  const inputs = await Promise.all(files.map((file) => readCredentialFile(file)));
  const issuer = options.issuer !== undefined ? parseAddress(options.issuer, "--issuer") : undefined;

  let include: number[];
  let registration;
  const lines: string[] = [];
  if (/^0x[0-9a-fA-F]{64}$/.test(options.pathway)) {
    registration = await registered(() => findRegisteredPathway(client, { stacking, pathwayId: options.pathway as Hex, ...(issuer ? { issuer } : {}) }));
    const reports = await verifyCredentials(inputs, verifyOptions);
    const bad = reports.findIndex((r) => r.status !== "VALID");
    if (bad >= 0) {
      const failed = reports[bad]!.checks.find((c) => c.status === "INVALID" || c.status === "ERROR");
      await out.result([`${files[bad]}: ${reports[bad]!.status} ${failed ? `${failed.message} [${failed.code}]` : ""}`, "→ NOT CLAIMED"], { claimed: false, reports });
      return reports[bad]!.status === "ERROR" ? EXIT.environment : EXIT.rejected;
    }
    include = files.map((_, i) => i);
  } else {
    const pathway = await readPathwayFile(options.pathway);
    registration = await registered(() =>
      findRegisteredPathway(client, {
        stacking, pathwayId: pathwayIdOf(pathway), definitionDigest: pathwayDigest(pathway), expected: projection(pathway), ...(issuer ? { issuer } : {}),
      }),
    );
    const evaluation = await evaluatePathway(pathway, inputs, { ...verifyOptions, holder });
    lines.push(...ruleLines(evaluation));
    if (evaluation.incomplete || !evaluation.met) {
      await out.result([`Pathway ${pathway.id} ${pathway.version} for ${holder}`, ...lines, evaluation.incomplete ? "→ INCOMPLETE: not claimed" : "→ NOT MET: not claimed"], { claimed: false, evaluation });
      return evaluation.incomplete ? EXIT.environment : EXIT.rejected;
    }
    include = countedInputs(evaluation);
  }

  const validFor = parseInteger(options.validFor ?? "168", "--valid-for", 1, 24 * 30);
  let draft: StackClaimDraft;
  try {
    draft = await prepareStackClaim(publicClient, {
      registry: entry.registry, stacking, registration, holder, inputs, include, deadline: Math.floor(Date.now() / 1000) + validFor * 3600,
    });
  } catch (error) {
    if (!(error instanceof StackClaimError)) throw error;
    await out.result([...lines, `→ REFUSED: ${error.shortMessage} [${error.code}]`], { claimed: false, code: error.code, message: error.shortMessage });
    return EXIT.rejected;
  }
  const used = draft.components.map((c) => `  component: ${files[c.input]}`);
  if (options.sign) {
    const signature = await signStackClaim(account, { stacking, chainId: chain.id, claim: draft.claim, leavesHash: draft.leavesHash, nonce: draft.claimNonce });
    const signed = {
      format: SIGNED_CLAIM_FORMAT, chainId: chain.id, stacking, claim: draft.claim, lists: listsJson(draft.lists), packed: draft.packed,
      leaves: draft.leaves, leavesHash: draft.leavesHash, nonce: draft.claimNonce.toString(), signature,
    };
    await writeFile(options.out!, JSON.stringify(signed, null, 2) + "\n", { flag: "wx" });
    await out.result([...lines, ...used, `→ SIGNED by ${holder}, valid until ${new Date(draft.claim.deadline * 1000).toISOString()}: ${options.out}`, `  next: credstack stack claim --relay ${options.out} (any funded key)`], { claimed: false, signed: options.out, claim: draft.claim });
    return EXIT.ok;
  }
  const tx = await claimPathway(wallet, draft);
  await out.result([...lines, ...used, `→ AWARDED on chain to ${holder}: pathway ${draft.claim.pathwayId} of ${draft.claim.issuer}, tx ${tx.txHash} [CS-STACK-AWARDED]`], {
    claimed: true, code: "CS-STACK-AWARDED", txHash: tx.txHash, blockNumber: tx.blockNumber, claim: draft.claim, leaves: draft.leaves,
  });
  return EXIT.ok;
}

/** `--relay <file>`: submits a claim a holder signed, from the signing key. */
async function relay(file: string, options: ClaimOptions, globals: GlobalOptions, out: Output): Promise<number> {
  if (options.pathway || options.sign || (options.args[0]?.length ?? 0) > 0) throw new UsageError("--relay takes only the signed claim file.");
  await requirePath(file, "file", "The signed claim file");
  let signed;
  try {
    signed = signedClaimSchema.parse(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    throw new UsageError(`${file} is not a signed claim (${SIGNED_CLAIM_FORMAT})${issue ? `: ${issue.path.join(".") || "(root)"}: ${issue.message}` : ""}.`, { cause: error });
  }
  const { wallet, chain, account, url, publicClient } = await signingContext(globals);
  if (chain.id !== signed.chainId) throw new UsageError(`${file} is a claim for chain ${signed.chainId}; the node is chain ${chain.id}.`);
  // The relayer pays for a call to the stacking registry it trusts (--stacking or the local deployment's), never to the one a file names.
  const stacking = await stackingAddress(options.stacking, url, parseAddress);
  if (stacking !== signed.stacking) throw new UsageError(`${file} is signed for the stacking registry ${signed.stacking}, not the trusted ${stacking}.`);
  const { entry } = await stackingTrust(options, globals, "A signed claim is relayed");
  await requireBoundTo(publicClient, stacking, entry.registry);
  const tx = await claimPathway(wallet, { stacking, claim: signed.claim, lists: signed.lists as OnChainPathwayLists, packed: signed.packed, signature: signed.signature });
  await out.result(`→ AWARDED on chain to ${signed.claim.holder} (relayed by ${account.address}): tx ${tx.txHash} [CS-STACK-AWARDED]`, {
    claimed: true, code: "CS-STACK-AWARDED", txHash: tx.txHash, blockNumber: tx.blockNumber, claim: signed.claim, relayer: account.address,
  });
  return EXIT.ok;
}

/** The stacking registry must check components against the trusted credential registry. */
async function requireBoundTo(client: RegistryReadClient, stacking: Address, registry: Address): Promise<void> {
  const bound = getAddress(await getStackingRegistry(client, { stacking }));
  if (bound !== getAddress(registry)) {
    throw new UsageError(`The stacking registry ${stacking} checks components against ${bound}, not the trusted registry ${registry}.`);
  }
}

/** A registration lookup whose failures (not registered, digest mismatch, retired) are input errors: exit 2. */
async function registered<T>(find: () => Promise<T>): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (!(error instanceof StackClaimError)) throw error;
    throw new UsageError(`${error.shortMessage} [${error.code}]`, { ...(error.details ? { details: error.details } : {}), cause: error });
  }
}

/** The definition's on-chain rules, or none when it has no on-chain form (then only the digest is compared). */
function projection(pathway: Pathway) {
  try {
    return onChainRulesOf(pathway);
  } catch {
    return undefined;
  }
}

function listsJson(lists: OnChainPathwayLists) {
  return { ...lists, groups: lists.groups.map((g) => ({ requiredNumber: g.requiredNumber, members: g.members.toString() })) };
}


