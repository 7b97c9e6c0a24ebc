import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import canonicalizeModule from "canonicalize";
import { network } from "hardhat";
import { MerkleTree } from "merkletreejs";
import { decodeAbiParameters, encodeAbiParameters, getAddress, keccak256, stringToBytes, type Address, type Hex } from "viem";
import { buildLayers, processProof } from "../../src/batch/core.js";
import { draftLearnerV3 } from "../../src/batch/draft.js";
import { achievementIdOf, encodeLeaf, LEAF_TAG, LEAF_TAG_V3, leafHash, type LeafFields } from "../../src/batch/leaf.js";
import { parseLearnersCsv } from "../../src/batch/learners-csv.js";
import { MerkleBatchTree } from "../../src/batch/tree.js";
import { recordFromVerifiableCredential, splitVerifiableCredential } from "../../src/batch/v3/credential.js";
import {
  MERKLE_CRYPTOSUITE, merkleProof, MerkleProofError, merkleVerificationMethod, readMerkleProof, type MerkleDataIntegrityProof,
} from "../../src/batch/v3/merkle-proof.js";
import { accreditIssuer, addOperator, anchorBatch, signOperatorConsent } from "../../src/chain/actions/index.js";
import {
  ATOMIC_POINTERS, canonicalJson, credentialDigest, credentialDigestWithSalts, digestOfFieldDigests, fieldDigest, labelledSalt,
  saltFor, saltsFromSeed, sortedFields, toFields, type DisclosureScheme,
} from "../../src/credential/disclosure.js";
import { claimedIssuerProfile, issuerProfileDigest } from "../../src/credential/issuer-profile.js";
import { validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { parseAchievement } from "../../src/credential/schema.js";
import { buildCredentialV3 } from "../../src/credential/v3/build.js";
import { credentialFactsV3, parseCredentialV3 } from "../../src/credential/v3/facts.js";
import { identityHash } from "../../src/credential/v3/identity.js";
import { credentialFromTemplateV3, credentialTemplateV3, identitySaltsFromSeed } from "../../src/credential/v3/template.js";
import { CHECK_IDS } from "../../src/verify/codes.js";
import { verifyCredential } from "../../src/verify/index.js";

/**
 * The test vectors of docs/spec.md §11 (credential format v3). `test/fixtures/spec/vectors-v3.json`
 * holds them machine-readable; the spec prints them between its `spec-vectors` markers. This test
 * recomputes every vector from its inputs with the code and, where practical, independently
 * (node:crypto, the `canonicalize` package, viem's ABI codec, merkletreejs, the Solidity contracts on
 * a Hardhat chain), and checks that the spec prints exactly the stored values. Any change of a rule
 * in the code (field split, salts, digests, leaf, tree, proof encoding, facts) fails it.
 *
 * To regenerate after a deliberate change of format (a new format needs new vectors, never edited ones):
 *   SPEC_VECTORS=write npx hardhat test mocha test/ts/spec-vectors.test.ts
 */

const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

const FIXTURE = path.resolve("test/fixtures/spec/vectors-v3.json");
const SPEC = path.resolve("docs/spec.md");
const BEGIN = "<!-- begin generated: spec-vectors (test/ts/spec-vectors.test.ts) -->";
const END = "<!-- end generated: spec-vectors -->";
const WRITE = process.env.SPEC_VECTORS === "write";

const COURSE_FILE = "seeds/courses/smart-contract-security.json";
const LEARNERS_FILE = "seeds/learners/smart-contract-security.csv";
const CHAIN_ID = 31337;
const REGISTRY = getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3");
/** 32 bytes counting up from `from`: 0x000102…1f, 0x202122…3f, 0x404142…5f. */
const countingSeed = (from: number): Hex => `0x${Array.from({ length: 32 }, (_, i) => (from + i).toString(16).padStart(2, "0")).join("")}`;
const INPUTS = [0, 1, 2].map((i) => ({ index: i, learnerRow: i + 1, id: `urn:uuid:00000000-0000-4000-8000-00000000000${i + 1}`, seed: countingSeed(32 * i) }));
/** The atomic subtrees, as the spec lists them (the test checks the code's list is this one). */
const SPEC_ATOMIC = ["/@context", "/type", "/issuer", "/credentialSubject/achievement"];
/** A document exercising the split's edge cases (not a credential). U+FF21 and U+1F600 order differently in UTF-8 and UTF-16. */
const EDGE_DOCUMENT = {
  type: ["X", { y: 1 }],
  "a/b": "slash",
  "m~n": "tilde",
  e: {},
  f: [],
  n: null,
  t: true,
  nums: [1e21, 2.5, 1e-7, 100],
  list: [{ k: [1, 2] }, [], "s"],
  "\uFF21": "fullwidth A",
  "\u{1F600}": "grinning face",
  credentialSubject: { achievement: { "\uFF21": 1, "\u{1F600}": 2, z: [] }, id: "x" },
};
/** The frozen wrapper-file fixtures (formats v1 and v2) whose first credential the spec gives. */
const FROZEN = [
  { file: "test/fixtures/batches/v1-smart-contract-security/credentials/000000.json", manifest: "test/fixtures/batches/v1-smart-contract-security/manifest.json" },
  { file: "test/fixtures/batches/v2-smart-contract-security/credentials/000000.json", manifest: "test/fixtures/batches/v2-smart-contract-security/manifest.json" },
];

type Json = Record<string, unknown>;
interface FieldVector { pointer: string; salt: Hex; jcs: string; valueBytes: number; valueSha256: Hex; digest: Hex }
interface LeafVector { fields: LeafFields; preimage: Hex; inner: Hex; leaf: Hex }
interface NegativeVector { name: string; rule: string; field: string; proof: Json }
interface Vectors {
  about: string;
  inputs: { course: string; learners: string; chainId: number; registry: Address; issuer: Address; credentials: typeof INPUTS };
  constants: { leafTagV3Preimage: string; leafTagV3: Hex; leafTagV1Preimage: string; leafTagV1: Hex; atomicPointers: string[]; cryptosuite: string };
  identity: { labelledSalts: { label: string; salt: string }[]; hashes: { index: number; identityType: string; identifier: string; salt: string; preimageUtf8: Hex; identityHash: string }[] };
  credential: {
    document: Json;
    fields: FieldVector[];
    sortedDigests: Hex[];
    credentialDigest: Hex;
    salts: Hex;
    facts: { achievementUri: string; holder: Address; creditsCenti: number; eqfLevel: number; awardedAt: number };
    leaf: LeafVector;
  };
  others: { index: number; document: Json; credentialDigest: Hex; leaf: LeafVector }[];
  tree: { layers: Hex[][]; root: Hex; paths: Hex[][] };
  proof: { payload: Hex; proof: MerkleDataIntegrityProof; proofValues: string[] };
  negative: NegativeVector[];
  registry: { profile: { country: string; name: string }; profileJcs: string; profileDigest: Hex; status: { index: number; word: number; bit: number; mask: Hex }[] };
  scheme1: { seed: Hex; pointer: string; hmac: Hex; salt: Hex; scheme2Salt: Hex };
  split: {
    document: Json;
    scheme2: { fields: { pointer: string; salt: Hex; jcs: string; digest: Hex }[]; credentialDigest: Hex };
    scheme1: { fields: { pointer: string; salt: Hex; digest: Hex }[]; credentialDigest: Hex };
  };
  frozen: { file: string; format: string; scheme: DisclosureScheme; seed: Hex; fieldCount: number; credentialDigest: Hex; leaf: LeafVector; path: Hex[]; root: Hex }[];
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Json;
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const sha256Hex = (data: string | Uint8Array): Hex => `0x${createHash("sha256").update(data).digest("hex")}`;
const b64urlBytes = (proofValue: string) => Buffer.from(proofValue.slice(1), "base64url");
const withProofValue = (proof: MerkleDataIntegrityProof, payload: Hex | Buffer): Json => ({
  ...proof,
  proofValue: `u${(typeof payload === "string" ? Buffer.from(payload.slice(2), "hex") : payload).toString("base64url")}`,
});

const PAYLOAD_TYPES = [
  { type: "uint8" }, { type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "bytes32" }, { type: "bytes32" }, { type: "bytes32[]" }, { type: "bytes" },
] as const;

function leafVector(fields: LeafFields): LeafVector {
  const preimage = encodeLeaf(fields);
  return { fields: plain(fields), preimage, inner: keccak256(preimage), leaf: leafHash(fields) };
}

// ------------------------------------------------------------------ the vectors, from the code

function computeVectors(): Vectors {
  const course = parseAchievement(readJson(COURSE_FILE));
  const learners = parseLearnersCsv(readFileSync(LEARNERS_FILE, "utf8"));
  const issuer = getAddress(course.awardingBody.address);
  const template = credentialTemplateV3(course, CHAIN_ID);
  const documents = INPUTS.map((input) => plain(credentialFromTemplateV3(template, learners[input.learnerRow - 1]!, input.seed, input.id)) as Json);
  const leaves = documents.map((document, index) => {
    const facts = credentialFactsV3((parseCredentialV3(document) as { data: Parameters<typeof credentialFactsV3>[0] }).data);
    const fields: LeafFields = {
      chainId: CHAIN_ID,
      registry: REGISTRY,
      issuer,
      index,
      achievementId: achievementIdOf(facts.achievementUri),
      creditsCenti: facts.creditsCenti,
      eqfLevel: facts.eqfLevel,
      awardedAt: facts.awardedAt,
      holder: facts.holder,
      credentialDigest: credentialDigest(document, INPUTS[index]!.seed, 2),
    };
    return { facts, vector: leafVector(fields) };
  });
  const tree = MerkleBatchTree.of(leaves.map((l) => l.vector.leaf));
  const flat = new Uint8Array(Buffer.concat(leaves.map((l) => Buffer.from(l.vector.leaf.slice(2), "hex"))));
  const layers = buildLayers(flat).map((layer) => Array.from({ length: layer.length / 32 }, (_, i) => `0x${Buffer.from(layer.subarray(i * 32, i * 32 + 32)).toString("hex")}` as Hex));
  const proofs = documents.map((document, index) =>
    merkleProof({
      chainId: CHAIN_ID, registry: REGISTRY, issuer, index, leaf: leaves[index]!.vector.leaf, root: tree.root, path: tree.proof(index),
      salts: saltsFromSeed(document, INPUTS[index]!.seed),
    }),
  );

  const seed = INPUTS[0]!.seed;
  const document = documents[0]!;
  const fields: FieldVector[] = sortedFields(document).map((f) => {
    const salt = saltFor(seed, f.pointer, 2);
    const value = canonicalJson(f.value);
    const jcs = canonicalJson([salt, f.pointer, f.value]);
    return { pointer: f.pointer, salt, jcs, valueBytes: Buffer.byteLength(value), valueSha256: sha256Hex(value), digest: fieldDigest(salt, f.pointer, f.value) };
  });
  const facts = leaves[0]!.facts;

  const idSalts = identitySaltsFromSeed(seed);
  const hash = (index: number, identityType: string, identifier: string, salt: string) => {
    const preimageUtf8: Hex = `0x${Buffer.from(identifier + salt, "utf8").toString("hex")}`;
    return { index, identityType, identifier, salt, preimageUtf8, identityHash: identityHash(identifier, salt) };
  };
  const chloe = learners[2]!;

  const payload: Hex = `0x${b64urlBytes(proofs[0]!.proofValue).toString("hex")}`;
  const [, chainId, registry, index, leaf, root, pathHashes, salts] = decodeAbiParameters(PAYLOAD_TYPES, payload);
  const reencode = (changes: Partial<{ version: number; index: bigint; path: Hex[]; salts: Hex }>) =>
    encodeAbiParameters(PAYLOAD_TYPES, [changes.version ?? 1, chainId, registry, changes.index ?? index, leaf, root, changes.path ?? [...pathHashes], changes.salts ?? salts]);
  const p0 = proofs[0]!;
  const PV = "proof.proofValue";
  const VM = "proof.verificationMethod";
  const refuse = (name: string, rule: string, field: string, proof: Json): NegativeVector => ({ name, rule, field, proof });
  const padded = `u${b64urlBytes(p0.proofValue).subarray(0, -1).toString("base64").replace(/\+/g, "-").replace(/\//g, "_")}`;
  const dirtyRegistry: Hex = `0x${payload.slice(2, 2 + 128)}ff${payload.slice(2 + 130)}`;
  const negative: NegativeVector[] = [
    refuse("extra property", "a property the cryptosuite does not define (here `created`)", "proof.created", { ...p0, created: "2026-06-30T00:00:00Z" }),
    refuse("purpose", "proofPurpose other than assertionMethod", "proof.proofPurpose", { ...p0, proofPurpose: "authentication" }),
    refuse("method fragment", "verificationMethod without #blockchainAccountId", VM, { ...p0, verificationMethod: p0.verificationMethod.replace(/#.*$/, "") }),
    refuse("method chain", "verificationMethod chain differs from the payload's chainId", VM, { ...p0, verificationMethod: merkleVerificationMethod(1, issuer) }),
    refuse("multibase z", "proofValue not multibase base64url (`u`)", PV, { ...p0, proofValue: `z${p0.proofValue.slice(1)}` }),
    refuse("padding", "base64url with `=` padding (here of the payload less its last byte)", PV, { ...p0, proofValue: padded }),
    refuse("non-canonical base64url", "base64url text that does not re-encode to itself (a stray trailing character)", PV, { ...p0, proofValue: `${p0.proofValue}A` }),
    refuse("version", "payload version other than 1", PV, withProofValue(p0, reencode({ version: 2 }))),
    refuse("trailing bytes", "ABI payload followed by extra bytes (not the canonical encoding)", PV, withProofValue(p0, `${payload}${"00".repeat(32)}`)),
    refuse("dirty address word", "registry word with non-zero padding bytes (not the canonical encoding)", PV, withProofValue(p0, dirtyRegistry)),
    refuse("partial salt", "salts not a whole number of 16-byte salts", PV, withProofValue(p0, reencode({ salts: salts.slice(0, -2) as Hex }))),
    refuse("index range", "index above 2^32 - 2", PV, withProofValue(p0, reencode({ index: 2n ** 32n - 1n }))),
    refuse("path length", "path of more than 64 hashes", PV, withProofValue(p0, reencode({ path: Array.from({ length: 65 }, () => leaf) }))),
  ];

  const profile = claimedIssuerProfile(document.issuer as never);
  const edge = plain(EDGE_DOCUMENT) as Json;
  const splitVectors = (scheme: DisclosureScheme) => toFields(edge, scheme)
    .map((f) => ({ f, key: Buffer.from(f.pointer, "utf8") }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ f }) => {
      const salt = saltFor(seed, f.pointer, scheme);
      return { pointer: f.pointer, salt, jcs: canonicalJson([salt, f.pointer, f.value]), digest: fieldDigest(salt, f.pointer, f.value) };
    });
  const s1 = splitVectors(1);

  const frozen = FROZEN.map(({ file }) => {
    const f = readJson(file) as { format: string; credential: Json; saltSeed: Hex; leaf: LeafFields; proof: { path: Hex[]; root: Hex } };
    const scheme: DisclosureScheme = f.format === "credstack-credential-v1" ? 1 : 2;
    const digest = credentialDigest(f.credential, f.saltSeed, scheme);
    return {
      file, format: f.format, scheme, seed: f.saltSeed, fieldCount: toFields(f.credential, scheme).length, credentialDigest: digest,
      leaf: leafVector({ ...f.leaf, credentialDigest: digest }), path: f.proof.path, root: f.proof.root,
    };
  });

  return {
    about: "Test vectors of docs/spec.md §11 (credstack credential format v3). Generated from the code by test/ts/spec-vectors.test.ts (SPEC_VECTORS=write), which checks them.",
    inputs: { course: COURSE_FILE, learners: LEARNERS_FILE, chainId: CHAIN_ID, registry: REGISTRY, issuer, credentials: INPUTS },
    constants: {
      leafTagV3Preimage: "credstack.leaf.v3", leafTagV3: LEAF_TAG_V3, leafTagV1Preimage: "credstack.leaf.v1", leafTagV1: LEAF_TAG,
      atomicPointers: [...ATOMIC_POINTERS], cryptosuite: MERKLE_CRYPTOSUITE,
    },
    identity: {
      labelledSalts: ["#identity/name", "#identity/studentId"].map((label) => ({ label, salt: labelledSalt(seed, label) })),
      hashes: [
        hash(0, "name", learners[0]!.name, idSalts.name),
        hash(0, "ext:studentId", learners[0]!.id, idSalts.studentId),
        hash(2, "name", chloe.name, identitySaltsFromSeed(INPUTS[2]!.seed).name),
      ],
    },
    credential: {
      document,
      fields,
      sortedDigests: fields.map((f) => f.digest).sort(),
      credentialDigest: digestOfFieldDigests(fields.map((f) => f.digest)),
      salts: `0x${Buffer.from(saltsFromSeed(document, seed)).toString("hex")}`,
      facts: { achievementUri: facts.achievementUri, holder: facts.holder, creditsCenti: facts.creditsCenti, eqfLevel: facts.eqfLevel, awardedAt: facts.awardedAt },
      leaf: leaves[0]!.vector,
    },
    others: [1, 2].map((i) => ({ index: i, document: documents[i]!, credentialDigest: leaves[i]!.vector.fields.credentialDigest, leaf: leaves[i]!.vector })),
    tree: { layers, root: tree.root, paths: INPUTS.map((_, i) => tree.proof(i)) },
    proof: { payload, proof: proofs[0]!, proofValues: proofs.map((p) => p.proofValue) },
    negative,
    registry: {
      profile,
      profileJcs: canonicalJson({ country: profile.country, name: profile.name }),
      profileDigest: issuerProfileDigest(profile),
      status: INPUTS.map(({ index: i }) => ({ index: i, word: i >> 8, bit: i & 0xff, mask: `0x${(1n << BigInt(i & 0xff)).toString(16).padStart(64, "0")}` as Hex })),
    },
    scheme1: {
      seed,
      pointer: "/credentialSubject/identifier/0/identityHash",
      hmac: `0x${createHmac("sha256", Buffer.from(seed.slice(2), "hex")).update("/credentialSubject/identifier/0/identityHash").digest("hex")}`,
      salt: saltFor(seed, "/credentialSubject/identifier/0/identityHash", 1),
      scheme2Salt: saltFor(seed, "/credentialSubject/identifier/0/identityHash", 2),
    },
    split: {
      document: edge,
      scheme2: { fields: splitVectors(2), credentialDigest: credentialDigest(edge, seed, 2) },
      scheme1: { fields: s1.map(({ pointer, salt, digest }) => ({ pointer, salt, digest })), credentialDigest: credentialDigest(edge, seed, 1) },
    },
    frozen,
  };
}

// ------------------------------------------------------------------ the spec's printing of them

/** `text` cut into lines of `width` characters, each after `indent`. */
const wrap = (text: string, indent: string, width = 96): string[] => {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(indent + text.slice(i, i + width));
  return lines.length ? lines : [indent];
};
/** A paragraph, word-wrapped to lines of at most 110 characters. */
const prose = (text: string, width = 110): string[] => {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line, ""];
};
const words = (hex: Hex) => Array.from({ length: (hex.length - 2) / 64 }, (_, i) => hex.slice(2 + i * 64, 2 + i * 64 + 64));
const LEAF_WORDS_V3 = ["LEAF_TAG_V3", "chainId", "registry", "issuer", "index", "achievementId", "creditsCenti", "eqfLevel", "awardedAt", "holder", "credentialDigest"];
const LEAF_WORDS_V1 = ["LEAF_TAG (v1)", ...LEAF_WORDS_V3.slice(1, 3), ...LEAF_WORDS_V3.slice(4)];
/** Longest JCS preimage printed in full; longer ones are abbreviated (the JSON file has them all). */
const FULL_JCS = 600;

function renderLeaf(v: LeafVector, names: string[]): string[] {
  return [
    "abi.encode preimage (one 32-byte word a line):",
    ...words(v.preimage).map((w, i) => `  ${w}  ${names[i]}`),
    `inner = keccak256(preimage)   ${v.inner}`,
    `leaf  = keccak256(inner)      ${v.leaf}`,
  ];
}

function renderVectors(v: Vectors): string {
  const out: string[] = [];
  const code = (lang: string, lines: string[]) => out.push("```" + lang, ...lines, "```", "");
  const c = v.credential;
  const n = c.fields.length;

  out.push("### 11.1 Inputs", "");
  out.push(...prose("The course and learner files are in the repository; everything else is given here."));
  code("", [
    `course      ${v.inputs.course}`,
    `learners    ${v.inputs.learners} (data rows 1 to 3)`,
    `chainId     ${v.inputs.chainId}`,
    `registry    ${v.inputs.registry}`,
    `issuer      ${v.inputs.issuer}   (the course's awardingBody.address)`,
    ...v.inputs.credentials.flatMap((i) => [`index ${i.index}     learner row ${i.learnerRow}, id ${i.id}`, `            seed ${i.seed}`]),
    `LEAF_TAG_V3 = keccak256("${v.constants.leafTagV3Preimage}") = ${v.constants.leafTagV3}`,
    `LEAF_TAG    = keccak256("${v.constants.leafTagV1Preimage}") = ${v.constants.leafTagV1}`,
  ]);

  out.push("### 11.2 Identity objects", "");
  out.push(...prose("Salts labelled from the seed of credential 0 (§2.4), and identity hashes (`preimage` is the UTF-8 of identifier ‖ salt):"));
  code("", [
    ...v.identity.labelledSalts.map((s) => `${s.label.padEnd(20)} SHA-256(seed ‖ UTF-8(label))[0..16] = ${s.salt}`),
    ...v.identity.hashes.flatMap((h) => [
      `credential ${h.index}, ${h.identityType}: ${JSON.stringify(h.identifier)} + ${JSON.stringify(h.salt)}`,
      `  preimage ${h.preimageUtf8}`,
      `  ${h.identityHash}`,
    ]),
  ]);

  out.push("### 11.3 The document of credential 0", "");
  out.push(...prose("As built (the `proof` property is added in §11.9). A few string values make lines longer than the rest."));
  code("json", JSON.stringify(c.document, null, 2).split("\n"));

  out.push("### 11.4 Fields, salts and field digests of credential 0", "");
  out.push(...prose(
    `The ${n} fields in \`sortedFields\` order (UTF-8 byte order of the pointers: the order of the salts in the proof). ` +
      "`salt` = SHA-256(seed ‖ UTF-8(pointer))[0..16]; `jcs` is the preimage JCS([salt, pointer, value]), cut into lines of " +
      "96 characters (join them without separator after removing the 6-space indent); `value` gives the byte length and " +
      "SHA-256 of JCS(value) alone; `digest` = SHA-256(jcs). " +
      `A preimage longer than ${FULL_JCS} characters is abbreviated (the JSON file has it whole).`,
  ));
  code("", c.fields.flatMap((f, i) => [
    `[${String(i).padStart(2)}] ${f.pointer}`,
    `     salt   ${f.salt}`,
    `     value  ${f.valueBytes} bytes, sha256 ${f.valueSha256}`,
    "     jcs",
    ...(f.jcs.length <= FULL_JCS ? wrap(f.jcs, "      ") : [...wrap(f.jcs.slice(0, 192), "      "), `      … (${Buffer.byteLength(f.jcs)} bytes in all)`]),
    `     digest ${f.digest}`,
  ]));

  out.push("### 11.5 Credential digest", "");
  out.push(...prose(`The ${n} field digests sorted (as 32-byte strings), concatenated (${32 * n} bytes), hashed with SHA-256:`));
  code("", [...c.sortedDigests.map((d, i) => `${String(i).padStart(2)}  ${d}`), `credentialDigest = ${c.credentialDigest}`]);

  out.push("### 11.6 The leaf of credential 0", "");
  out.push("Public facts read from the document (§4.2):", "");
  code("", [
    `achievementUri  ${c.facts.achievementUri}`,
    `achievementId   ${c.leaf.fields.achievementId}   (keccak256 of its UTF-8)`,
    `creditsCenti    ${c.facts.creditsCenti}`,
    `eqfLevel        ${c.facts.eqfLevel}`,
    `awardedAt       ${c.facts.awardedAt}   (${new Date(c.facts.awardedAt * 1000).toISOString().replace(".000Z", "Z")})`,
    `holder          ${c.facts.holder}`,
    `index           ${c.leaf.fields.index}`,
  ]);
  code("", renderLeaf(c.leaf, LEAF_WORDS_V3));

  out.push("### 11.7 The other leaves", "");
  out.push(...prose("Built like credential 0 from their own learner row, id and seed (their documents are in the JSON file):"));
  code("", v.others.flatMap((o) => [
    `index ${o.index}  holder           ${o.leaf.fields.holder}   awardedAt ${o.leaf.fields.awardedAt}`,
    `         credentialDigest ${o.credentialDigest}`,
    `         inner            ${o.leaf.inner}`,
    `         leaf             ${o.leaf.leaf}`,
  ]));

  out.push("### 11.8 The tree", "");
  out.push(...prose("Leaves in index order; each layer pairs neighbours with sorted-pair keccak256; an odd last node moves up unchanged."));
  code("", [
    ...v.tree.layers.flatMap((layer, level) => layer.map((node, i) => `layer ${level} node ${i}  ${node}`)),
    `root               ${v.tree.root}`,
    ...v.tree.paths.flatMap((p, i) => [`path of index ${i} (bottom-up):`, ...p.map((h) => `  ${h}`)]),
  ]);

  out.push("### 11.9 The proof of credential 0", "");
  out.push("The ABI-encoded payload, one 32-byte word a line:", "");
  const payloadWords = words(v.proof.payload);
  const pathLength = Number(BigInt(`0x${payloadWords[8]}`));
  const names = ["version", "chainId", "registry", "index", "leaf", "root", "offset of path (bytes)", "offset of salts (bytes)", "path: length",
    ...Array.from({ length: pathLength }, (_, i) => `path[${i}]`), "salts: length (bytes)"];
  code("", payloadWords.map((w, i) => `${String(i).padStart(2)}  ${w}  ${names[i] ?? `salts, bytes ${(i - names.length) * 32}–${(i - names.length) * 32 + 31}`}`));
  out.push(...prose(`proofValue = "u" + base64url (no padding) of those ${(v.proof.payload.length - 2) / 2} bytes, cut into lines of 96 characters:`));
  code("", wrap(v.proof.proof.proofValue, ""));
  out.push(...prose("The proof as it sits in the credential's `proof` array (the credential is the document of §11.3 with `\"proof\": [this]`):"));
  code("json", JSON.stringify({ ...v.proof.proof, proofValue: "u… (above)" }, null, 2).split("\n"));
  out.push(...prose("The proofValues of credentials 1 and 2 (same chain, registry, issuer and root; their own index, leaf, path and salts) are in the JSON file."));

  out.push("### 11.10 Proofs a verifier refuses", "");
  out.push(...prose("Each is the proof of §11.9 changed as said; `readMerkleProof` throws for each (field in brackets), and the verifier answers " +
    "`CS-FORMAT-MERKLE-PROOF`. The changed proofs are in the JSON file."));
  out.push(...v.negative.flatMap((x) => prose(`- ${x.name}: ${x.rule} [\`${x.field}\`]`).slice(0, -1).map((l, i) => (i ? `  ${l}` : l))), "");

  out.push("### 11.11 Registry inputs", "");
  code("", [
    `profile (JCS)    ${v.registry.profileJcs}`,
    `profileDigest    ${v.registry.profileDigest}   (keccak256 of the JCS)`,
    `verificationOf(${v.inputs.issuer},`,
    `               ${v.tree.root}, [0])`,
    ...v.registry.status.map((s) => `index ${s.index}: word ${s.word}, bit ${s.bit}, mask ${s.mask}`),
  ]);

  out.push("### 11.12 Scheme 1 salt (formats v1 and v2 wrapper files: v1 only)", "");
  code("", [
    `seed      ${v.scheme1.seed}`,
    `pointer   ${v.scheme1.pointer}`,
    `HMAC-SHA256(seed, UTF-8(pointer)) = ${v.scheme1.hmac}`,
    `scheme 1 salt (first 16 bytes)    = ${v.scheme1.salt}`,
    `scheme 2 salt of the same pointer = ${v.scheme1.scheme2Salt}`,
  ]);

  out.push("### 11.13 Field split edge cases", "");
  out.push(...prose("A document that is not a credential, salted with the seed of credential 0. `\\uFF21` (FULLWIDTH LATIN CAPITAL LETTER A) " +
    "sorts before `\\u{1F600}` (GRINNING FACE) in UTF-8 byte order (pointers) and after it in UTF-16 order (JCS object keys)."));
  code("json", JSON.stringify(v.split.document, null, 2).split("\n"));
  out.push("Scheme 2 (format v3 and v2), in `sortedFields` order:", "");
  code("", [...v.split.scheme2.fields.flatMap((f) => [`${JSON.stringify(f.pointer)}`, `  jcs    ${f.jcs}`, `  digest ${f.digest}`]), `credentialDigest ${v.split.scheme2.credentialDigest}`]);
  out.push("Scheme 1 (format v1), in the same order:", "");
  code("", [...v.split.scheme1.fields.flatMap((f) => [`${JSON.stringify(f.pointer)}`, `  salt   ${f.salt}`, `  digest ${f.digest}`]), `credentialDigest ${v.split.scheme1.credentialDigest}`]);

  out.push("### 11.14 Frozen formats v1 and v2", "");
  out.push(...prose("The first credential of each frozen fixture batch; its file holds the document, the seed, the leaf fields and the proof."));
  for (const f of v.frozen) {
    code("", [
      `${f.file}`,
      `format ${f.format}, scheme ${f.scheme}, ${f.fieldCount} fields`,
      `seed ${f.seed}`,
      `credentialDigest ${f.credentialDigest}`,
      ...renderLeaf(f.leaf, LEAF_WORDS_V1),
      `path of index ${f.leaf.fields.index} (bottom-up):`,
      ...f.path.map((h) => `  ${h}`),
      `root ${f.root}`,
    ]);
  }
  return out.join("\n").trimEnd();
}

/** The spec's generated block (between the markers), or undefined. */
function specBlock(spec: string): string | undefined {
  const from = spec.indexOf(BEGIN);
  const to = spec.indexOf(END);
  if (from < 0 || to < from) return undefined;
  return spec.slice(from + BEGIN.length, to).trim();
}

// ------------------------------------------------------------------ independent implementations (from the spec's text)

/** §3.1: the fields of a document under a scheme, in document order. */
function splitFields(document: unknown, scheme: DisclosureScheme): [string, unknown][] {
  const out: [string, unknown][] = [];
  const escape = (key: string) => key.split("~").join("~0").split("/").join("~1");
  const visit = (value: unknown, pointer: string, inArray: boolean) => {
    if (SPEC_ATOMIC.includes(pointer) || value === null || typeof value !== "object" || (scheme === 2 && inArray)) return void out.push([pointer, value]);
    const children: [string, unknown][] = Array.isArray(value) ? value.map((c, i) => [String(i), c]) : Object.entries(value);
    if (children.length === 0) return void out.push([pointer, value]);
    for (const [key, child] of children) visit(child, `${pointer}/${escape(key)}`, Array.isArray(value));
  };
  visit(document, "", false);
  return out;
}
const byUtf8 = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => Buffer.compare(Buffer.from(key(a), "utf8"), Buffer.from(key(b), "utf8")));
const salt2 = (seed: Hex, pointer: string): Hex => `0x${createHash("sha256").update(Buffer.from(seed.slice(2), "hex")).update(pointer, "utf8").digest().subarray(0, 16).toString("hex")}`;
const salt1 = (seed: Hex, pointer: string): Hex => `0x${createHmac("sha256", Buffer.from(seed.slice(2), "hex")).update(pointer, "utf8").digest().subarray(0, 16).toString("hex")}`;
const digestOf = (salt: Hex, pointer: string, value: unknown): Hex => sha256Hex(canonicalize([salt, pointer, value])!);
const joinDigests = (digests: Hex[]): Hex => sha256Hex(Buffer.concat(digests.map((d) => Buffer.from(d.slice(2), "hex")).sort(Buffer.compare)));
function independentDigest(document: unknown, seed: Hex, scheme: DisclosureScheme): Hex {
  return joinDigests(splitFields(document, scheme).map(([p, v]) => digestOf(scheme === 1 ? salt1(seed, p) : salt2(seed, p), p, v)));
}
const LEAF_TYPES_V3 = ["bytes32", "uint256", "address", "address", "uint256", "bytes32", "uint32", "uint8", "uint40", "address", "bytes32"].map((type) => ({ type }));
function independentLeaf(f: LeafFields): { preimage: Hex; leaf: Hex } {
  const v3 = f.issuer !== undefined;
  const types = v3 ? LEAF_TYPES_V3 : LEAF_TYPES_V3.filter((_, i) => i !== 3);
  const tag = keccak256(stringToBytes(v3 ? "credstack.leaf.v3" : "credstack.leaf.v1"));
  const values = [tag, BigInt(f.chainId), f.registry, ...(v3 ? [f.issuer!] : []), BigInt(f.index), f.achievementId, f.creditsCenti, f.eqfLevel, f.awardedAt, f.holder, f.credentialDigest];
  const preimage = encodeAbiParameters(types, values);
  return { preimage, leaf: keccak256(keccak256(preimage)) };
}
/** §4.2, from the document alone. */
function independentFacts(document: Json) {
  const subject = document.credentialSubject as { id: string; creditsEarned: number; achievement: { id: string; alignment: { targetType?: string; targetUrl: string }[] } };
  const eqf = subject.achievement.alignment.filter((a) => a.targetType === "ext:EQFLevel");
  expect(eqf).to.have.length(1);
  const [, method, namespace, chain, account] = subject.id.split(":");
  expect([method, namespace]).to.deep.equal(["pkh", "eip155"]);
  return {
    chainId: Number(chain),
    holder: getAddress(account!),
    achievementId: keccak256(stringToBytes(subject.achievement.id)),
    creditsCenti: Math.round(subject.creditsEarned * 100),
    eqfLevel: Number(/^http:\/\/data\.europa\.eu\/snb\/eqf\/([1-8])$/.exec(eqf[0]!.targetUrl)![1]),
    awardedAt: Math.floor(Date.parse(document.validFrom as string) / 1000),
  };
}
const keccakBuffer = (data: Buffer) => Buffer.from(keccak256(data).slice(2), "hex");

// ------------------------------------------------------------------ the tests

describe("docs/spec.md test vectors (credential format v3)", function () {
  this.timeout(120_000);
  const computed = computeVectors();
  if (WRITE) {
    mkdirSync(path.dirname(FIXTURE), { recursive: true });
    writeFileSync(FIXTURE, `${JSON.stringify(computed, null, 2)}\n`);
    const spec = readFileSync(SPEC, "utf8");
    const from = spec.indexOf(BEGIN);
    const to = spec.indexOf(END);
    if (from < 0 || to < from) throw new Error(`docs/spec.md lacks the markers ${BEGIN} … ${END}`);
    writeFileSync(SPEC, `${spec.slice(0, from + BEGIN.length)}\n${renderVectors(computed)}\n${spec.slice(to)}`);
  }
  const v = JSON.parse(readFileSync(FIXTURE, "utf8")) as Vectors;
  const seed0 = v.inputs.credentials[0]!.seed;

  it("the code computes exactly the stored vectors (any change of a rule fails here)", () => {
    expect(computed).to.deep.equal(v);
  });

  it("docs/spec.md prints exactly the stored vectors, and every stored hash, salt and address appears in it", () => {
    const spec = readFileSync(SPEC, "utf8");
    expect(specBlock(spec), "the generated block of docs/spec.md").to.equal(renderVectors(v));
    const hexes = new Set<string>();
    const collect = (x: unknown) => {
      if (typeof x === "string" && /^0x[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$|^0x[0-9a-f]{32}$/.test(x)) hexes.add(x);
      else if (Array.isArray(x)) x.forEach(collect);
      else if (x && typeof x === "object") Object.values(x).forEach(collect);
    };
    const { negative: _negative, ...rest } = v; // the refused proofs are described in words
    collect(rest);
    expect(hexes.size).to.be.greaterThan(100);
    const missing = [...hexes].filter((h) => !spec.includes(h));
    expect(missing, "stored values the spec does not print").to.deep.equal([]);
    for (const w of words(v.proof.payload)) expect(spec).to.include(w);
    for (const line of wrap(v.proof.proof.proofValue, "")) expect(spec).to.include(line);
  });

  it("§2: the batch template and buildCredentialV3 build the same document, which the v3 and OB 3.0 schemas accept", () => {
    const course = parseAchievement(readJson(COURSE_FILE));
    const learner = parseLearnersCsv(readFileSync(LEARNERS_FILE, "utf8"))[0]!;
    const built = buildCredentialV3({ achievement: course, learner, target: { chainId: CHAIN_ID }, salts: identitySaltsFromSeed(seed0), id: v.inputs.credentials[0]!.id });
    expect(plain(built)).to.deep.equal(v.credential.document);
    expect(parseCredentialV3(v.credential.document).success).to.equal(true);
    expect(validateOpenBadgeCredential({ ...v.credential.document, proof: [v.proof.proof] })).to.deep.equal([]);
    expect((v.credential.document.issuer as { id: string }).id).to.equal(`did:pkh:eip155:${CHAIN_ID}:${v.inputs.issuer}`);
  });

  it("§2.4: identity salts and hashes (node:crypto)", () => {
    for (const s of v.identity.labelledSalts) expect(salt2(seed0, s.label).slice(2)).to.equal(s.salt);
    for (const h of v.identity.hashes) {
      expect(Buffer.from(h.preimageUtf8.slice(2), "hex").toString("utf8")).to.equal(h.identifier + h.salt);
      expect(h.identityHash).to.equal(`sha256$${createHash("sha256").update(h.identifier + h.salt, "utf8").digest("hex")}`);
      const document = h.index === 0 ? v.credential.document : v.others.find((o) => o.index === h.index)!.document;
      const objects = (document.credentialSubject as { identifier: Json[] }).identifier;
      expect(objects).to.deep.include({ type: "IdentityObject", identityType: h.identityType, hashed: true, identityHash: h.identityHash, salt: h.salt });
    }
  });

  it("§3.1: the field split, by an independent splitter (scheme 2 and 1), on the credential and the edge cases", () => {
    expect([...ATOMIC_POINTERS]).to.deep.equal(SPEC_ATOMIC);
    const pointers = (fields: [string, unknown][]) => byUtf8(fields, ([p]) => p).map(([p]) => p);
    expect(pointers(splitFields(v.credential.document, 2))).to.deep.equal(v.credential.fields.map((f) => f.pointer));
    expect(pointers(splitFields(v.split.document, 2))).to.deep.equal(v.split.scheme2.fields.map((f) => f.pointer));
    expect(pointers(splitFields(v.split.document, 1))).to.deep.equal(v.split.scheme1.fields.map((f) => f.pointer));
    // the UTF-8 order of pointers is not JavaScript's (UTF-16) string order
    const edge = v.split.scheme2.fields.map((f) => f.pointer);
    expect(edge.indexOf("/\uFF21")).to.be.lessThan(edge.indexOf("/\u{1F600}"));
    expect([...edge].sort().indexOf("/\uFF21")).to.be.greaterThan([...edge].sort().indexOf("/\u{1F600}"));
    for (const [pointer, value] of splitFields(v.credential.document, 2)) {
      const f = v.credential.fields.find((x) => x.pointer === pointer)!;
      expect(JSON.parse(f.jcs)).to.deep.equal([f.salt, pointer, value]);
    }
  });

  it("§3.2–3.4: salts, JCS preimages, field digests and the credential digest (node:crypto + canonicalize)", () => {
    const c = v.credential;
    const values = new Map(splitFields(c.document, 2));
    for (const f of c.fields) {
      const value = values.get(f.pointer);
      expect(salt2(seed0, f.pointer), f.pointer).to.equal(f.salt);
      expect(canonicalize([f.salt, f.pointer, value]), f.pointer).to.equal(f.jcs);
      expect(sha256Hex(f.jcs)).to.equal(f.digest);
      expect(sha256Hex(canonicalize(value)!)).to.equal(f.valueSha256);
      expect(Buffer.byteLength(canonicalize(value)!)).to.equal(f.valueBytes);
    }
    expect([...c.sortedDigests]).to.deep.equal(c.fields.map((f) => f.digest).sort((a, b) => Buffer.compare(Buffer.from(a.slice(2), "hex"), Buffer.from(b.slice(2), "hex"))));
    expect(sha256Hex(Buffer.concat(c.sortedDigests.map((d) => Buffer.from(d.slice(2), "hex"))))).to.equal(c.credentialDigest);
    expect(independentDigest(c.document, seed0, 2)).to.equal(c.credentialDigest);
    expect(c.salts).to.equal(`0x${c.fields.map((f) => f.salt.slice(2)).join("")}`);
    // the code: from the seed, from the proof's salts, from field digests in any order
    expect(credentialDigest(c.document, seed0, 2)).to.equal(c.credentialDigest);
    expect(credentialDigestWithSalts(c.document, Buffer.from(c.salts.slice(2), "hex"))).to.equal(c.credentialDigest);
    expect(digestOfFieldDigests([...c.fields].reverse().map((f) => f.digest.toUpperCase().replace("0X", "0x") as Hex))).to.equal(c.credentialDigest);
    for (const [i, o] of v.others.entries()) expect(independentDigest(o.document, v.inputs.credentials[i + 1]!.seed, 2)).to.equal(o.credentialDigest);
    // the edge cases, both schemes
    const edgeValues2 = new Map(splitFields(v.split.document, 2));
    for (const f of v.split.scheme2.fields) {
      expect(salt2(seed0, f.pointer)).to.equal(f.salt);
      expect(canonicalize([f.salt, f.pointer, edgeValues2.get(f.pointer)])).to.equal(f.jcs);
      expect(sha256Hex(f.jcs)).to.equal(f.digest);
    }
    const edgeValues1 = new Map(splitFields(v.split.document, 1));
    for (const f of v.split.scheme1.fields) {
      expect(salt1(seed0, f.pointer)).to.equal(f.salt);
      expect(digestOf(f.salt, f.pointer, edgeValues1.get(f.pointer))).to.equal(f.digest);
    }
    expect(independentDigest(v.split.document, seed0, 2)).to.equal(v.split.scheme2.credentialDigest);
    expect(independentDigest(v.split.document, seed0, 1)).to.equal(v.split.scheme1.credentialDigest);
  });

  it("§3.5: scheme 1's salt is HMAC-SHA256(seed, pointer) truncated to 16 bytes", () => {
    const s = v.scheme1;
    expect(`0x${createHmac("sha256", Buffer.from(s.seed.slice(2), "hex")).update(s.pointer).digest("hex")}`).to.equal(s.hmac);
    expect(s.salt).to.equal(s.hmac.slice(0, 34));
    expect(salt1(s.seed, s.pointer)).to.equal(s.salt);
    expect(salt2(s.seed, s.pointer)).to.equal(s.scheme2Salt);
    expect(saltFor(s.seed, s.pointer, 1)).to.equal(s.salt);
  });

  it("§4: the leaves (viem encodeAbiParameters + keccak256, facts read from the document independently)", () => {
    for (const [i, document, leaf] of [[0, v.credential.document, v.credential.leaf], ...v.others.map((o) => [o.index, o.document, o.leaf] as const)] as const) {
      const facts = independentFacts(document);
      expect(facts.chainId).to.equal(v.inputs.chainId);
      expect(leaf.fields).to.deep.equal({
        chainId: v.inputs.chainId, registry: v.inputs.registry, issuer: v.inputs.issuer, index: i,
        achievementId: facts.achievementId, creditsCenti: facts.creditsCenti, eqfLevel: facts.eqfLevel, awardedAt: facts.awardedAt, holder: facts.holder,
        credentialDigest: i === 0 ? v.credential.credentialDigest : v.others.find((o) => o.index === i)!.credentialDigest,
      });
      const independent = independentLeaf(leaf.fields);
      expect(independent.preimage).to.equal(leaf.preimage);
      expect(keccak256(leaf.preimage)).to.equal(leaf.inner);
      expect(independent.leaf).to.equal(leaf.leaf);
      expect((leaf.preimage.length - 2) / 2).to.equal(352);
    }
    expect(keccak256(stringToBytes(v.constants.leafTagV3Preimage))).to.equal(v.constants.leafTagV3);
    expect(keccak256(stringToBytes(v.constants.leafTagV1Preimage))).to.equal(v.constants.leafTagV1);
  });

  it("§4: the batch builder (draftLearnerV3) puts the same public facts in the leaf as a verifier reads from the document", () => {
    const course = parseAchievement(readJson(COURSE_FILE));
    const learners = parseLearnersCsv(readFileSync(LEARNERS_FILE, "utf8"));
    const template = credentialTemplateV3(course, CHAIN_ID);
    for (const input of v.inputs.credentials) {
      const draft = draftLearnerV3(template, learners[input.learnerRow - 1]!, input.index, { chainId: CHAIN_ID, registry: REGISTRY, issuer: v.inputs.issuer }, input.seed);
      const expected = input.index === 0 ? v.credential.leaf.fields : v.others.find((o) => o.index === input.index)!.leaf.fields;
      // the draft's id is random: everything but the digest is the same
      expect({ ...draft.leaf, credentialDigest: null }).to.deep.equal({ ...expected, credentialDigest: null });
      expect(draft.leaf.credentialDigest).to.equal(credentialDigest(draft.credential, input.seed, 2));
    }
  });

  it("§5: the tree and paths (merkletreejs sortPairs, and the sorted-pair fold)", () => {
    const leaves = v.tree.layers[0]!;
    expect(leaves).to.deep.equal([v.credential.leaf.leaf, ...v.others.map((o) => o.leaf.leaf)]);
    const theirs = new MerkleTree(leaves, keccakBuffer, { sortPairs: true });
    expect(theirs.getHexRoot()).to.equal(v.tree.root);
    leaves.forEach((leaf, i) => expect(theirs.getHexProof(leaf, i)).to.deep.equal(v.tree.paths[i]));
    const pair = (a: Hex, b: Hex): Hex => keccak256(`0x${[a.slice(2), b.slice(2)].sort().join("")}`);
    expect(v.tree.layers[1]).to.deep.equal([pair(leaves[0]!, leaves[1]!), leaves[2]]);
    expect(v.tree.layers[2]).to.deep.equal([v.tree.root]);
    leaves.forEach((leaf, i) => {
      expect(v.tree.paths[i]!.reduce(pair, leaf)).to.equal(v.tree.root);
      const node = processProof(Buffer.from(leaf.slice(2), "hex"), v.tree.paths[i]!.map((h) => Buffer.from(h.slice(2), "hex")));
      expect(`0x${Buffer.from(node).toString("hex")}`).to.equal(v.tree.root);
    });
  });

  it("§6: the proof payload (viem decodeAbiParameters of the base64url proofValue) and the proof's fixed properties", () => {
    const proofs = v.proof.proofValues;
    expect(v.proof.proof.proofValue).to.equal(proofs[0]);
    expect(`0x${b64urlBytes(proofs[0]!).toString("hex")}`).to.equal(v.proof.payload);
    expect(v.proof.proof).to.deep.equal({
      type: "DataIntegrityProof", cryptosuite: "credstack-merkle-2026", proofPurpose: "assertionMethod",
      verificationMethod: `did:pkh:eip155:${v.inputs.chainId}:${v.inputs.issuer}#blockchainAccountId`, proofValue: proofs[0],
    });
    proofs.forEach((proofValue, i) => {
      expect(proofValue).to.match(/^u[A-Za-z0-9_-]+$/);
      const bytes = b64urlBytes(proofValue);
      expect(bytes.toString("base64url")).to.equal(proofValue.slice(1));
      const [version, chainId, registry, index, leaf, root, pathHashes, salts] = decodeAbiParameters(PAYLOAD_TYPES, `0x${bytes.toString("hex")}`);
      const expectedLeaf = i === 0 ? v.credential.leaf.leaf : v.others.find((o) => o.index === i)!.leaf.leaf;
      const document = i === 0 ? v.credential.document : v.others.find((o) => o.index === i)!.document;
      expect([version, chainId, getAddress(registry), index, leaf, root, [...pathHashes]]).to.deep.equal([1, 31337n, v.inputs.registry, BigInt(i), expectedLeaf, v.tree.root, v.tree.paths[i]]);
      const sortedPointers = byUtf8(splitFields(document, 2), ([p]) => p).map(([p]) => p);
      expect(salts).to.equal(`0x${sortedPointers.map((p) => salt2(v.inputs.credentials[i]!.seed, p).slice(2)).join("")}`);
      expect(encodeAbiParameters(PAYLOAD_TYPES, [version, chainId, registry, index, leaf, root, pathHashes, salts])).to.equal(`0x${bytes.toString("hex")}`);
      // the code reads it back into the same leaf
      const record = recordFromVerifiableCredential({ ...document, proof: [{ ...v.proof.proof, proofValue }] });
      expect(record.leaf).to.deep.equal(i === 0 ? v.credential.leaf.fields : v.others.find((o) => o.index === i)!.leaf.fields);
      expect(record.proof).to.deep.equal({ leaf: expectedLeaf, index: i, path: v.tree.paths[i], root: v.tree.root });
    });
  });

  it("§6.3: every refused proof is refused, naming its field, and the verifier says CS-FORMAT-MERKLE-PROOF", async () => {
    expect(v.negative.length).to.be.greaterThan(10);
    for (const x of v.negative) {
      let error: unknown;
      try {
        readMerkleProof(x.proof);
      } catch (e) {
        error = e;
      }
      expect(error, x.name).to.be.instanceOf(MerkleProofError);
      expect((error as MerkleProofError).field, x.name).to.equal(x.field);
      const report = await verifyCredential({ ...v.credential.document, proof: [x.proof] }, { offline: true });
      expect(report.checks[0]!.code, x.name).to.equal("CS-FORMAT-MERKLE-PROOF");
    }
    // the proof set: an array holding exactly one credstack Merkle proof; other proofs are left alone
    const good = v.proof.proof;
    const other = { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofPurpose: "assertionMethod", verificationMethod: "did:key:z6Mk#z6Mk", proofValue: "z1" };
    expect(() => splitVerifiableCredential({ ...v.credential.document, proof: good })).to.throw(MerkleProofError);
    expect(() => splitVerifiableCredential({ ...v.credential.document, proof: [good, good] })).to.throw(MerkleProofError);
    expect(splitVerifiableCredential({ ...v.credential.document, proof: [other, good] }).otherProofs).to.deep.equal([other]);
  });

  it("§8: the three credentials verify offline, and altering the document fails integrity with the stable codes", async () => {
    const at = new Date("2027-01-01T00:00:00Z");
    const vcs = [v.credential.document, ...v.others.map((o) => o.document)].map((document, i) => ({ ...document, proof: [{ ...v.proof.proof, proofValue: v.proof.proofValues[i]! }] }));
    for (const vc of vcs) {
      const report = await verifyCredential(vc, { offline: true, at });
      expect(report.checks.map((c) => c.code)).to.deep.equal([
        "CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-VALID", "CS-SKIPPED-OFFLINE", "CS-SKIPPED-OFFLINE", "CS-SKIPPED-OFFLINE", "CS-VALIDITY-VALID",
      ]);
      expect(report.checks.map((c) => c.id)).to.deep.equal([...CHECK_IDS]);
    }
    const vc = vcs[0]! as unknown as Json & { credentialSubject: Json };
    const codeOf = async (changed: Json, id = "integrity") => (await verifyCredential(changed, { offline: true, at })).checks.find((c) => c.id === id)!.code;
    expect(await codeOf({ ...vc, name: "Smart Contract Security!" })).to.equal("CS-INTEGRITY-LEAF-MISMATCH");
    expect(await codeOf({ ...vc, description: "an added field" })).to.equal("CS-INTEGRITY-DIGEST-MISMATCH");
    expect(await codeOf({ ...vc, credentialSubject: { ...vc.credentialSubject, id: `did:pkh:eip155:1:${getAddress(v.credential.facts.holder)}` } })).to.equal("CS-INTEGRITY-FACTS-MISMATCH");
    expect(await codeOf({ ...vc, proof: [{ ...v.proof.proof, proofValue: v.proof.proofValues[1] }] })).to.equal("CS-INTEGRITY-LEAF-MISMATCH");
  });

  it("§7.4: the profile digest and the status-word positions", () => {
    const p = v.registry.profile;
    expect(canonicalize({ name: p.name, country: p.country })).to.equal(v.registry.profileJcs);
    expect(keccak256(stringToBytes(v.registry.profileJcs))).to.equal(v.registry.profileDigest);
    const issuer = v.credential.document.issuer as { name: string; address: { addressCountryCode: string; addressRegion?: string } };
    expect(p).to.deep.equal({ name: issuer.name, country: issuer.address.addressRegion || issuer.address.addressCountryCode });
    for (const s of v.registry.status) expect(BigInt(s.mask)).to.equal(1n << BigInt(s.index % 256));
  });

  it("§3.5, §4.4: the frozen v1 and v2 fixtures (scheme 1 HMAC and scheme 2 salts, the v1 leaf tag), independently", () => {
    for (const f of v.frozen) {
      const file = readJson(f.file) as { format: string; credential: Json; saltSeed: Hex; leaf: LeafFields; proof: { leaf: Hex; path: Hex[]; root: Hex } };
      expect(f.seed).to.equal(file.saltSeed);
      expect(splitFields(file.credential, f.scheme)).to.have.length(f.fieldCount);
      expect(independentDigest(file.credential, file.saltSeed, f.scheme)).to.equal(f.credentialDigest);
      expect(file.leaf.credentialDigest).to.equal(f.credentialDigest);
      const independent = independentLeaf(file.leaf);
      expect(independent.preimage).to.equal(f.leaf.preimage);
      expect((f.leaf.preimage.length - 2) / 2).to.equal(320);
      expect(independent.leaf).to.equal(f.leaf.leaf);
      expect(file.proof.leaf).to.equal(f.leaf.leaf);
      expect(f.path.reduce((a, b) => keccak256(`0x${[a.slice(2), b.slice(2)].sort().join("")}`), f.leaf.leaf)).to.equal(f.root);
      expect((readJson(FROZEN.find((x) => x.file === f.file)!.manifest) as { root: Hex }).root).to.equal(f.root);
    }
  });

  describe("§7: on chain (Hardhat, chain 31337): CredentialLeaf.sol, OpenZeppelin MerkleProof and the registry views", () => {
    let connection: Awaited<ReturnType<typeof network.create>>;
    after(async () => connection?.close());

    it("the registry deployed first at 0x5FbDB… recomputes every leaf (leafOf), checks every proof (checkCredential) and the credentials verify VALID on all seven checks", async () => {
      connection = await network.create();
      const { viem } = connection;
      const publicClient = await viem.getPublicClient();
      const wallets = await viem.getWalletClients();
      const [admin, issuerWallet, , , operator] = wallets;
      expect(getAddress(issuerWallet!.account.address)).to.equal(v.inputs.issuer);
      expect(await publicClient.getChainId()).to.equal(v.inputs.chainId);
      const registry = await viem.deployContract("CredentialRegistry", [3 * 86_400, admin!.account.address]);
      expect(getAddress(registry.address)).to.equal(v.inputs.registry);

      const fieldsOf = (f: LeafFields) => ({
        index: BigInt(f.index), achievementId: f.achievementId, creditsCenti: f.creditsCenti, eqfLevel: f.eqfLevel, awardedAt: f.awardedAt, holder: f.holder, credentialDigest: f.credentialDigest,
      });
      const leaves = [v.credential.leaf, ...v.others.map((o) => o.leaf)];
      for (const leaf of leaves) expect(await registry.read.leafOf([v.inputs.issuer, fieldsOf(leaf.fields)])).to.equal(leaf.leaf);

      const now = Number((await publicClient.getBlock()).timestamp);
      await registry.write.grantRole([await registry.read.ACCREDITOR_ROLE(), admin!.account.address]);
      await accreditIssuer(admin!, {
        registry: registry.address, issuer: v.inputs.issuer, profileDigest: v.registry.profileDigest, maxEqfLevel: v.credential.facts.eqfLevel, validFrom: now - 60, validUntil: now + 365 * 86_400,
      });
      const consent = await signOperatorConsent(operator!, { registry: registry.address, chainId: v.inputs.chainId, issuer: v.inputs.issuer, deadline: now + 3_600 });
      await addOperator(issuerWallet!, { registry: registry.address, consent });
      const anchored = await anchorBatch(operator!, { registry: registry.address, root: v.tree.root, leafCount: leaves.length, manifestDigest: v.tree.root });

      for (const [i, leaf] of leaves.entries()) {
        const [state, recomputed] = await registry.read.checkCredential([v.inputs.issuer, v.tree.root, fieldsOf(leaf.fields), v.tree.paths[i]!]);
        expect([state, recomputed]).to.deep.equal([0, leaf.leaf]); // CredentialState.Valid
      }
      const [batch, accreditation, status] = await registry.read.verificationOf([v.inputs.issuer, v.tree.root, v.registry.status.map((s) => BigInt(s.word)).slice(0, 1)]);
      expect(batch.leafCount).to.equal(leaves.length);
      expect(accreditation.profileDigest).to.equal(v.registry.profileDigest);
      expect(status[0]!.revoked).to.equal(0n);

      const at = new Date((Math.max(anchored.anchoredAt, v.credential.facts.awardedAt) + 3_600) * 1000);
      for (const [i, document] of [v.credential.document, ...v.others.map((o) => o.document)].entries()) {
        const vc = { ...document, proof: [{ ...v.proof.proof, proofValue: v.proof.proofValues[i]! }] };
        const report = await verifyCredential(vc, { client: publicClient, registry: registry.address, chainId: v.inputs.chainId, at });
        expect(report.checks.map((c) => c.code), JSON.stringify(report.checks)).to.deep.equal([
          "CS-FORMAT-VALID", "CS-INTEGRITY-VALID", "CS-INCLUSION-VALID", "CS-ANCHOR-VALID", "CS-ACCREDITATION-VALID", "CS-STATUS-VALID", "CS-VALIDITY-VALID",
        ]);
      }
    });
  });
});
