import { keccak256, toHex, type Hex } from "viem";
import { canonicalJson } from "./disclosure.js";

/**
 * An issuer's public profile as its accreditor records it on chain: only its digest,
 * `keccak256(RFC 8785 JSON of { country, name })`, goes into the accreditation. A verifier
 * recomputes it from the name and country a credential gives its issuer, so that an accredited
 * issuer cannot present itself under another institution's name.
 */
export interface IssuerProfile {
  /** The institution's name, exactly as its credentials carry it. */
  name: string;
  /** ISO 3166 country or region code, e.g. `NL` or `ES-CT`. */
  country: string;
}

/**
 * The profile digest of an issuer (what `accredit` records).
 *
 * @example
 * issuerProfileDigest({ name: "Universiteit van Amsterdam", country: "NL" }); // 0x… (32 bytes)
 */
export function issuerProfileDigest(profile: IssuerProfile): Hex {
  return keccak256(toHex(canonicalJson({ country: profile.country, name: profile.name })));
}

/**
 * The profile a credential claims for its issuer: `issuer.name` and the region code if there is
 * one (`addressRegion`, e.g. `ES-CT`), else the country code.
 */
export function claimedIssuerProfile(issuer: { name: string; address: { addressCountryCode: string; addressRegion?: unknown } }): IssuerProfile {
  const region = typeof issuer.address.addressRegion === "string" && issuer.address.addressRegion !== "" ? issuer.address.addressRegion : undefined;
  return { name: issuer.name, country: region ?? issuer.address.addressCountryCode };
}
