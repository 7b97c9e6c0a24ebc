/**
 * One sentence for every custom error of the stacking registry and the packed-credential reader
 * (see revert-messages.ts, which merges them). Component positions are 0-based in the contract and
 * said 1-based here, as a holder counts the files given to `credstack stack claim`.
 */
import type { RevertSentence } from "./revert-messages.js";

type Args = Record<string, unknown>;

/** The registry's CredentialState names, in enum order. */
export const CREDENTIAL_STATES = [
  "valid", "not anchored", "a wrong proof (or another holder's credential)", "an index out of range",
  "an anchoring key declared compromised", "an issuer not accredited at anchoring", "an EQF level above the accreditation",
  "its batch revoked", "its batch revocation pending", "revoked", "revocation pending", "suspended",
] as const;

const nth = (i: unknown) => `component ${Number(i) + 1}`;
const ects = (centi: unknown) => `${(Number(centi) / 100).toString()} ECTS`;
const when = (t: unknown) => new Date(Number(t) * 1000).toISOString().replace(".000Z", "Z");

export const STACKING_REVERT_SENTENCES: Record<string, (a: Args) => RevertSentence> = {
  AchievementRepeated: (a) => ({
    message: `${cap(nth(a.i))} repeats a component or an achievement already counted in this claim; each counts once.`,
  }),
  AchievementTableMismatch: (a) => ({
    message: `Entry ${String(a.i)} of the claim's achievement table is not the pathway's listed achievement, or an unlisted one out of order.`,
    hint: "Build claims with `credstack stack claim` (the SDK's packClaim), which orders the table as the contract expects.",
  }),
  AlreadyAwarded: (a) => ({
    message: `Holder ${String(a.holder)} was already awarded pathway ${String(a.pathwayId)} of issuer ${String(a.issuer)}.`,
  }),
  AwardingIssuerNotAccredited: (a) => ({
    message: `The pathway's awarding issuer ${String(a.issuer)} is not accredited now, so it awards nothing.`,
    hint: "See `credstack issuer status <issuer>`.",
  }),
  ClaimExpired: (a) => ({
    message: `The holder's signed claim expired at ${when(a.deadline)}.`,
    hint: "Have the holder sign again: `credstack stack claim --sign`.",
  }),
  ComponentInvalid: (a) => ({
    message: `${cap(nth(a.i))} does not pass the registry's check: ${CREDENTIAL_STATES[Number(a.state)] ?? `state ${String(a.state)}`}.`,
    hint: "`credstack verify <file>` says why.",
  }),
  ComponentLocked: (a) => ({ message: `${cap(nth(a.i))} is already counted by another exclusive pathway.` }),
  GroupUnmet: (a) => ({ message: `Condition ${Number(a.g) + 1} of the pathway is not met: ${String(a.have)} of ${String(a.need)} required modules.` }),
  InvalidHolderSignature: (a) => ({
    message: `The claim is not signed by holder ${String(a.holder)} over these components (or the holder has since voided its signed claims).`,
    hint: "The holder signs the claim with `credstack stack claim --sign`; the relayer submits it unchanged.",
  }),
  InvalidPathway: (a) => ({ message: `The pathway's on-chain rules are invalid (${String(a.reason)}).` }),
  IssuerNotAllowed: (a) => ({ message: `Issuer ${String(a.issuer)} is not on the pathway's allow-list.` }),
  IssuerTableNotAscending: (a) => ({ message: `Entry ${String(a.i)} of the claim's issuer table repeats an issuer or is out of order.` }),
  LevelTooLow: (a) => ({ message: `${cap(nth(a.i))} is at EQF level ${String(a.eqfLevel)}, below the pathway's ${String(a.minEqfLevel)}.` }),
  ListsMismatch: (a) => ({
    message: `The pathway lists sent (hash ${String(a.actual)}) are not the registered ones (${String(a.expected)}).`,
    hint: "Take the lists from the pathway's registration (`credstack stack claim --pathway <id>` does).",
  }),
  MalformedPackedCredentials: (a) => ({ message: `The packed components are malformed at byte ${String(a.offset)}.` }),
  NoComponents: () => ({ message: "A claim needs at least one component." }),
  NotAccreditedIssuer: (a) => ({
    message: `${String(a.caller)} is not an issuer accredited now, so it cannot register a pathway.`,
    hint: "Publish with the awarding issuer's own key (`credstack pathway publish` with CREDSTACK_PRIVATE_KEY or --keystore).",
  }),
  OutsideWindow: (a) => ({ message: `${cap(nth(a.i))} was awarded ${when(a.awardedAt)}: in the future or outside the pathway's window.` }),
  PathwayAlreadyRegistered: (a) => ({
    message: `Issuer ${String(a.issuer)} already registered pathway ${String(a.pathwayId)}; a registration never changes.`,
    hint: "Publish a new version of the pathway (a new id).",
  }),
  PathwayIsRetired: (a) => ({ message: `Pathway ${String(a.pathwayId)} of issuer ${String(a.issuer)} is retired: it takes no new claims.` }),
  TooFewCredits: (a) => ({ message: `The components add up to ${ects(a.have)}, below the pathway's ${ects(a.need)}.` }),
  TooFewInstitutions: (a) => ({ message: `The components come from ${String(a.have)} institution(s); the pathway needs ${String(a.need)}.` }),
  UnknownPathway: (a) => ({
    message: `Issuer ${String(a.issuer)} has no pathway ${String(a.pathwayId)} in this stacking registry.`,
    hint: "The awarding issuer registers it first: `credstack pathway publish <file>`.",
  }),
  UnlistedOutOfBounds: (a) => ({
    message: `The claim has ${String(a.have)} component(s) the pathway does not name; its open slots take ${String(a.min)} to ${String(a.max)}.`,
  }),
  WrongIssuerForAchievement: (a) => ({
    message: `${cap(nth(a.i))} fills listed module ${Number(a.listed) + 1}, which the pathway takes only from another issuer.`,
  }),
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
