import { getAddress, recoverAddress, type Address, type Hex } from "viem";
import { keccakReady } from "../credential/keccak.js";
import { check, overallStatus, type Check, type VerificationReport } from "../verify/report.js";
import type { Pending } from "../verify/offline.js";
import { chainReports, verificationSeconds, type VerifyOptions } from "../verify/verify-credentials.js";
import { derivedOfflineChecks } from "./derived-checks.js";
import { readDerivedProof, type DerivedProofData } from "./derived-proof.js";
import {
  PRESENTATION_PROOF_TYPE, isStrongChallenge, pkhAccount, presentationDomain, presentationMessage,
} from "./presentation.js";
import { presentationDigest } from "./presentation-digest.js";

/**
 * Verifying a presentation (docs/spec.md §14.4): each derived credential gets the credential verifier's seven checks
 * (one registry read per batch), and the presentation two more: `presentation` (challenge, domain, expiry, replay)
 * and `holder` (the EIP-712 signature recovers to the holder every credential's leaf binds). Node (src/verify).
 */

/** Challenges seen, each kept until its TTL ends (or its presentation's expiry, if later). */
export interface ReplayStore {
  /** Records `challenge`; false when it was recorded before and has not been forgotten. */
  use(challenge: string, expiresAtMs: number): boolean;
  /** Whether `challenge` is recorded, without recording it (asked when a verification decides nothing: ERROR). */
  has?(challenge: string): boolean;
  readonly size: number;
}

/**
 * An in-memory replay store: a challenge is refused a second time within `ttlMs` (or until the presentation that
 * used it expires). One per verifier process; a verifier with several processes needs a shared store.
 *
 * @example
 * const replay = createReplayStore({ ttlMs: 10 * 60_000 });
 * await verifyPresentation(vp, { challenge, domain, replay, client, registry });
 */
export function createReplayStore(params: { ttlMs: number; now?: () => number }): ReplayStore {
  const now = params.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    use(challenge, expiresAtMs) {
      const t = now();
      for (const [c, until] of seen) if (until <= t) seen.delete(c);
      if (seen.has(challenge)) return false;
      seen.set(challenge, Math.max(t + params.ttlMs, expiresAtMs));
      return true;
    },
    has(challenge) {
      const until = seen.get(challenge);
      return until !== undefined && until > now();
    },
    get size() {
      return seen.size;
    },
  };
}

/** The result of verifying a presentation. */
export interface PresentationReport {
  /** INVALID if any check (its own two, or any credential's) is INVALID; else ERROR if any is ERROR; else VALID. */
  status: VerificationReport["status"];
  /** The holder account the presentation names (when readable). */
  holder?: Address;
  /** The `presentation` and `holder` checks, in that order. */
  checks: Check[];
  /** One report per presented credential (its seven checks), in order. */
  credentials: VerificationReport[];
  /** Per credential, the original pointers of its revealed fields (from its derived proof) and how many are hidden. */
  disclosed: { revealed: string[]; hidden: number }[];
}

const MAX_CREDENTIALS = 32;

type Vp = { holder: string; verifiableCredential: Record<string, unknown>[]; proof: Record<string, unknown> };

/** Why a value is not a presentation this verifier reads, or undefined. */
function malformed(vp: unknown): string | undefined {
  const v = vp as Partial<Vp> & Record<string, unknown>;
  if (vp === null || typeof vp !== "object" || Array.isArray(vp)) return "A presentation is a JSON object.";
  if (!Array.isArray(v["@context"]) || v["@context"][0] !== "https://www.w3.org/ns/credentials/v2") return "@context must start with the VC 2.0 context.";
  if (!Array.isArray(v.type) || !v.type.includes("VerifiablePresentation")) return "type must include VerifiablePresentation.";
  if (!pkhAccount(v.holder)) return "holder must be a did:pkh:eip155 account.";
  const vcs = v.verifiableCredential;
  if (!Array.isArray(vcs) || vcs.length === 0 || vcs.length > MAX_CREDENTIALS) return `verifiableCredential must hold 1 to ${MAX_CREDENTIALS} credentials.`;
  const p = v.proof as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object" || Array.isArray(p)) return "proof must be one object.";
  if (p.type !== PRESENTATION_PROOF_TYPE || p.proofPurpose !== "authentication") return `proof must be an ${PRESENTATION_PROOF_TYPE} for authentication.`;
  if (p.verificationMethod !== `${v.holder}#blockchainAccountId`) return "proof.verificationMethod must be the holder's #blockchainAccountId.";
  for (const k of ["challenge", "domain", "expires", "proofValue"]) if (typeof p[k] !== "string") return `proof.${k} must be a string.`;
  if (!/^0x[0-9a-fA-F]{130}$/.test(p.proofValue as string)) return "proof.proofValue must be a 65-byte signature.";
  if (!Number.isFinite(Date.parse(p.expires as string))) return "proof.expires must be a date-time.";
  return undefined;
}

