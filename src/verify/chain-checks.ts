import type { Address, Hex } from "viem";
import type { Revocation, VerificationRecord } from "../chain/actions/index.js";
import { RegistryNotDeployedError, RpcUnreachableError, WrongChainError } from "../chain/errors.js";
import { isoTime } from "../chain/records.js";
import { claimedIssuerProfile, issuerProfileDigest } from "../credential/issuer-profile.js";
import type { VerificationCode } from "./codes.js";
import type { ParsedCredential } from "./offline-checks.js";
import { check, sameHex, type Check } from "./report.js";

/**
 * The checks that read the chain: anchored, accredited, status. Pure functions of a credential and
 * what the registry said about its batch ({@link VerificationRecord}); the reads live in
 * ./chain-reader.ts.
 */

/** What the chain checks need of a credential that passed the offline checks (the rest can be let go). */
export interface ChainSubject {
  chainId: number;
  registry: Address;
  root: Hex;
  index: number;
  issuer: Address;
  issuerName: string;
  /** The country (or region) code the credential gives its issuer. */
  issuerCountry: string;
  /** The profile digest of that name and country (see credential/issuer-profile.ts). */
  profileDigest: Hex;
  eqfLevel: number;
}

/** The {@link ChainSubject} of a parsed credential. */
export function subjectOf(p: ParsedCredential): ChainSubject {
  const { leaf, proof } = p.file;
  const profile = claimedIssuerProfile(p.vc.issuer);
  return {
    chainId: leaf.chainId,
    registry: leaf.registry,
    root: proof.root,
    index: leaf.index,
    issuer: p.facts.issuer,
    issuerName: profile.name,
    issuerCountry: profile.country,
    profileDigest: issuerProfileDigest(profile),
    eqfLevel: p.facts.eqfLevel,
  };
}

/** The registry a verifier trusts, the chain it is on, and optionally the accreditors it trusts there. */
export interface TrustedRegistry {
  chainId: number;
  registry: Address;
  accreditors?: readonly Address[];
}

/**
 * Why the credential cannot be looked up on the trusted registry at all (another chain or registry),
 * or undefined when it names the trusted one.
 */
export function checkTarget(p: ChainSubject, trusted: TrustedRegistry): Check | undefined {
  const { chainId, registry } = p;
  if (chainId !== trusted.chainId) {
    return check("anchored", "CS-ANCHOR-WRONG-CHAIN", `The credential was issued on chain ${chainId}; this verifier checks chain ${trusted.chainId}.`, {
      credentialChainId: chainId,
      trustedChainId: trusted.chainId,
    });
  }
  if (!sameHex(registry, trusted.registry)) {
    return check("anchored", "CS-ANCHOR-WRONG-REGISTRY", `The credential names registry ${registry}; this verifier trusts ${trusted.registry}.`, {
      credentialRegistry: registry,
      trustedRegistry: trusted.registry,
    });
  }
  return undefined;
}

/**
 * The anchored, accredited and status checks of a credential whose batch record was read. An anchor
 * later than `at` fails only when the caller chose `at` (`atGiven`): when `at` is "now", a block
 * stamped slightly ahead of the local clock is clock skew, not a credential from the future.
 */
