/**
 * One sentence for every custom error the registry can revert with: what went wrong, with the
 * values involved, and which `credstack` command to use instead. Raw revert names
 * (`BatchIsRevoked`, `AccessControlUnauthorizedAccount(...)`) never reach a user on their own.
 * A test checks that every error in the ABI has a sentence here.
 */

import { keccak256, toHex } from "viem";
import { STACKING_REVERT_SENTENCES } from "./stacking-revert-messages.js";

type Args = Record<string, unknown>;
/** The sentence of one error: `message` says what is wrong, `hint` what to do. */
export interface RevertSentence {
  message: string;
  hint?: string;
}

const ACCREDITOR_ROLE = keccak256(toHex("ACCREDITOR_ROLE"));
const STATUSES = ["none", "active", "suspended", "withdrawn"];

const when = (t: unknown) => (Number(t) > 0 ? new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z") : String(t));
const role = (r: unknown) =>
  /^0x0{64}$/.test(String(r)) ? "the governance admin role" : String(r).toLowerCase() === ACCREDITOR_ROLE ? "ACCREDITOR_ROLE" : `role ${String(r)}`;

/** The sentences, by error name. */
export const REVERT_SENTENCES: Record<string, (a: Args) => RevertSentence> = {
  AccessControlBadConfirmation: () => ({ message: "Only the account itself can renounce its own role." }),
  AccessControlEnforcedDefaultAdminDelay: (a) => ({
    message: `The governance admin transfer cannot be accepted before ${when(a.schedule)}.`,
    hint: "The admin role changes hands in two steps with a delay; accept it after that time.",
  }),
  AccessControlEnforcedDefaultAdminRules: () => ({
    message: "The governance admin role cannot be granted or revoked directly.",
    hint: "Use the two-step transfer: beginDefaultAdminTransfer, then acceptDefaultAdminTransfer after the delay.",
  }),
  AccessControlInvalidDefaultAdmin: (a) => ({ message: `${String(a.defaultAdmin)} cannot become the governance admin.` }),
  AccessControlUnauthorizedAccount: (a) => ({
    message: `Account ${String(a.account)} does not hold ${role(a.neededRole)}.`,
    hint: "`credstack issuer accredit` needs an accreditor's key (the governance admin grants the role); handing issuers over needs the admin's key.",
  }),
  AlreadyCompromised: (a) => ({ message: `Key ${String(a.key)} was already declared compromised since ${when(a.since)}.` }),
  BatchAlreadyAnchored: (a) => ({
    message: `Issuer ${String(a.issuer)} already anchored batch root ${String(a.root)}.`,
    hint: "`credstack batch anchor <dir>` records an earlier anchoring of yours from the chain.",
  }),
  BatchIsRevoked: (a) => ({
    message: `Batch ${String(a.root)} of issuer ${String(a.issuer)} is revoked for good; its credentials can no longer change status.`,
    hint: "See `credstack batch status <dir>`.",
  }),
  CheckpointUnorderedInsertion: () => ({ message: "An accreditation change would rewrite history (out of order)." }),
  EffectiveTimeInFuture: (a) => ({
    message: `A change cannot take effect in the future (${when(a.effectiveFrom)}; the chain's time is ${when(a.currentTime)}).`,
  }),
  EffectiveTimeNotAfterLastChange: (a) => ({
    message: `A change effective ${when(a.effectiveFrom)} would not come after the issuer's last change (${when(a.lastChange)}).`,
    hint: "Accreditation history is append-only: give a later effective time, or wait a second and retry.",
  }),
  EmptyBatch: () => ({ message: "A batch must hold at least one credential." }),
  IndexOutOfRange: (a) => ({
    message: `Credential index ${String(a.index)} is out of range for batch ${String(a.root)} of ${String(a.leafCount)} credentials.`,
  }),
  InvalidCompromiseTime: (a) => ({
    message: `Key ${String(a.key)} cannot be declared compromised since ${when(a.since)}: before it was added, or in the future.`,
  }),
  InvalidEqfLevel: (a) => ({ message: `EQF level ${String(a.level)} is not 1 to 8.`, hint: "Pass --max-eqf 1..8." }),
  InvalidIndexMasks: () => ({ message: "No credentials named (empty or mismatched index masks)." }),
  InvalidIssuer: (a) => ({
    message: `${String(a.issuer)} cannot be accredited as an issuer (the zero address, or an operator key).`,
    hint: "An issuer's account and its operator keys must be different addresses.",
  }),
  InvalidOperator: (a) => ({
    message: `${String(a.key)} cannot be an operator key (the zero address, the issuer itself, or an issuer's account).`,
    hint: "Use a fresh key for `credstack issuer operator add`.",
  }),
  InvalidOperatorConsent: (a) => ({
    message: `The consent signature does not come from key ${String(a.key)} for this issuer, registry and deadline.`,
    hint: "Have the key sign with `credstack issuer operator consent --issuer <issuer>` and pass that file to `--consent`.",
  }),
  InvalidRevocationDelay: (a) => ({ message: `A revocation delay of ${String(a.delay)} s is outside 1 hour to 365 days.` }),
  InvalidRoot: () => ({ message: "The batch root is zero." }),
  InvalidShortString: () => ({ message: "The contract's EIP-712 domain is malformed." }),
  InvalidStatusTransition: (a) => ({
    message: `Issuer ${String(a.issuer)}'s accreditation cannot go from ${STATUSES[Number(a.from)] ?? a.from} to ${STATUSES[Number(a.to)] ?? a.to}.`,
    hint: "Suspend an active accreditation, reinstate a suspended one, withdraw either; renew with `credstack issuer accredit`.",
  }),
  InvalidValidityWindow: (a) => ({
    message: `The accreditation window ${when(a.validFrom)} – ${when(a.validUntil)} is empty or already over.`,
    hint: "Pass --from and --until with --until in the future.",
  }),
  IssuerNotAccredited: (a) => ({
    message: `Issuer ${String(a.issuer)} is not accredited now (suspended, withdrawn, or outside its validity window).`,
    hint: "See `credstack issuer status <issuer>`.",
  }),
  NeverOperatorOf: (a) => ({ message: `Key ${String(a.key)} was never an operator key of issuer ${String(a.issuer)}.` }),
  NoPendingBatchRevocation: (a) => ({ message: `Batch ${String(a.root)} of issuer ${String(a.issuer)} has no pending revocation to cancel.` }),
  NotAnAccreditor: (a) => ({
    message: `${String(a.account)} does not hold ACCREDITOR_ROLE, so no issuer can be handed over to it.`,
    hint: "The governance admin grants the role first.",
  }),
  NotIssuerAccreditor: (a) => ({
    message: `Account ${String(a.caller)} is not issuer ${String(a.issuer)}'s accreditor (holding ACCREDITOR_ROLE), nor the governance admin.`,
    hint: "Only the accreditor responsible for an issuer can renew, suspend, reinstate or withdraw it: see `credstack issuer status <issuer>`.",
  }),
  NotIssuerOrOperator: (a) => ({
    message: `${String(a.caller)} is neither an issuer's account nor a current operator key.`,
    hint: "Sign with the issuer's account or one of its operator keys (CREDSTACK_PRIVATE_KEY or --keystore).",
  }),
  NotOperator: (a) => ({
    message: `${String(a.caller)} is not a current operator key of any issuer.`,
    hint: "The issuer adds it with `credstack issuer operator add <key> --consent <file>`.",
  }),
  NotOperatorOf: (a) => ({ message: `Key ${String(a.key)} is not a current operator key of issuer ${String(a.issuer)}.` }),
  OnlyIssuerAccount: (a) => ({
    message: `Only an issuer's own account can do this; ${String(a.caller)} is not one (an operator key cannot).`,
    hint: "Cancel with `credstack revoke --cancel` signed by the issuer's own key, not an operator key.",
  }),
  OperatorConsentExpired: (a) => ({
    message: `Key ${String(a.key)}'s consent expired at ${when(a.deadline)}.`,
    hint: "Have the key sign a new one with `credstack issuer operator consent`.",
  }),
  OperatorKeyAlreadyUsed: (a) => ({
    message: `Key ${String(a.key)} was already an operator key; keys are single-use.`,
    hint: "Create a fresh key for the new operator.",
  }),
  RevocationIsFinal: (a) => ({
    message: `The revocations in word ${String(a.word)} of batch ${String(a.root)} are already final and cannot be cancelled.`,
  }),
  SafeCastOverflowedUintDowncast: (a) => ({ message: `A value does not fit in ${String(a.bits)} bits.` }),
  StringTooLong: () => ({ message: "A string is too long for the contract." }),
  TooManyOperators: (a) => ({
    message: `Issuer ${String(a.issuer)} already has ${String(a.max)} operator keys, the most allowed.`,
    hint: "Remove one first with `credstack issuer operator remove <key>`.",
  }),
  UnknownBatch: (a) => ({
    message: `Issuer ${String(a.issuer)} has no batch with root ${String(a.root)} in this registry.`,
    hint: "Anchor it first with `credstack batch anchor <dir>`, or check the registry with `credstack batch status <dir>`.",
  }),
  UnknownIssuer: (a) => ({
    message: `${String(a.issuer)} has never been accredited in this registry.`,
    hint: "An accreditor accredits it first: `credstack issuer accredit --issuer <addr> …`.",
  }),
  ...STACKING_REVERT_SENTENCES,
};

/** The sentence of a registry revert, or undefined for an error the registry does not define. */
export function revertSentence(errorName: string, args: Args): RevertSentence | undefined {
  return REVERT_SENTENCES[errorName]?.(args);
}