/**
 * Verifies a presentation for the verifier's `challenge` and `domain` at `at` (default now): its credentials as
 * credentials (the {@link VerifyOptions} of src/verify: client, registry, accreditors, offline, …), its holder's
 * signature, and its freshness. The challenge is recorded in `replay` once the signature verifies and a verdict is
 * reached (VALID or INVALID); a verification that decides nothing (ERROR: the node was down) records nothing, so the
 * same presentation can be checked again. Never throws for a bad presentation or a node that is down (ERROR, never
 * INVALID, for an outage).
 *
 * @example
 * const report = await verifyPresentation(vp, { challenge, domain: "https://admissions.example", replay, client, registry });
 * report.status; // "VALID"
 * report.checks.map((c) => c.code); // ["CS-PRESENTATION-VALID", "CS-HOLDER-VALID"]
 */
export async function verifyPresentation(
  input: unknown,
  options: VerifyOptions & { challenge: string; domain: string; replay: ReplayStore },
): Promise<PresentationReport> {
  const at = verificationSeconds(options.at);
  await keccakReady;
  let vp: unknown = input;
  if (typeof input === "string") {
    try {
      vp = JSON.parse(input);
    } catch {
      vp = undefined;
    }
  }
  const wrong = malformed(vp);
  if (wrong) {
    const checks = [check("presentation", "CS-PRESENTATION-MALFORMED", wrong), check("holder", "CS-SKIPPED-PRECONDITION", "Not checked: the presentation is malformed.")];
    return { status: "INVALID", checks, credentials: [], disclosed: [] };
  }
  const { holder, verifiableCredential: vcs, proof } = vp as Vp;
  const account = pkhAccount(holder)!;
  const proofs = vcs.map(readProof);
  const pending = vcs.map((vc, i) => derivedOfflineChecks(vc, at, proofs[i]));
  // The holder's signature (~1.5 ms of this thread's time in JavaScript) is checked while the registry read waits
  // on the node: it needs none of the chain checks' results. It starts on the next turn of the event loop, once the
  // read is on its way (or, with a batching transport, scheduled).
  const chain = chainReports(pending, options, at);
  const signature = nextTurn().then(() => checkHolder(vp as Vp, account, pending, proofs));
  const [credentials, holderCheck] = await Promise.all([chain, signature]);
  const disclosed = credentials.map((r) => ({
    revealed: (r.checks[0]?.details?.revealed as string[] | undefined) ?? [],
    hidden: (r.checks[0]?.details?.hidden as number | undefined) ?? 0,
  }));
  const decided = overallStatus([holderCheck, ...credentials.flatMap((r) => r.checks)]) !== "ERROR";
  const freshness = checkFreshness(proof, options, at, holderCheck.status === "VALID", decided);
  const checks = [freshness, holderCheck];
  const all = [...checks, ...credentials.flatMap((r) => r.checks)];
  return { status: overallStatus(all), holder: account.address, checks, credentials, disclosed };
}