export function chainChecks(
  p: ChainSubject,
  record: VerificationRecord,
  trusted: TrustedRegistry,
  at: number,
  atGiven = true,
  memo?: Map<string, Check>,
): Check[] {
  const { batch } = record;
  if (batch === null) {
    return [
      check("anchored", "CS-ANCHOR-NOT-FOUND", `Issuer ${p.issuer} never anchored the root ${p.root} on registry ${p.registry}.`, {
        root: p.root,
        issuer: p.issuer,
      }),
    ];
  }
  const issuer = p.issuer;
  if (!sameHex(batch.issuer, issuer)) {
    return [
      check("anchored", "CS-ANCHOR-ISSUER-MISMATCH", `The batch was anchored by issuer ${batch.issuer}, but the credential names ${issuer}.`, {
        anchoredBy: batch.issuer,
        credentialIssuer: issuer,
      }),
    ];
  }
  if (p.index >= batch.leafCount) {
    return [
      check("anchored", "CS-ANCHOR-INDEX-OUT-OF-RANGE", `Index ${p.index} is outside the anchored batch of ${batch.leafCount} credentials.`, {
        index: p.index,
        leafCount: batch.leafCount,
      }),
    ];
  }
  // The anchored and accredited checks are the same for every credential of a batch (given the
  // issuer's name and the EQF level): a long list builds each once, and copies it. A batch is an
  // issuer's and a root (two issuers may anchor one root, each with its own record): the key names both.
  const shared = (kind: string, make: () => Check): Check => {
    if (!memo) return make();
    const key = `${kind}|${issuer.toLowerCase()}|${p.root.toLowerCase()}|${p.profileDigest}|${p.eqfLevel}`;
    let made = memo.get(key);
    if (!made) memo.set(key, (made = make()));
    return { ...made, ...(made.details ? { details: { ...made.details } } : {}) }; // each report its own objects
  };
  const anchored = shared("anchored", () =>
    batch.anchoringKeyCompromised
      ? check(
          "anchored",
          "CS-ANCHOR-KEY-COMPROMISED",
          `The batch was anchored by operator key ${batch.anchoringKey}, which the issuer declared compromised since before the anchoring (${isoTime(batch.anchoredAt)}).`,
          { anchoringKey: batch.anchoringKey, anchoredAt: isoTime(batch.anchoredAt) },
        )
      : atGiven && batch.anchoredAt > at
      ? check("anchored", "CS-ANCHOR-AFTER-VERIFICATION-TIME", `Anchored at ${isoTime(batch.anchoredAt)}, after the verification time ${isoTime(at)}.`, {
          anchoredAt: isoTime(batch.anchoredAt),
          at: isoTime(at),
        })
      : check("anchored", "CS-ANCHOR-VALID", `Anchored by ${p.issuerName} (${batch.issuer}) at ${isoTime(batch.anchoredAt)}, batch of ${batch.leafCount}.`, {
          issuer: batch.issuer,
          anchoringKey: batch.anchoringKey,
          anchoredAt: isoTime(batch.anchoredAt),
          leafCount: batch.leafCount,
        }),
  );
  return [anchored, shared("accredited", () => checkAccreditation(p, record, trusted)), checkStatus(p, record)];
}

function checkAccreditation(p: ChainSubject, record: VerificationRecord, trusted: TrustedRegistry): Check {
  const { batch, accreditation: a } = record;
  const when = isoTime(batch!.anchoredAt);
  const details = {
    status: a.status,
    maxEqfLevel: a.maxEqfLevel,
    validFrom: isoTime(a.validFrom),
    validUntil: isoTime(a.validUntil),
    effectiveFrom: isoTime(a.effectiveFrom),
    accreditor: a.accreditor,
    anchoredAt: when,
  };
  switch (a.status) {
    case "None":
      return check("accredited", "CS-ACCREDITATION-NONE", `The issuer was not accredited when the batch was anchored (${when}).`, details);
    case "Suspended":
      return check("accredited", "CS-ACCREDITATION-SUSPENDED", `The issuer's accreditation was suspended from ${isoTime(a.effectiveFrom)}, before the anchoring at ${when}.`, details);
    case "Withdrawn":
      return check("accredited", "CS-ACCREDITATION-WITHDRAWN", `The issuer's accreditation was withdrawn with effect from ${isoTime(a.effectiveFrom)}, before the anchoring at ${when}.`, details);
  }
  const anchoredAt = batch!.anchoredAt;
  if (anchoredAt < a.validFrom || anchoredAt >= a.validUntil) {
    return check("accredited", "CS-ACCREDITATION-OUTSIDE-WINDOW", `The anchoring at ${when} is outside the accreditation window ${isoTime(a.validFrom)} – ${isoTime(a.validUntil)}.`, details);
  }
  if (trusted.accreditors && !trusted.accreditors.some((t) => sameHex(t, a.accreditor))) {
    return check(
      "accredited",
      "CS-ACCREDITATION-UNTRUSTED-ACCREDITOR",
      `The issuer was accredited by ${a.accreditor} when the batch was anchored, an accreditor this verifier does not trust.`,
      { ...details, trustedAccreditors: [...trusted.accreditors] },
    );
  }
  if (!sameHex(a.profileDigest, p.profileDigest)) {
    return check(
      "accredited",
      "CS-ACCREDITATION-PROFILE-MISMATCH",
      `The credential names its issuer "${p.issuerName}" (${p.issuerCountry}), which is not the profile its accreditor recorded for ${batch!.issuer} when the batch was anchored.`,
      { ...details, claimed: { name: p.issuerName, country: p.issuerCountry }, claimedDigest: p.profileDigest, recordedDigest: a.profileDigest },
    );
  }
  const eqf = p.eqfLevel;
  if (eqf > a.maxEqfLevel) {
    return check("accredited", "CS-ACCREDITATION-EQF-EXCEEDED", `The credential is at EQF ${eqf}; the issuer is accredited up to EQF ${a.maxEqfLevel}.`, { ...details, eqfLevel: eqf });
  }
  return check("accredited", "CS-ACCREDITATION-VALID", `Accredited as "${p.issuerName}" (${p.issuerCountry}) up to EQF ${a.maxEqfLevel} when the batch was anchored (window until ${isoTime(a.validUntil)}).`, details);
}

