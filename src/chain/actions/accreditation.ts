import { getAddress, type Address, type Hex, type LocalAccount } from "viem";
import { signTypedData } from "viem/actions";
import { toAccreditation, type Accreditation, type TxResult } from "../records.js";
import {
  latestTimestamp,
  readContext,
  readRegistry,
  sendRegistryTx,
  type RegistryReadClient,
  type RegistryWalletClient,
  type WriteOptions,
} from "./client.js";

/** Accreditation and operator keys: accreditor and issuer actions, and point-in-time reads. */

export interface AccreditIssuerParameters extends WriteOptions {
  registry: Address;
  issuer: Address;
  /** keccak256 of the institution's off-chain profile (name, country, website). */
  profileDigest: Hex;
  /** Highest EQF level (1..8) the issuer may award. */
  maxEqfLevel: number;
  /** Validity window [validFrom, validUntil), unix seconds. */
  validFrom: number;
  validUntil: number;
}

/**
 * Accredits `issuer` (or renews its accreditation) with effect from now. The client's account
 * must hold ACCREDITOR_ROLE (and, for a renewal, be the issuer's accreditor or the admin). History is
 * strictly ordered: a second change of the same issuer in the same block time is refused.
 *
 * @example
 * const { txHash } = await accreditIssuer(accreditorWallet, {
 *   registry, issuer: "0x…", profileDigest: keccak256(toHex(profileJson)), maxEqfLevel: 7,
 *   validFrom: now, validUntil: now + 5 * 365 * 86_400,
 * });
 */
export async function accreditIssuer(client: RegistryWalletClient, params: AccreditIssuerParameters): Promise<TxResult> {
  const { registry, issuer, profileDigest, maxEqfLevel, validFrom, validUntil, ...options } = params;
  return sendRegistryTx(client, registry, "accredit", [issuer, profileDigest, maxEqfLevel, validFrom, validUntil], options);
}

export interface IssuerStatusParameters extends WriteOptions {
  registry: Address;
  issuer: Address;
  /**
   * When the change takes effect, unix seconds: now or in the past, never before the issuer's
   * previous change (strictly after it: history is never overwritten). "Now" is the block's time, which a client cannot know in advance: the latest
   * block's timestamp is the most recent value that is always accepted (and is retroactive to that
   * block, so a batch anchored in it counts as anchored after the change).
   */
  effectiveFrom: number;
}

function changeIssuerStatus(
  client: RegistryWalletClient,
  functionName: "suspend" | "reinstate" | "withdraw",
  params: IssuerStatusParameters,
): Promise<TxResult> {
  const { registry, issuer, effectiveFrom, ...options } = params;
  return sendRegistryTx(client, registry, functionName, [issuer, effectiveFrom], options);
}

/**
 * Suspends the accreditation of `issuer` from `effectiveFrom`. Active → Suspended. Only the
 * issuer's accreditor or an admin.
 *
 * @example
 * await suspendIssuer(accreditorWallet, { registry, issuer, effectiveFrom: incidentTime }); // retroactive
 * const now = Number((await publicClient.getBlock()).timestamp);
 * await suspendIssuer(accreditorWallet, { registry, issuer, effectiveFrom: now });
 */
export function suspendIssuer(client: RegistryWalletClient, params: IssuerStatusParameters): Promise<TxResult> {
  return changeIssuerStatus(client, "suspend", params);
}

/**
 * Reinstates a suspended accreditation from `effectiveFrom`. Suspended → Active.
 *
 * @example
 * await reinstateIssuer(accreditorWallet, { registry, issuer, effectiveFrom: Number((await publicClient.getBlock()).timestamp) });
 */
export function reinstateIssuer(client: RegistryWalletClient, params: IssuerStatusParameters): Promise<TxResult> {
  return changeIssuerStatus(client, "reinstate", params);
}

/**
 * Withdraws the accreditation of `issuer` from `effectiveFrom`. Active|Suspended → Withdrawn.
 * Batches anchored at or after `effectiveFrom` are no longer backed by an accreditation.
 *
 * @example
 * await withdrawIssuer(accreditorWallet, { registry, issuer, effectiveFrom: fraudDiscoveredAt });
 */
export function withdrawIssuer(client: RegistryWalletClient, params: IssuerStatusParameters): Promise<TxResult> {
  return changeIssuerStatus(client, "withdraw", params);
}

export interface OperatorParameters extends WriteOptions {
  registry: Address;
  /** The operator key. */
  key: Address;
}

