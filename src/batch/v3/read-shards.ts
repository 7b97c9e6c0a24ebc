import { readFile } from "node:fs/promises";
import path from "node:path";
import { bytesToHex, type Hex } from "viem";
import { z } from "zod";
import { credentialDigest } from "../../credential/disclosure.js";
import { ValidationError } from "../../credential/errors.js";
import { toFieldIssues } from "../../credential/schema.js";
import { credentialFactsV3, parseCredentialV3 } from "../../credential/v3/facts.js";
import { buildLayers, proofOf } from "../core.js";
import { BatchFileError, type StoredCredential } from "../files.js";
import { CREDENTIAL_FORMAT_V3, type BatchManifest, type CredentialRecordV3 } from "../format.js";
import { leafFieldsV3, leafHashBytes } from "../leaf.js";
import { recordSalts } from "./credential.js";
import { restoreShared, sharedParts } from "./shard-lines.js";

const lineSchema = z
  .object({ credential: z.record(z.unknown()), saltSeed: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of 0x-hex") })
  .strict();

/** One shard line's record and leaf, its proof still to come. */
function recordOfLine(text: string, location: string, index: number, manifest: BatchManifest, shared: Readonly<Record<string, unknown>>) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BatchFileError(`Not valid JSON: ${(cause as Error).message}`, location, cause);
  }
  const line = lineSchema.safeParse(json);
  if (!line.success) throw new ValidationError(`credential ${location}`, toFieldIssues(line.error));
  const credential = restoreShared(line.data.credential, shared);
  const vc = parseCredentialV3(credential);
  if (!vc.success) throw new ValidationError(`credential ${location}`, vc.issues);
  const facts = credentialFactsV3(vc.data);
  const seed = line.data.saltSeed as Hex;
  const leaf = leafFieldsV3({ ...manifest, index }, facts, credentialDigest(credential, seed, 2));
  return { credential, salts: recordSalts(credential, seed), leaf, hash: leafHashBytes(leaf) };
}

/**
 * Streams the credentials of a v3 batch's shards from index `from` on (whole shards), as records
 * with their proofs. A shard's lines carry no proof: its leaves are recomputed from the lines, its
 * subtree built, and each proof joined with the manifest's path from the shard root to the batch
 * root when the recomputed shard root is the manifest's (otherwise the proof leads to the
 * recomputed root, and a check against the manifest says the credential is not the batch's).
 */
export async function* readShardsV3(dir: string, manifest: BatchManifest, from = 0): AsyncGenerator<StoredCredential> {
  const shared = sharedParts(manifest.shared ?? {});
  for (const shard of manifest.shards ?? []) {
    if (shard.first + shard.count <= from) continue;
    const file = path.join(dir, shard.file);
    const text = await readFile(file, "utf8").catch((cause) => Promise.reject(new BatchFileError("Cannot read shard.", file, cause)));
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    if (lines.length !== shard.count) throw new BatchFileError(`Shard holds ${lines.length} credentials, the manifest says ${shard.count}.`, file);
    const drafts = lines.map((t, i) => recordOfLine(t, `${shard.file}:${i + 1}`, shard.first + i, manifest, shared));
    const leaves = new Uint8Array(drafts.length * 32);
    drafts.forEach((d, i) => leaves.set(d.hash, i * 32));
    const layers = buildLayers(leaves);
    const shardRoot = bytesToHex(layers[layers.length - 1]!);
    const joined = shardRoot.toLowerCase() === shard.root.toLowerCase();
    for (let i = 0; i < drafts.length; i++) {
      const d = drafts[i]!;
      const record: CredentialRecordV3 = {
        format: CREDENTIAL_FORMAT_V3,
        credential: d.credential,
        salts: d.salts,
        leaf: d.leaf,
        proof: {
          leaf: bytesToHex(d.hash),
          index: d.leaf.index,
          path: [...proofOf(layers, i).map((n) => bytesToHex(n)), ...(joined ? shard.path : [])],
          root: joined ? manifest.root : shardRoot,
        },
      };
      yield { index: d.leaf.index, location: `${shard.file}:${i + 1}`, file: record };
    }
  }
}
