import { performance } from "node:perf_hooks";
import { keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildBatch, manifestDigest } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { anchorBatch } from "../../src/chain/actions/index.js";
import { createChallenge, createPresentation } from "../../src/present/index.js";
import { createReplayStore, verifyPresentation } from "../../src/present/verify.js";
import { verifyCredential } from "../../src/verify/index.js";
import { learner, seedCourse, twoInstitutions, ROLE, addr } from "../../test/ts/helpers/two-institutions.js";

/** What {@link benchPresent} measured: one at a time, credential alone vs. a presentation of it. */
export interface PresentBenchResult {
  n: number;
  credentialsPerSecond: number;
  presentationsPerSecond: number;
  /** Seconds per presentation / seconds per credential (the bound: ≤ 1.5). */
  ratio: number;
  /** Creating (deriving and signing) presentations, per second. */
  createdPerSecond: number;
  valid: number;
}

/**
 * The presentation benchmark (issue #13): `n` credentials of `n` holders in one anchored batch on a
 * real `hardhat node`; each verified alone (`verifyCredential`) and as a presentation of it with the
 * grade hidden (`verifyPresentation`: the same seven checks, plus the holder's EIP-712 signature,
 * challenge, domain and replay), one at a time, in alternating rounds so that drift hits both alike.
 */
export async function benchPresent(n: number): Promise<PresentBenchResult> {
  const f = await twoInstitutions();
  try {
    const holders = Array.from({ length: n }, (_, i) => privateKeyToAccount(keccak256(toHex(`bench-holder-${i}`))));
    const batch = buildBatch(seedCourse("smart-contract-security", addr(ROLE.uva)), holders.map((h, i) => learner(`B${i}`, h.address, "8")), f.target);
    await anchorBatch(f.wallet(ROLE.uvaOp), { registry: f.registry, root: batch.manifest.root, leafCount: n, manifestDigest: manifestDigest(batch.manifest) });
    const vcs = batch.credentials.map((c) => toVerifiableCredential(c as CredentialRecordV3) as Record<string, unknown>);
    const texts = vcs.map((vc) => JSON.stringify(vc));
    const domain = "bench.example";
    let t = performance.now();
    const presentations: { text: string; challenge: string }[] = [];
    for (let i = 0; i < n; i++) {
      const challenge = createChallenge();
      const vp = await createPresentation({
        credentials: [vcs[i]!], disclose: { hide: ["grade"] }, challenge, domain, expiresAt: Date.now() + 3_600_000, holder: { account: holders[i]! },
      });
      presentations.push({ text: JSON.stringify(vp), challenge });
    }
    const createdPerSecond = n / ((performance.now() - t) / 1000);
    const options = { client: f.client, registry: f.registry };
    const replay = createReplayStore({ ttlMs: 3_600_000 });
    let credentialMs = 0;
    let presentationMs = 0;
    let valid = 0;
    const ROUND = 50;
    for (let start = 0; start < n; start += ROUND) {
      const end = Math.min(n, start + ROUND);
      t = performance.now();
      for (let i = start; i < end; i++) if ((await verifyCredential(texts[i]!, options)).status === "VALID") valid++;
      credentialMs += performance.now() - t;
      t = performance.now();
      for (let i = start; i < end; i++) {
        const { text, challenge } = presentations[i]!;
        if ((await verifyPresentation(text, { ...options, challenge, domain, replay })).status === "VALID") valid++;
      }
      presentationMs += performance.now() - t;
    }
    return {
      n,
      credentialsPerSecond: Math.round(n / (credentialMs / 1000)),
      presentationsPerSecond: Math.round(n / (presentationMs / 1000)),
      ratio: presentationMs / credentialMs,
      createdPerSecond: Math.round(createdPerSecond),
      valid,
    };
  } finally {
    await f.stop();
  }
}
