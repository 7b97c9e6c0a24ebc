import { getAddress, keccak256, concatHex, type Address, type BlockNumber, type BlockTag, type Hex, type LocalAccount } from "viem";
import { getContractEvents, signTypedData } from "viem/actions";
import { stackingRegistryAbi } from "../abi.js";
import type { TxResult } from "../records.js";
import { toChainError } from "../to-chain-error.js";
import {
  readContext, readRegistry, readStacking, sendStackingTx, type RegistryReadClient, type RegistryWalletClient, type WriteOptions,
} from "./client.js";

/** Pathways and their awards on the stacking registry (contracts/stacking/StackingRegistry.sol). */

/** The scalar on-chain rules of a pathway. */
export interface OnChainPathwayRules {
  /** keccak256 of the definition's JCS form (`pathwayDigest`). */
  definitionDigest: Hex;
  /** Total credits, in hundredths of ECTS. */
  minCreditsCenti: number;
  /** Minimum EQF level of every component (0: none). */
  minEqfLevel: number;
  /** Minimum distinct issuers (0 or 1: none). */
  minDistinctIssuers: number;
  /** Greatest age of a component's award date at claim time, in seconds (0: none). */
  maxAgeSeconds: number;
  /** Fewest and most components whose achievement is not listed (the definition's required and total open slots). */
  minUnlisted: number;
  maxUnlisted: number;
  /** Components counted here are locked against every other exclusive pathway. */
  exclusive: boolean;
}

/** The lists of a pathway, committed on chain by hash and sent with each claim. */
export interface OnChainPathwayLists {
  /** Allowed issuers, ascending (empty: any accredited issuer). */
  issuers: Address[];
  /** Listed achievements (distinct). */
  achievementIds: Hex[];
  /** For each listed achievement, the only issuer it counts from (the zero address: any allowed issuer). */
  achievementIssuers: Address[];
  /** Each: `requiredNumber` of the listed achievements whose bits are set in `members`. */
  groups: { requiredNumber: number; members: bigint }[];
}

/** A registered pathway as the contract holds it. */
export interface PathwayRecord {
  rules: OnChainPathwayRules;
  listsHash: Hex;
  registeredAt: number;
  retired: boolean;
}

/** A registration as announced by its `PathwayRegistered` event: everything a claim needs. */
export interface PathwayRegistration {
  issuer: Address;
  pathwayId: Hex;
  rules: OnChainPathwayRules;
  lists: OnChainPathwayLists;
  txHash: Hex;
  blockNumber: bigint;
}

/** What a holder signs so that someone else may submit a claim. */
export interface StackClaim {
  issuer: Address;
  pathwayId: Hex;
  holder: Address;
  /** Unix seconds after which a relayed claim fails. */
  deadline: number;
}

/** keccak256 of the component leaves packed in claim order: what the holder signs and the contract records. */
export function leavesHashOf(leaves: readonly Hex[]): Hex {
  return keccak256(leaves.length === 0 ? "0x" : concatHex([...leaves]));
}