/** Who revoked, and whether it is final: the details of a revocation. */
function revocationDetails(r: Revocation, issuer: Address) {
  return { by: r.by, byIssuerAccount: sameHex(r.by, issuer), at: isoTime(r.at), final: r.final, finalAt: isoTime(r.finalAt) };
}

function checkStatus(p: ChainSubject, { batch, credentials }: VerificationRecord): Check {
  const index = p.index;
  const b = batch!;
  if (b.status !== "Active") {
    const r = b.revocation!;
    const who = sameHex(r.by, b.issuer) ? "the issuer's account" : `operator key ${r.by}`;
    const details = { reason: b.revocationReason, ...revocationDetails(r, b.issuer) };
    return b.status === "Revoked"
      ? check("status", "CS-STATUS-BATCH-REVOKED", `The whole batch was revoked by ${who} (reason code ${b.revocationReason}), final since ${isoTime(r.finalAt)}.`, details)
      : check("status", "CS-STATUS-BATCH-REVOCATION-PENDING", `The whole batch was revoked by ${who} at ${isoTime(r.at)} (reason code ${b.revocationReason}); final at ${isoTime(r.finalAt)} unless the issuer cancels it.`, details);
  }
  const status = credentials.find((c) => c.index === index);
  if (!status) return check("status", "CS-RPC-ERROR", `Could not check: the registry's answer lacks credential ${index}'s status.`);
  if (status.revoked) return check("status", "CS-STATUS-REVOKED", `Credential ${index} of the batch was revoked by its issuer (final).`, { index, final: true });
  if (status.revocationPending) {
    const r = status.pending!;
    return check(
      "status",
      "CS-STATUS-REVOCATION-PENDING",
      `Credential ${index} was revoked by operator key ${r.by} at ${isoTime(r.at)}; final at ${isoTime(r.finalAt)} unless the issuer cancels it.`,
      { index, ...revocationDetails(r, b.issuer) },
    );
  }
  if (status.suspended) return check("status", "CS-STATUS-SUSPENDED", `Credential ${index} of the batch is suspended by its issuer.`, { index });
  return check("status", "CS-STATUS-VALID", "Neither the batch nor the credential is revoked or suspended.");
}

/** The code of a failure to read the chain: never a verdict on the credential. */
export function errorCode(error: unknown): VerificationCode {
  if (error instanceof RpcUnreachableError) return "CS-RPC-UNREACHABLE";
  if (error instanceof WrongChainError) return "CS-RPC-WRONG-CHAIN";
  if (error instanceof RegistryNotDeployedError) return "CS-REGISTRY-NOT-DEPLOYED";
  return "CS-RPC-ERROR";
}

/** The three chain checks as ERROR: the chain could not be read. */
export function chainErrorChecks(error: unknown): Check[] {
  const code = errorCode(error);
  const e = error as { shortMessage?: unknown; message?: unknown };
  const message = `Could not check: ${String(typeof e?.shortMessage === "string" ? e.shortMessage : (e?.message ?? error)).split("\n")[0]}`;
  return (["anchored", "accredited", "status"] as const).map((id) => check(id, code, message));
}
