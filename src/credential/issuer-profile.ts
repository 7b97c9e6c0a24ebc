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
  // A verifier computes this for every credential; a batch's credentials share their issuer.
  const key = `${profile.country}\u0000${profile.name}`;
  let digest = digests.get(key);
  if (digest === undefined) {
    if (digests.size >= 1_000) digests.clear();
    digests.set(key, (digest = keccak256(toHex(canonicalJson({ country: profile.country, name: profile.name })))));
  }
  return digest;
}

const digests = new Map<string, Hex>();

/**
 * The profile a credential claims for its issuer: `issuer.name` and the region code if there is
 * one (`addressRegion`, e.g. `ES-CT`), else the country code.
 */
export function claimedIssuerProfile(issuer: { name: string; address: { addressCountryCode: string; addressRegion?: unknown } }): IssuerProfile {
  const region = typeof issuer.address.addressRegion === "string" && issuer.address.addressRegion !== "" ? issuer.address.addressRegion : undefined;
  return { name: issuer.name, country: region ?? issuer.address.addressCountryCode };
}