/** The EIP-712 typed data of a claim (domain "credstack-stacking" version "1"), with the holder's current nonce ({@link getClaimNonce}). */
export function stackClaimTypedData(params: { stacking: Address; chainId: number; claim: StackClaim; leavesHash: Hex; nonce: bigint }) {
  const { claim } = params;
  return {
    domain: { name: "credstack-stacking", version: "1", chainId: params.chainId, verifyingContract: params.stacking },
    types: {
      StackClaim: [
        { name: "issuer", type: "address" },
        { name: "pathwayId", type: "bytes32" },
        { name: "holder", type: "address" },
        { name: "leavesHash", type: "bytes32" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "StackClaim",
    message: {
      issuer: claim.issuer, pathwayId: claim.pathwayId, holder: claim.holder, leavesHash: params.leavesHash, nonce: params.nonce, deadline: BigInt(claim.deadline),
    },
  } as const;
}

/**
 * Signs a claim with the holder's key (a local account, offline; or a wallet client whose account
 * is the holder), over the leaves of exactly these components, so that anyone may submit it.
 *
 * @example
 * const nonce = await getClaimNonce(publicClient, { stacking, holder: holderAccount.address });
 * const signature = await signStackClaim(holderAccount, { stacking, chainId, claim, leavesHash: leavesHashOf(leaves), nonce });
 * await claimPathway(relayerWallet, { stacking, claim, lists, packed, signature });
 */
export async function signStackClaim(
  holder: LocalAccount | RegistryWalletClient,
  params: { stacking: Address; chainId: number; claim: StackClaim; leavesHash: Hex; nonce: bigint },
): Promise<Hex> {
  const typed = stackClaimTypedData(params);
  return "account" in holder ? signTypedData(holder, { ...typed, account: holder.account }) : holder.signTypedData(typed);
}

/**
 * Registers a pathway of the client's account, which must be an issuer accredited now. Throws
 * `ContractRevertError` (`PathwayAlreadyRegistered`, `InvalidPathway`, `NotAccreditedIssuer`).
 *
 * @example
 * const { rules, lists } = onChainRulesOf(pathway); // src/stack
 * await registerPathway(issuerWallet, { stacking, pathwayId: pathwayIdOf(pathway), rules, lists });
 */
export function registerPathway(
  client: RegistryWalletClient,
  params: { stacking: Address; pathwayId: Hex; rules: OnChainPathwayRules; lists: OnChainPathwayLists } & WriteOptions,
): Promise<TxResult> {
  const { stacking, pathwayId, rules, lists, ...options } = params;
  return sendStackingTx(client, stacking, "registerPathway", [pathwayId, rules, lists], options);
}

/** Retires a pathway of the client's account: later claims fail, awards stand. */
export function retirePathway(client: RegistryWalletClient, params: { stacking: Address; pathwayId: Hex } & WriteOptions): Promise<TxResult> {
  const { stacking, pathwayId, ...options } = params;
  return sendStackingTx(client, stacking, "retirePathway", [pathwayId], options);
}

/**
 * Claims a pathway's award for `claim.holder`. From the holder's own account no signature is
 * needed; anyone else passes the holder's {@link signStackClaim}. Reverts (simulated first, so
 * nothing is sent) surface as typed errors with a sentence naming the component and the rule.
 *
 * @example
 * await claimPathway(holderWallet, { stacking, claim, lists, packed });
 */
export function claimPathway(
  client: RegistryWalletClient,
  params: { stacking: Address; claim: StackClaim; lists: OnChainPathwayLists; packed: Hex; signature?: Hex } & WriteOptions,
): Promise<TxResult> {
  const { stacking, claim, lists, packed, signature, ...options } = params;
  // The listed ids open the packed achievement table: the claim sends them once.
  const sent = { issuers: lists.issuers, achievementIssuers: lists.achievementIssuers, groups: lists.groups };
  return sendStackingTx(client, stacking, "claim", [{ ...claim, deadline: BigInt(claim.deadline) }, sent, packed, signature ?? "0x"], options);
}

/** The nonce the holder's next signed claim carries: {@link invalidateSignedClaims} moves past every earlier one. */
export function getClaimNonce(client: RegistryReadClient, params: { stacking: Address; holder: Address }): Promise<bigint> {
  return readStacking(client, params.stacking, "nonceOf", [params.holder]);
}

/**
 * Voids every claim the client's account signed and nobody submitted yet (a lost signed-claim
 * file, a change of mind): their signatures no longer verify.
 *
 * @example
 * await invalidateSignedClaims(holderWallet, { stacking });
 */
export function invalidateSignedClaims(client: RegistryWalletClient, params: { stacking: Address } & WriteOptions): Promise<TxResult> {
  const { stacking, ...options } = params;
  return sendStackingTx(client, stacking, "invalidateSignedClaims", [], options);
}

/** The registered pathway, or null when `issuer` registered none under `pathwayId`. */
export async function getPathway(
  client: RegistryReadClient,
  params: { stacking: Address; issuer: Address; pathwayId: Hex },
): Promise<PathwayRecord | null> {
  const p = await readStacking(client, params.stacking, "pathwayOf", [params.issuer, params.pathwayId]);
  if (p.registeredAt === 0) return null;
  return { rules: rulesOf(p.rules), listsHash: p.listsHash, registeredAt: p.registeredAt, retired: p.retired };
}

/** The award's leaves hash, or null when the holder was not awarded the pathway. */
export async function getAward(
  client: RegistryReadClient,
  params: { stacking: Address; issuer: Address; pathwayId: Hex; holder: Address },
): Promise<Hex | null> {
  const hash = await readStacking(client, params.stacking, "awardOf", [params.issuer, params.pathwayId, params.holder]);
  return /^0x0{64}$/.test(hash) ? null : hash;
}

/** The credential registry a stacking registry checks components against. */
export function getStackingRegistry(client: RegistryReadClient, params: { stacking: Address }): Promise<Address> {
  return readStacking(client, params.stacking, "registry", []);
}

/**
 * Finds the registrations of `pathwayId` (by any issuer, or by `issuer`) from their events: the
 * rules and lists a claim sends. Search from the deployment block.
 *
 * @example
 * const [registration] = await findPathwayRegistrations(publicClient, { stacking, pathwayId, fromBlock: 0n });
 */
export async function findPathwayRegistrations(
  client: RegistryReadClient,
  params: { stacking: Address; pathwayId: Hex; issuer?: Address; fromBlock?: BlockNumber | BlockTag },
): Promise<PathwayRegistration[]> {
  try {
    const logs = await getContractEvents(client, {
      address: params.stacking,
      abi: stackingRegistryAbi,
      eventName: "PathwayRegistered",
      args: { pathwayId: params.pathwayId, ...(params.issuer ? { issuer: params.issuer } : {}) },
      fromBlock: params.fromBlock ?? "earliest",
      toBlock: "latest",
      strict: true,
    });
    return logs
      .filter((l) => !l.removed && l.transactionHash !== null)
      .map((l) => ({
        issuer: getAddress(l.args.issuer),
        pathwayId: l.args.pathwayId,
        rules: rulesOf(l.args.rules),
        lists: {
          issuers: l.args.lists.issuers.map((a) => getAddress(a)),
          achievementIds: [...l.args.lists.achievementIds],
          achievementIssuers: l.args.lists.achievementIssuers.map((a) => getAddress(a)),
          groups: l.args.lists.groups.map((g) => ({ requiredNumber: g.requiredNumber, members: g.members })),
        },
        txHash: l.transactionHash!,
        blockNumber: l.blockNumber!,
      }));
  } catch (err) {
    throw toChainError(err, readContext(client, params.stacking, "findPathwayRegistrations"));
  }
}

/**
 * The registry's batched safe check of packed credentials of `holder` (see `packCredentials`):
 * per credential its state (`Valid` = 0, see CREDENTIAL_STATES) and recomputed leaf. What a claim
 * will find, read before anything is signed or sent.
 */
export async function checkPackedCredentials(
  client: RegistryReadClient,
  params: { registry: Address; holder: Address; packed: Hex },
): Promise<{ states: number[]; leaves: Hex[] }> {
  const [states, leaves] = await readRegistry(client, params.registry, "checkCredentials", [params.holder, params.packed]);
  return { states: [...states], leaves: [...leaves] };
}

function rulesOf(r: OnChainPathwayRules): OnChainPathwayRules {
  return {
    definitionDigest: r.definitionDigest,
    minCreditsCenti: r.minCreditsCenti,
    minEqfLevel: r.minEqfLevel,
    minDistinctIssuers: r.minDistinctIssuers,
    maxAgeSeconds: r.maxAgeSeconds,
    minUnlisted: r.minUnlisted,
    maxUnlisted: r.maxUnlisted,
    exclusive: r.exclusive,
  };
}