/** An operator key's consent to operate for an issuer: {@link signOperatorConsent}. */
export interface OperatorConsent {
  issuer: Address;
  key: Address;
  /** Unix seconds after which the consent can no longer be used. */
  deadline: number;
  /** The key's EIP-712 signature over `OperatorConsent(issuer, key, deadline)` (65 bytes). */
  signature: Hex;
}

/** The EIP-712 typed data an operator key signs to consent to operate for `issuer` (domain "credstack" version "2"). */
export function operatorConsentTypedData(params: { registry: Address; chainId: number; issuer: Address; key: Address; deadline: number }) {
  return {
    domain: { name: "credstack", version: "2", chainId: params.chainId, verifyingContract: params.registry },
    types: {
      OperatorConsent: [
        { name: "issuer", type: "address" },
        { name: "key", type: "address" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "OperatorConsent",
    message: { issuer: params.issuer, key: params.key, deadline: BigInt(params.deadline) },
  } as const;
}

/**
 * Signs, with the operator key itself (a viem local account, or a wallet client whose account is
 * the key), its consent to operate for `issuer` until `deadline` (EIP-712; the registry checks it
 * in `addOperator`, so no issuer can claim another's key). A local account needs no chain access:
 * the key holder can sign offline and hand the consent to the issuer.
 *
 * @example
 * const consent = await signOperatorConsent(hotKeyAccount, { registry, chainId, issuer, deadline: now + 86_400 });
 * await addOperator(issuerWallet, { registry, consent });
 */
export async function signOperatorConsent(
  key: LocalAccount | RegistryWalletClient,
  params: { registry: Address; chainId: number; issuer: Address; deadline: number },
): Promise<OperatorConsent> {
  const issuer = getAddress(params.issuer);
  const address = getAddress("account" in key ? key.account.address : key.address);
  const typed = operatorConsentTypedData({ ...params, issuer, key: address });
  const signature = "account" in key ? await signTypedData(key, { ...typed, account: key.account }) : await key.signTypedData(typed);
  return { issuer, key: address, deadline: params.deadline, signature };
}

/**
 * Adds an operator key to the calling issuer (the client's account is the issuer) with the key's
 * consent ({@link signOperatorConsent}). Keys are single-use: a key that was ever an operator
 * cannot be added again.
 *
 * @example
 * await addOperator(issuerWallet, { registry, consent });
 */
export function addOperator(client: RegistryWalletClient, params: { registry: Address; consent: OperatorConsent } & WriteOptions): Promise<TxResult> {
  const { registry, consent, ...options } = params;
  return sendRegistryTx(client, registry, "addOperator", [consent.key, BigInt(consent.deadline), consent.signature], options);
}

/**
 * Removes `key` from the calling issuer's operators (key rotation). What it anchored stays valid.
 *
 * @example
 * await removeOperator(issuerWallet, { registry, key: oldHotKey.address });
 */
export function removeOperator(client: RegistryWalletClient, params: OperatorParameters): Promise<TxResult> {
  const { registry, key, ...options } = params;
  return sendRegistryTx(client, registry, "removeOperator", [key], options);
}

/**
 * Declares `key` (a current or past operator of the calling issuer) compromised since `since`
 * (unix seconds, not before the key was added): removes it if current; the batches it anchored
 * from `since` on fail verification, and its revocations from `since` on that were not yet final
 * are void. Irreversible.
 *
 * @example
 * await declareOperatorCompromised(issuerWallet, { registry, key: stolenKey, since: lastTrustedTime });
 */
export function declareOperatorCompromised(
  client: RegistryWalletClient,
  params: OperatorParameters & { since: number },
): Promise<TxResult> {
  const { registry, key, since, ...options } = params;
  return sendRegistryTx(client, registry, "declareOperatorCompromised", [key, since], options);
}

/**
 * Sets how long (seconds, 1 hour to 365 days; default 7 days) an operator key's revocations of the
 * calling issuer's credentials stay pending, cancellable by the issuer, before they are final.
 *
 * @example
 * await setRevocationDelay(issuerWallet, { registry, delay: 3 * 86_400 });
 */
export function setRevocationDelay(client: RegistryWalletClient, params: { registry: Address; delay: number } & WriteOptions): Promise<TxResult> {
  const { registry, delay, ...options } = params;
  return sendRegistryTx(client, registry, "setRevocationDelay", [delay], options);
}

/**
 * The revocation delay of `issuer`, seconds.
 *
 * @example
 * await getRevocationDelay(publicClient, { registry, issuer }); // 604800
 */
export async function getRevocationDelay(client: RegistryReadClient, params: { registry: Address; issuer: Address }): Promise<number> {
  return Number(await readRegistry(client, params.registry, "revocationDelayOf", [params.issuer]));
}

/**
 * Hands `issuer` over to accreditor `to` (which must hold ACCREDITOR_ROLE), effective now. The
 * client's account must be the governance admin. Earlier history keeps its accreditor.
 *
 * @example
 * await transferIssuer(adminWallet, { registry, issuer, to: newAgency });
 */
export function transferIssuer(client: RegistryWalletClient, params: { registry: Address; issuer: Address; to: Address } & WriteOptions): Promise<TxResult> {
  const { registry, issuer, to, ...options } = params;
  return sendRegistryTx(client, registry, "transferIssuer", [issuer, to], options);
}

/**
 * The accreditation of `issuer` as it stood at `timestamp` (unix seconds); status `None` if it was
 * never accredited by then.
 *
 * @example
 * const a = await getAccreditationAt(publicClient, { registry, issuer, timestamp: batch.anchoredAt });
 * a.status; // "Active" | "Suspended" | "Withdrawn" | "None"
 */
export async function getAccreditationAt(
  client: RegistryReadClient,
  params: { registry: Address; issuer: Address; timestamp: number },
): Promise<Accreditation> {
  return toAccreditation(await readRegistry(client, params.registry, "accreditationAt", [params.issuer, params.timestamp]));
}

/**
 * Whether `issuer` was accredited (Active and inside its validity window) at `timestamp`
 * (default: the latest block's timestamp).
 *
 * @example
 * if (!(await isAccredited(publicClient, { registry, issuer, timestamp: batch.anchoredAt }))) reject();
 */
export async function isAccredited(
  client: RegistryReadClient,
  params: { registry: Address; issuer: Address; timestamp?: number },
): Promise<boolean> {
  const t = params.timestamp ?? (await latestTimestamp(client, readContext(client, params.registry, "isAccredited")));
  return readRegistry(client, params.registry, "isAccredited", [params.issuer, t]);
}

/**
 * Whether `key` was an operator of `issuer` at `timestamp` (default: the latest block's timestamp).
 *
 * @example
 * await isOperator(publicClient, { registry, issuer, key: hotKey.address }); // true
 */
export async function isOperator(
  client: RegistryReadClient,
  params: { registry: Address; issuer: Address; key: Address; timestamp?: number },
): Promise<boolean> {
  const t = params.timestamp ?? (await latestTimestamp(client, readContext(client, params.registry, "isOperator")));
  return readRegistry(client, params.registry, "isOperator", [params.issuer, params.key, t]);
}

/**
 * The issuer's current operator keys.
 *
 * @example
 * const keys = await getOperators(publicClient, { registry, issuer }); // ["0x…", …]
 */
export async function getOperators(client: RegistryReadClient, params: { registry: Address; issuer: Address }): Promise<Address[]> {
  const keys = await readRegistry(client, params.registry, "operatorsOf", [params.issuer]);
  return keys.map((k) => getAddress(k));
}

/** The tenure of an operator key: the issuer it operates (or operated) for, and when it was added and removed. */
export interface OperatorKeyRecord {
  /** The key's issuer; the zero address when the key was never an operator. */
  issuer: Address;
  /** When the key was added (unix seconds); 0 when never. */
  addedAt: number;
  /** When the key was removed (unix seconds); 0 while it is current. */
  removedAt: number;
  /** Whether the key is an operator now (added and not removed). */
  current: boolean;
  /** When the issuer declared the key compromised from (unix seconds); 0 if never. */
  compromisedSince: number;
}

/**
 * The tenure of operator key `key`: for whom it operates. Used to check, before sending, that a
 * key anchors for the issuer a batch names.
 *
 * @example
 * const { issuer, current } = await getOperatorKey(publicClient, { registry, key: hotKey.address });
 */
export async function getOperatorKey(client: RegistryReadClient, params: { registry: Address; key: Address }): Promise<OperatorKeyRecord> {
  const raw = await readRegistry(client, params.registry, "operatorKey", [params.key]);
  const addedAt = Number(raw.addedAt);
  const removedAt = Number(raw.removedAt);
  return {
    issuer: getAddress(raw.issuer),
    addedAt,
    removedAt,
    current: addedAt !== 0 && removedAt === 0,
    compromisedSince: Number(raw.compromisedSince),
  };
}
