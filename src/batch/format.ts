import type { Address, Hex } from "viem";
import { z } from "zod";
import type { DisclosureScheme } from "../credential/disclosure.js";

/** Format tags. A loader refuses any other. */
export const BATCH_FORMAT = "credstack-batch-v1";
/**
 * Credential formats. v1 and v2 (frozen) are credstack wrapper files `{format, credential, saltSeed,
 * leaf, proof}` (disclosure scheme 1 and 2, see credential/disclosure.ts). v3 (written now) is a bare
 * W3C VC 2.0 / OB 3.0 credential whose `proof` array holds its Merkle proof (docs/spec.md); the SDK
 * handles it as a {@link CredentialRecordV3}, whose `format` is this tag.
 */
export const CREDENTIAL_FORMAT_V2 = "credstack-credential-v2";
export const CREDENTIAL_FORMAT_V3 = "credstack-credential-v3";
/** The format new batches are built in. */
export const CREDENTIAL_FORMAT = CREDENTIAL_FORMAT_V3;
/** The wrapper-file formats (v1, v2): files with a `format` tag and the salt seed. */
export const CREDENTIAL_FORMATS = ["credstack-credential-v1", CREDENTIAL_FORMAT_V2] as const;
/** Every format a verifier reads. */
export const ALL_CREDENTIAL_FORMATS = [...CREDENTIAL_FORMATS, CREDENTIAL_FORMAT_V3] as const;

/** The disclosure scheme of a credential file format. */
export function schemeOf(format: (typeof ALL_CREDENTIAL_FORMATS)[number]): DisclosureScheme {
  return format === "credstack-credential-v1" ? 1 : 2;
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of 0x-hex") as unknown as z.ZodType<Hex>;
// viem's isAddress(v, { strict: false }), without its LRU cache (a verifier sees each holder once).
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address") as unknown as z.ZodType<Address>;

/** The public leaf fields, as stored in a credential file. */
export const leafFieldsSchema = z
  .object({
    chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    registry: address,
    // A batch holds at most 2^32 - 1 leaves (uint32 leafCount on chain).
    index: z.number().int().nonnegative().max(2 ** 32 - 2),
    achievementId: hex32,
    creditsCenti: z.number().int().nonnegative().max(2 ** 32 - 1),
    eqfLevel: z.number().int().min(1).max(8),
    awardedAt: z.number().int().nonnegative().max(2 ** 40 - 1),
    holder: address,
    credentialDigest: hex32,
  })
  .strict();

const inclusionSchema = z
  .object({ leaf: hex32, index: z.number().int().nonnegative().max(2 ** 32 - 2), path: z.array(hex32).max(64), root: hex32 })
  .strict();

/** One learner's file of format v1/v2: the credential, its salt seed, its leaf and its inclusion proof. */
export const legacyCredentialFileSchema = z
  .object({
    format: z.enum(CREDENTIAL_FORMATS),
    credential: z.record(z.unknown()),
    saltSeed: hex32,
    leaf: leafFieldsSchema,
    proof: inclusionSchema,
  })
  .strict();

/**
 * A v3 credential as the SDK handles it: the document (without `proof`), its field salts (16 bytes
 * each, in sorted-pointer order, as hex), its leaf (which binds the issuer) and its inclusion proof.
 * {@link toVerifiableCredential} turns it into the bare VC a learner receives; `readVerifiableCredential` back.
 */
export const credentialRecordV3Schema = z
  .object({
    format: z.literal(CREDENTIAL_FORMAT_V3),
    credential: z.record(z.unknown()),
    salts: z.string().regex(/^0x([0-9a-fA-F]{32})+$/, "expected 16-byte salts as 0x-hex") as unknown as z.ZodType<Hex>,
    leaf: leafFieldsSchema.extend({ issuer: address }).strict(),
    proof: inclusionSchema,
  })
  .strict();

export const credentialFileSchema = z.union([legacyCredentialFileSchema, credentialRecordV3Schema]);

export type LegacyCredentialFile = z.infer<typeof legacyCredentialFileSchema>;
export type CredentialRecordV3 = z.infer<typeof credentialRecordV3Schema>;
/** A credential of any format, as the SDK handles it. */
export type CredentialFile = LegacyCredentialFile | CredentialRecordV3;

/**
 * One JSON Lines shard of a large batch: `count` credential files, one per line, from index
 * `first`. Shards are aligned power-of-two runs of the tree, so each is a subtree: a line's proof
 * leads to the shard's `root`, and `path` leads that root to the batch root. Readers join the two
 * ({@link readCredentials}, {@link extractCredential}), so what they hand out is always a complete
 * credential file whose proof leads to the anchored root.
 */
export const shardSchema = z
  .object({
    file: z.string().regex(/^shards\/[0-9]+\.jsonl$/),
    first: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    root: hex32,
    path: z.array(hex32).max(32),
  })
  .strict();

export type Shard = z.infer<typeof shardSchema>;

/**
 * The batch manifest: what the issuer keeps, and what gets anchored (its root). The credentials are
 * either one file each (`files`, ordinary batches) or JSON Lines shards (`shards`, large batches),
 * never both.
 */
export const manifestSchema = z
  .object({
    format: z.literal(BATCH_FORMAT),
    root: hex32,
    leafCount: z.number().int().positive().max(2 ** 32 - 1),
    issuer: address,
    chainId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    registry: address,
    achievementId: hex32,
    achievement: z.string().url(),
    created: z.string().datetime(),
    /** The format of the batch's credentials: v3; absent in batches of v1/v2 files (their files say). */
    credentialFormat: z.literal(CREDENTIAL_FORMAT_V3).optional(),
    /**
     * v3 shards: the parts every credential shares, by JSON Pointer (stored once here, not on every
     * line; a line marks each with `null`).
     */
    shared: z.record(z.unknown()).optional(),
    /** Credential files, in index order, relative to the batch directory. */
    files: z.array(z.string().regex(/^credentials\/[0-9]+\.json$/)).optional(),
    /** JSON Lines shards, in index order, relative to the batch directory. */
    shards: z.array(shardSchema).optional(),
    anchor: z
      .object({ txHash: hex32, blockNumber: z.number().int().nonnegative(), anchoredAt: z.number().int().nonnegative() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.files === undefined) === (m.shards === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["files"], message: "a manifest lists either files or shards (exactly one)" });
      return;
    }
    const listed = m.files ? m.files.length : m.shards!.reduce((n, s) => n + s.count, 0);
    if (listed !== m.leafCount) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [m.files ? "files" : "shards"], message: `lists ${listed} credentials for ${m.leafCount} leaves` });
    m.shards?.forEach((s, i) => {
      const expected = i === 0 ? 0 : m.shards![i - 1]!.first + m.shards![i - 1]!.count;
      if (s.first !== expected) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["shards", i, "first"], message: `expected ${expected} (shards are contiguous, in index order)` });
    });
  });

export type BatchManifest = z.infer<typeof manifestSchema>;
