import { getAddress, type Address, type Hex } from "viem";
import { recordFromVerifiableCredential } from "../batch/v3/credential.js";
import {
  checkPackedCredentials, findPathwayRegistrations, getAward, getClaimNonce, getPathway, leavesHashOf, packCredentials,
  type OnChainPathwayLists, type PackableCredential, type PathwayRegistration, type RegistryReadClient, type StackClaim,
} from "../chain/actions/index.js";
import { CREDENTIAL_STATES } from "../chain/stacking-revert-messages.js";
import { CredstackError } from "../credential/errors.js";
import type { VerifyInput } from "../verify/index.js";
import type { StackCode } from "./codes.js";
import type { PathwayEvaluation } from "./evaluate.js";
import type { OnChainPathway } from "./onchain-rules.js";

/** A claim cannot be prepared: the pathway is not registered as given, or a component would fail on chain. */
export class StackClaimError extends CredstackError {
  override name = "StackClaimError";
  constructor(readonly code: StackCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
  }
}

/** A claim ready to send (from the holder's account) or to sign (for a relayer): everything `claimPathway` takes. */
export interface StackClaimDraft {
  stacking: Address;
  claim: StackClaim;
  lists: OnChainPathwayLists;
  packed: Hex;
  /** The components' leaves, as the registry recomputed them with the holder. */
  leaves: Hex[];
  /** keccak256 of the leaves: what the holder signs. */
  leavesHash: Hex;
  /** The holder's claim nonce now (what a signature must carry; not a transaction nonce). */
  claimNonce: bigint;
  /** Which inputs the components are, in claim order. */
  components: { input: number; source?: string }[];
}

/**
 * The registration of `pathwayId` on the stacking registry: by `issuer`, or the only issuer that
 * registered it. With `definitionDigest`, the registered digest must be that one (the holder and
 * the contract read the same rules); with `expected` (the definition's `onChainRulesOf`), so must the
 * registered rules and lists, so that an issuer cannot pair a strict digest with loose rules. Throws {@link StackClaimError} (`CS-STACK-PATHWAY-NOT-REGISTERED`,
 * `-DIGEST-MISMATCH`, `-RETIRED`).
 */
export async function findRegisteredPathway(
  client: RegistryReadClient,
  params: { stacking: Address; pathwayId: Hex; issuer?: Address; definitionDigest?: Hex; expected?: Pick<OnChainPathway, "rules" | "lists">; fromBlock?: bigint },
): Promise<PathwayRegistration> {
  const found = await findPathwayRegistrations(client, params);
  if (found.length === 0) {
    throw new StackClaimError("CS-STACK-PATHWAY-NOT-REGISTERED", `Pathway ${params.pathwayId} is not registered${params.issuer ? ` by ${params.issuer}` : ""}.`, {
      details: "The awarding issuer registers it first: `credstack pathway publish <file>`.",
    });
  }
  if (found.length > 1) {
    throw new StackClaimError("CS-STACK-PATHWAY-NOT-REGISTERED", `Pathway ${params.pathwayId} is registered by ${found.length} issuers: name the awarding one.`, {
      details: found.map((r) => r.issuer).join(", "),
    });
  }
  const registration = found[0]!;
  if (params.definitionDigest && registration.rules.definitionDigest.toLowerCase() !== params.definitionDigest.toLowerCase()) {
    throw new StackClaimError(
      "CS-STACK-PATHWAY-DIGEST-MISMATCH",
      `The pathway file is not the definition registered as ${params.pathwayId} (digest ${params.definitionDigest}, registered ${registration.rules.definitionDigest}).`,
    );
  }
  const { expected } = params;
  if (expected && canonical({ rules: expected.rules, lists: expected.lists }) !== canonical({ rules: registration.rules, lists: registration.lists })) {
    throw new StackClaimError(
      "CS-STACK-PATHWAY-DIGEST-MISMATCH",
      `The rules registered as ${params.pathwayId} are not this definition's on-chain rules (its digest matches, its rules do not).`,
      { details: "Its issuer registered other credits, groups, issuers or window than the definition says: do not rely on the award." },
    );
  }
  const record = await getPathway(client, { stacking: params.stacking, issuer: registration.issuer, pathwayId: params.pathwayId });
  if (record?.retired) throw new StackClaimError("CS-STACK-PATHWAY-RETIRED", `Pathway ${params.pathwayId} of ${registration.issuer} is retired.`);
  return registration;
}

/** The inputs an evaluation counted (one per filled component), in input order: what a claim should carry. */
export function countedInputs(evaluation: PathwayEvaluation): number[] {
  return evaluation.credentials.filter((c) => c.component !== undefined).map((c) => c.index).sort((a, b) => a - b);
}

