/**
 * `npm run demo`: the issuer → verifier story on the embedded Hardhat network (no server to start).
 *
 * Deploys the registry, accredits the two synthetic institutions of `seeds/institutions.json`,
 * has each build and anchor a batch from its seed course and learners, verifies a credential
 * (VALID, with the checklist), tampers with one (INVALID, with the reason), stacks a learner's
 * credentials of both institutions into a pathway (evaluated, claimed on chain, issued as a CLR 2.0
 * stacked credential), revokes one (INVALID, revoked; the stacked credential with it), and prints the
 * gas of each anchor, claim and revocation. The batches go to `demo-out/`.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, type Address, type Hex } from "viem";
import CredstackModule from "./ignition/modules/Credstack.js";
import { buildBatchDirectory } from "../src/batch/build-directory.js";
import { extractCredential, readCredentials, readManifest } from "../src/batch/files.js";
import { toVerifiableCredential } from "../src/batch/v3/credential.js";
import type { CredentialRecordV3 } from "../src/batch/format.js";
import { issuerProfileDigest } from "../src/credential/issuer-profile.js";
import { parseAchievement } from "../src/credential/schema.js";
import {
  accreditIssuer, addOperator, anchorBatch, claimPathway, registerPathway, revokeCredentials, signOperatorConsent,
} from "../src/chain/actions/index.js";
import { manifestDigest } from "../src/batch/build.js";
import { buildClrBatch } from "../src/stack/clr/batch.js";
import { buildStackedCredential } from "../src/stack/clr/build.js";
import { countedInputs, evaluatePathway, findRegisteredPathway, onChainRulesOf, parsePathway, pathwayIdOf, prepareStackClaim } from "../src/stack/index.js";
import { anchorBatchDirectory } from "../src/chain/anchor-directory.js";
import { formatReport, formatSummary, verifyCredential, verifyCredentials } from "../src/verify/index.js";

const OUT = path.resolve("demo-out");
const seeds = path.resolve("seeds");
const say = (line = "") => console.log(line);

interface Institution {
  name: string;
  country: string;
  governanceAccount: number;
  operatorAccount: number;
  maxEqf: number;
  course: string;
  learners: string;
}
const { accreditor, institutions } = JSON.parse(await readFile(path.join(seeds, "institutions.json"), "utf8")) as { accreditor: { name: string; account: number }; institutions: Institution[] };

await rm(OUT, { recursive: true, force: true });
const connection = await network.create();
const { viem, ignition } = connection;
const publicClient = await viem.getPublicClient();
const wallets = await viem.getWalletClients();
const chainId = await publicClient.getChainId();

say("credstack demo — embedded Hardhat network (chain " + chainId + ")\n");
let step = 0;
const next = () => `${++step}.`;
const { registry: deployed, stacking: deployedStacking } = await ignition.deploy(CredstackModule, { displayUi: false });
const registry = getAddress(await deployed.getAddress()) as Address;
const stacking = getAddress(await deployedStacking.getAddress()) as Address;
say(`${next()} Registry deployed at ${registry}; accreditor: ${accreditor.name}`);

const gasOf = async (txHash: Hex) => Number((await publicClient.getTransactionReceipt({ hash: txHash })).gasUsed);
const gas: [string, number][] = [];
const now = Number((await publicClient.getBlock()).timestamp);
const issued: { institution: Institution; dir: string; root: Hex; operator: (typeof wallets)[number] }[] = [];

for (const institution of institutions) {
  const governance = wallets[institution.governanceAccount]!;
  const operator = wallets[institution.operatorAccount]!;
  const profileDigest = issuerProfileDigest({ name: institution.name, country: institution.country });
  await accreditIssuer(wallets[accreditor.account]!, { registry, issuer: governance.account.address, profileDigest, maxEqfLevel: institution.maxEqf, validFrom: now - 86_400, validUntil: now + 5 * 365 * 86_400 });
  // The operator key consents (EIP-712) before the institution adds it: no one can claim another's key.
  const consent = await signOperatorConsent(operator, { registry, chainId, issuer: governance.account.address, deadline: now + 3_600 });
  await addOperator(governance, { registry, consent });
  say(`${next()} ${institution.name} (${institution.country}) is accredited up to EQF ${institution.maxEqf}; its operator key ${operator.account.address} consented and was added`);

  const course = parseAchievement(JSON.parse(await readFile(path.join(seeds, institution.course), "utf8")), institution.course);
  const dir = path.join(OUT, path.basename(institution.course, ".json"));
  const manifest = await buildBatchDirectory({ achievement: course, learnersCsv: path.join(seeds, institution.learners), out: dir, target: { chainId, registry } });
  const { anchor } = await anchorBatchDirectory(operator, publicClient, dir);
  gas.push([`anchor ${manifest.leafCount} credentials (${course.title})`, await gasOf(anchor.txHash)]);
  say(`   It issues "${course.title}": ${manifest.leafCount} credentials → ${path.relative(process.cwd(), dir)}/; root ${manifest.root.slice(0, 18)}… anchored in block ${anchor.blockNumber}`);
  issued.push({ institution, dir, root: manifest.root, operator });
}

const [first] = issued;
const record = await extractCredential(first!.dir, { index: 0 });
// What the learner receives: a bare W3C VC 2.0 / Open Badges 3.0 credential with its Merkle proof.
const credential = toVerifiableCredential(record as CredentialRecordV3) as Record<string, any>;
const file = path.join(OUT, "learner-credential.json");
await writeFile(file, JSON.stringify(credential, null, 2) + "\n");
say(`\n${next()} A learner presents ${path.relative(process.cwd(), file)}; the verifier checks it against the chain:`);
say(formatReport(await verifyCredential({ source: "learner-credential.json", input: credential }, { client: publicClient, registry })));

const second = issued[1]!;
const all = [];
for await (const stored of readCredentials(second.dir, await readManifest(second.dir))) all.push(stored.file);
say(`\n   An admissions office checks all ${all.length} credentials of ${second.institution.name} at once (one registry read for the batch):`);
say(`   ${formatSummary(await verifyCredentials(all, { client: publicClient, registry }))}`);

const tampered = structuredClone(credential);
tampered.credentialSubject.result[0].value = "10";
await writeFile(path.join(OUT, "tampered-credential.json"), JSON.stringify(tampered, null, 2) + "\n");
say(`\n${next()} Someone raises the grade to 10 (tampered-credential.json):`);
say(formatReport(await verifyCredential({ source: "tampered-credential.json", input: tampered }, { client: publicClient, registry })));

// Stacking: Ada Jansen (S1001) studied in Amsterdam and, on exchange, in Barcelona (UB-2424).
const pathway = parsePathway(JSON.parse(await readFile(path.join(seeds, "pathways/responsible-blockchain-engineering.json"), "utf8")));
const ada = wallets[3]!;
const adaFiles = [];
for (const { dir } of issued) adaFiles.push(toVerifiableCredential((await extractCredential(dir, { holder: ada.account.address })) as CredentialRecordV3));
const evaluation = await evaluatePathway(pathway, adaFiles, { client: publicClient, registry, holder: ada.account.address });
say(`\n${next()} Ada Jansen holds credentials of both institutions. Do they stack into the "${pathway.name}"?`);
for (const r of evaluation.rules) say(`   ${r.met ? "✔" : "✘"} ${r.rule.padEnd(13)} ${r.message}`);
say(`   → ${evaluation.met ? "MET" : "NOT MET"}: each component verified fully (the seven checks) before it counted`);
const uva = wallets[institutions[0]!.governanceAccount]!;
const { rules, lists } = onChainRulesOf(pathway);
const published = await registerPathway(uva, { stacking, pathwayId: pathwayIdOf(pathway), rules, lists });
gas.push(["publish the pathway (its rules and digest)", await gasOf(published.txHash)]);
const registration = await findRegisteredPathway(publicClient, { stacking, pathwayId: pathwayIdOf(pathway), definitionDigest: rules.definitionDigest, expected: { rules, lists } });
const draft = await prepareStackClaim(publicClient, { registry, stacking, registration, holder: ada.account.address, inputs: adaFiles, include: countedInputs(evaluation) });
const claimed = await claimPathway(ada, draft); // sent by Ada herself: no signature needed
gas.push([`claim the pathway on chain (${draft.leaves.length} components)`, await gasOf(claimed.txHash)]);
say(`   The university publishes the pathway on chain; Ada claims it: the contract recomputes both leaves with her address,`);
say(`   checks each through the registry and the rules, and records the award (block ${claimed.blockNumber}).`);
const clr = buildStackedCredential({
  pathway, evaluation, credentials: adaFiles,
  issuer: { account: uva.account.address, name: institutions[0]!.name, country: institutions[0]!.country },
});
const clrBatch = buildClrBatch({ credentials: [clr], issuer: uva.account.address, target: { chainId, registry } });
await anchorBatch(first!.operator, { registry, root: clrBatch.manifest.root, leafCount: clrBatch.manifest.leafCount, manifestDigest: manifestDigest(clrBatch.manifest) });
const stacked = toVerifiableCredential(clrBatch.credentials[0] as CredentialRecordV3);
await writeFile(path.join(OUT, "stacked-credential.json"), JSON.stringify(stacked, null, 2) + "\n");
say(`   It issues the certificate as a CLR 2.0 credential embedding both components (stacked-credential.json):`);
say(formatReport(await verifyCredential({ source: "stacked-credential.json", input: stacked }, { client: publicClient, registry })));

const pending = await revokeCredentials(first!.operator, { registry, root: first!.root, indices: [record.leaf.index], reason: 11 });
gas.push(["revoke 1 credential (operator key: pending)", await gasOf(pending.txHash)]);
say(`\n${next()} A registrar revokes that credential with the operator key (reason 11, issued in error): it stops verifying at once,`);
say(`   but stays cancellable by the institution's own account for its revocation delay — a stolen hot key cannot do lasting harm:`);
say(formatReport(await verifyCredential({ source: "learner-credential.json", input: credential }, { client: publicClient, registry })));
const governance = wallets[first!.institution.governanceAccount]!;
const final = await revokeCredentials(governance, { registry, root: first!.root, indices: [record.leaf.index], reason: 11 });
gas.push(["revoke 1 credential (issuer account: final)", await gasOf(final.txHash)]);
say(`\n${next()} The institution's own account confirms it: the revocation is final.`);
say(formatReport(await verifyCredential({ source: "learner-credential.json", input: credential }, { client: publicClient, registry })));
say(`   Ada's stacked credential embeds it, so it no longer verifies either:`);
const after = await verifyCredential({ source: "stacked-credential.json", input: stacked }, { client: publicClient, registry });
say(`   stacked-credential.json: ${after.status}${after.components ? ` — ${after.components.message} [${after.components.code}]` : ""}`);

say(`\n${next()} Gas`);
for (const [what, used] of gas) say(`   ${what.padEnd(60)} ${used.toLocaleString("en").padStart(8)}`);
say(`\nFiles: ${path.relative(process.cwd(), OUT)}/ (batches, the learner's credential, the tampered copy). Manifest of the first batch: ${(await readManifest(first!.dir)).anchor ? "anchored" : "not anchored"}.`);
await connection.close();