/** Resolves on the event loop's next turn (Node's `setImmediate`; a zero timeout elsewhere). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** A presented credential's derived proof, read once for its checks and the signed message; or why it cannot be read. */
function readProof(vc: unknown): DerivedProofData | Error {
  try {
    return readDerivedProof(vc as Record<string, unknown>);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The holder check: the signature over the rebuilt message recovers to the holder, and every leaf binds that holder
 * (the credentials' summaries, from their offline checks).
 */
async function checkHolder(
  vp: Vp,
  account: { chainId: number; address: Address },
  pending: readonly Pending[],
  proofs: readonly (DerivedProofData | Error)[],
): Promise<Check> {
  const p = vp.proof;
  const domain = presentationDomain(account.chainId);
  const stated = p.eip712 as { domain?: unknown; primaryType?: unknown } | undefined;
  if (JSON.stringify(stated?.domain) !== JSON.stringify(domain) || stated?.primaryType !== "Presentation") {
    return check("holder", "CS-HOLDER-SIGNATURE-INVALID", "The proof's eip712 domain or primary type is not a credstack presentation's on the holder's chain.");
  }
  let message;
  try {
    const read = proofs.map((proof) => {
      if (proof instanceof Error) throw proof;
      return proof;
    });
    message = presentationMessage({
      holder: account.address, challenge: p.challenge as string, domain: p.domain as string, expires: p.expires as string,
      credentials: vp.verifiableCredential, proofs: read,
    });
  } catch {
    return check("holder", "CS-SKIPPED-PRECONDITION", "Not checked: a presented credential's derived proof cannot be read.");
  }
  let signer: Address;
  try {
    const hash = presentationDigest({ chainId: account.chainId, message });
    signer = await recoverAddress({ hash, signature: p.proofValue as Hex });
  } catch {
    return check("holder", "CS-HOLDER-SIGNATURE-INVALID", "The holder's signature cannot be recovered.");
  }
  if (getAddress(signer) !== account.address) {
    return check("holder", "CS-HOLDER-SIGNATURE-INVALID", `The presentation is signed by ${signer}, not by its holder ${account.address} (or what it signed was altered).`, {
      signer, holder: account.address,
    });
  }
  const others = pending
    .map((p, i) => ({ i, subject: p.summary?.holder, chainId: p.summary?.chainId }))
    .filter((c) => c.subject !== undefined && (getAddress(c.subject) !== account.address || c.chainId !== account.chainId));
  if (others.length > 0) {
    return check("holder", "CS-HOLDER-NOT-SUBJECT", `Credential ${others[0]!.i} is bound to ${others[0]!.subject}, not to the presenting holder ${account.address}.`, {
      credentials: others.map((c) => c.i),
    });
  }
  return check("holder", "CS-HOLDER-VALID", `Signed by the holder ${account.address}, the account every presented credential's leaf binds.`, { holder: account.address });
}

/**
 * The presentation check: the expected challenge and domain, not expired at `at`, and (signed) a challenge used once:
 * recorded when the verification `decided`, else only looked up.
 */
function checkFreshness(
  proof: Record<string, unknown>,
  options: { challenge: string; domain: string; replay: ReplayStore },
  at: number,
  signed: boolean,
  decided: boolean,
): Check {
  const challenge = proof.challenge as string;
  if (!isStrongChallenge(options.challenge)) throw new RangeError("The expected challenge must carry at least 128 bits.");
  if (challenge !== options.challenge) return check("presentation", "CS-PRESENTATION-CHALLENGE-MISMATCH", "The presentation answers another challenge than the one this verifier issued.");
  if (proof.domain !== options.domain) {
    return check("presentation", "CS-PRESENTATION-DOMAIN-MISMATCH", `The presentation is for ${JSON.stringify(proof.domain)}, not for ${JSON.stringify(options.domain)}.`);
  }
  const expiresMs = Date.parse(proof.expires as string);
  if (at * 1000 >= expiresMs) return check("presentation", "CS-PRESENTATION-EXPIRED", `The presentation expired at ${proof.expires as string}.`, { expires: proof.expires });
  // Recorded only once the holder's signature verifies: a forged presentation cannot spend a holder's challenge.
  const replayed = signed && (decided ? !options.replay.use(challenge, expiresMs) : options.replay.has?.(challenge) === true);
  if (replayed) return check("presentation", "CS-PRESENTATION-REPLAYED", "This challenge was answered before: a presentation is accepted once.");
  return check("presentation", "CS-PRESENTATION-VALID", `Answers this verifier's challenge for ${options.domain}, until ${proof.expires as string}.`);
}
