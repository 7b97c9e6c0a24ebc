import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { createIssuerKey, signCredential, verifyIssuerSignature } from "../../src/credential/sign/index.js";
import { buildCredentialV3 } from "../../src/credential/v3/build.js";
import { newIdentitySalts } from "../../src/credential/v3/identity.js";

/** What {@link benchSign} measured. */
export interface SignBenchResult {
  /** Credentials signed, then verified. */
  n: number;
  signSeconds: number;
  verifySeconds: number;
  signaturesPerSecond: number;
  verificationsPerSecond: number;
  /** How many verified (all of them, unless something is wrong). */
  verified: number;
}

/** Every seed course's learners, as v3 credential inputs: `n` of them, cycling through the seeds. */
function seedInputs(n: number) {
  const seeds = readdirSync("seeds/courses").filter((f) => f.endsWith(".json")).sort().map((f) => {
    const name = f.replace(/\.json$/, "");
    const achievement = parseAchievement(JSON.parse(readFileSync(path.join("seeds/courses", f), "utf8")));
    const learners = parseLearnersCsv(readFileSync(path.join("seeds/learners", `${name}.csv`), "utf8"));
    return learners.map((learner) => ({ achievement, learner }));
  });
  const all = seeds.flat();
  return Array.from({ length: n }, (_, i) => all[i % all.length]!);
}

/**
 * The issuer-signature benchmark: signs `n` realistic v3 credentials (the seed courses and
 * learners, built with `buildCredentialV3`, fresh salts each) with one did:key issuer key
 * (`eddsa-rdfc-2022`, one at a time), then verifies each with `verifyIssuerSignature`
 * (`@digitalbazaar/vc`). Building is not timed. Figures only: nothing is asserted about them.
 *
 * @example
 * const r = await benchSign(200); // { n: 200, signaturesPerSecond: …, verificationsPerSecond: …, verified: 200, … }
 */
export async function benchSign(n = 200): Promise<SignBenchResult> {
  const key = await createIssuerKey();
  const credentials = seedInputs(n).map(({ achievement, learner }) =>
    buildCredentialV3({
      achievement, learner, target: { chainId: 31337 }, salts: newIdentitySalts(), issuerDid: key.controller,
    }),
  );
  // One warm-up credential of each: contexts are loaded and checked once, on first use.
  const first = credentials[0]!;
  await verifyIssuerSignature({ credential: await signCredential({ credential: first, key }), now: first.validFrom });

  const signed = [];
  let start = performance.now();
  for (const credential of credentials) signed.push(await signCredential({ credential, key }));
  const signSeconds = (performance.now() - start) / 1000;

  let verified = 0;
  start = performance.now();
  // As of each credential's validFrom: the count does not depend on the clock (validUntil).
  for (const credential of signed) {
    if ((await verifyIssuerSignature({ credential, now: credential.validFrom })).verified) verified++;
  }
  const verifySeconds = (performance.now() - start) / 1000;

  return {
    n, signSeconds, verifySeconds, verified,
    signaturesPerSecond: n / signSeconds,
    verificationsPerSecond: n / verifySeconds,
  };
}

// `tsx scripts/lib/bench-sign.ts [n]`: prints the result as JSON.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSign(Number(process.argv[2] ?? 200))));
}