/**
 * Prepares a claim of a registered pathway for `holder` with the credentials `inputs[include]`:
 * reads each v3 credential's leaf fields and Merkle proof, packs them with the pathway's listed
 * achievements first, and asks the registry's batched safe check what a claim would find (before
 * anything is signed or sent). Throws {@link StackClaimError} naming the component when one is
 * not a v3 credential, is bound to another holder, or does not pass the registry's check.
 *
 * @example
 * const evaluation = await evaluatePathway(pathway, inputs, { client, registry, holder });
 * const registration = await findRegisteredPathway(client, { stacking, pathwayId: pathwayIdOf(pathway), definitionDigest: pathwayDigest(pathway) });
 * const draft = await prepareStackClaim(client, { registry, stacking, registration, holder, inputs, include: countedInputs(evaluation), deadline });
 * await claimPathway(holderWallet, draft);
 */
export async function prepareStackClaim(
  client: RegistryReadClient,
  params: {
    registry: Address;
    stacking: Address;
    registration: PathwayRegistration;
    holder: Address;
    inputs: readonly VerifyInput[];
    include?: readonly number[];
    /** Unix seconds after which a relayed claim fails (default: in one day). */
    deadline?: number;
  },
): Promise<StackClaimDraft> {
  const holder = getAddress(params.holder);
  const { registration } = params;
  const include = params.include ?? params.inputs.map((_, i) => i);
  if (include.length === 0) throw new StackClaimError("CS-STACK-NOT-MET", "No credential to claim with.");
  const award = await getAward(client, { stacking: params.stacking, issuer: registration.issuer, pathwayId: registration.pathwayId, holder });
  if (award) throw new StackClaimError("CS-STACK-ALREADY-AWARDED", `${holder} was already awarded pathway ${registration.pathwayId}.`);

  const components = include.map((i) => ({ input: i, ...sourceOf(params.inputs[i]) }));
  const credentials = components.map((c, k) => packable(params.inputs[c.input], holder, `component ${k + 1}${c.source ? ` (${c.source})` : ""}`));
  const packed = packCredentials({ credentials, listed: registration.lists.achievementIds });
  const { states, leaves } = await checkPackedCredentials(client, { registry: params.registry, holder, packed });
  const bad = states.findIndex((s) => s !== 0);
  if (bad >= 0) {
    const c = components[bad]!;
    throw new StackClaimError(
      "CS-STACK-COMPONENT-INVALID",
      `Component ${bad + 1}${c.source ? ` (${c.source})` : ""} does not pass the registry's check: ${CREDENTIAL_STATES[states[bad]!] ?? `state ${states[bad]}`}.`,
    );
  }
  const deadline = params.deadline ?? Math.floor(Date.now() / 1000) + 86_400;
  const claimNonce = await getClaimNonce(client, { stacking: params.stacking, holder });
  return {
    stacking: getAddress(params.stacking),
    claim: { issuer: registration.issuer, pathwayId: registration.pathwayId, holder, deadline },
    lists: registration.lists,
    packed,
    leaves,
    leavesHash: leavesHashOf(leaves),
    claimNonce,
    components,
  };
}

/** Comparable JSON of rules and lists (bigints as strings, addresses and hex lower-case). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : typeof v === "string" ? v.toLowerCase() : v));
}

function sourceOf(input: VerifyInput | undefined): { source?: string } {
  return input !== null && typeof input === "object" && "source" in (input as object) ? { source: String((input as { source: unknown }).source) } : {};
}

/** A v3 credential's leaf fields and proof, for packing; refuses any other format and another holder's credential. */
function packable(input: VerifyInput | undefined, holder: Address, what: string): PackableCredential {
  let value: unknown = input !== null && typeof input === "object" && "input" in (input as object) ? (input as { input: unknown }).input : input;
  try {
    if (value instanceof Uint8Array) value = new TextDecoder("utf-8", { fatal: true }).decode(value);
    if (typeof value === "string") value = JSON.parse(value);
  } catch (error) {
    throw new StackClaimError("CS-STACK-COMPONENT-UNSUPPORTED", `${capital(what)} is not JSON.`, { cause: error });
  }
  let record;
  try {
    record = recordFromVerifiableCredential(value as Record<string, unknown>, what);
  } catch (error) {
    throw new StackClaimError("CS-STACK-COMPONENT-UNSUPPORTED", `${capital(what)} is not a format v3 credential: ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
  const { leaf, proof } = record;
  if (getAddress(leaf.holder) !== holder) {
    throw new StackClaimError("CS-STACK-WRONG-HOLDER", `${capital(what)} is bound to ${getAddress(leaf.holder)}, not to the claimant ${holder}.`);
  }
  return {
    issuer: leaf.issuer,
    root: proof.root,
    index: leaf.index,
    achievementId: leaf.achievementId,
    creditsCenti: leaf.creditsCenti,
    eqfLevel: leaf.eqfLevel,
    awardedAt: leaf.awardedAt,
    credentialDigest: leaf.credentialDigest,
    proof: proof.path,
  };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
