import type { Address } from "viem";
import { issuerProfileDigest, type IssuerProfile } from "../credential/issuer-profile.js";
import { getAccreditationAt } from "./actions/accreditation.js";
import { latestTimestamp, readContext, type RegistryReadClient } from "./actions/client.js";
import { ChainError } from "./errors.js";
import { isoTime, type Accreditation } from "./records.js";

/**
 * Pre-flight for issuing: what a verifier will check of a batch's issuer, checked before a batch
 * is built or anchored, so that a batch that can never verify costs no gas and no learner's time.
 */

/** The issuer's accreditation does not cover what a batch claims. */
export class AccreditationMismatchError extends ChainError {
  override name = "AccreditationMismatchError";
  constructor(
    readonly issuer: Address,
    /** `not-accredited`: not Active in its window now; `eqf`: the level is above the accredited maximum; `profile`: name or country differ. */
    readonly field: "not-accredited" | "eqf" | "profile",
    message: string,
    details: string,
  ) {
    super(message, { details });
  }
}

/**
 * Checks, against the chain, that `issuer` is accredited now, for `eqfLevel`, under `profile`
 * (the awarding body's name and country as the credentials will carry them), and returns its
 * accreditation. Throws {@link AccreditationMismatchError} naming the field.
 *
 * @example
 * await checkIssuerCanIssue(publicClient, { registry, issuer, eqfLevel: 6, profile: { name: "Universiteit van Amsterdam", country: "NL" } });
 */
export async function checkIssuerCanIssue(
  client: RegistryReadClient,
  params: { registry: Address; issuer: Address; eqfLevel: number; profile: IssuerProfile },
): Promise<Accreditation> {
  const { registry, issuer, eqfLevel, profile } = params;
  const now = await latestTimestamp(client, readContext(client, registry, "accreditationAt"));
  const a = await getAccreditationAt(client, { registry, issuer, timestamp: now });
  const fix = "Ask the issuer's accreditor to renew the accreditation (`credstack issuer accredit`), or fix the course.";
  if (a.status !== "Active" || now < a.validFrom || now >= a.validUntil) {
    const state = a.status === "Active" ? `outside its window ${isoTime(a.validFrom)} – ${isoTime(a.validUntil)}` : a.status.toLowerCase();
    throw new AccreditationMismatchError(issuer, "not-accredited", `Issuer ${issuer} is not accredited now (${a.status === "None" ? "never accredited" : state}).`, fix);
  }
  if (eqfLevel > a.maxEqfLevel) {
    throw new AccreditationMismatchError(issuer, "eqf", `The course's EQF level ${eqfLevel} is above issuer ${issuer}'s accreditation (EQF ≤ ${a.maxEqfLevel}).`, fix);
  }
  if (issuerProfileDigest(profile).toLowerCase() !== a.profileDigest.toLowerCase()) {
    throw new AccreditationMismatchError(
      issuer,
      "profile",
      `The awarding body "${profile.name}" (${profile.country}) is not the profile issuer ${issuer} is accredited under.`,
      `The accreditor recorded another name or country for this issuer (profile digest ${a.profileDigest}). The name and country in the course must match the accreditation exactly. ${fix}`,
    );
  }
  return a;
}
