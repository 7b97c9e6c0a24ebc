import { concatHex, getAddress, isHex, numberToHex, size, type Address, type Hex } from "viem";
import { CredstackError } from "../credential/errors.js";

/**
 * The lean calldata encoding of several credentials of one holder (contracts/libraries/
 * PackedCredentials.sol, docs/spec.md §13.3): issuer and achievement tables, then per credential
 * its table indices, root, public leaf fields and proof. The holder is not encoded: the contract
 * recomputes every leaf with the claimant.
 */

/** Raised when credentials cannot be packed (too many, a proof too deep, a malformed value). */
export class PackCredentialsError extends CredstackError {
  override name = "PackCredentialsError";
}

/** One credential to pack: its batch, its public leaf fields (holder aside) and its Merkle proof. */
export interface PackableCredential {
  issuer: Address;
  root: Hex;
  index: number;
  achievementId: Hex;
  creditsCenti: number;
  eqfLevel: number;
  awardedAt: number;
  credentialDigest: Hex;
  proof: readonly Hex[];
}

export interface PackCredentialsParameters {
  credentials: readonly PackableCredential[];
  /**
   * Achievement ids that open the table, in this order (a pathway's listed achievements); the
   * others follow in ascending order.
   */
  listed?: readonly Hex[];
}

/** The most entries a one-byte count or index allows, and the deepest proof. */
export const PACK_LIMITS = { issuers: 255, achievements: 255, credentials: 255, depth: 32 } as const;

/**
 * Packs credentials for the registry's `checkCredentials` and the stacking registry's `claim`:
 * issuers ascending (so each counts once), the `listed` achievement ids first in their order,
 * then the other achievement ids ascending, then the credentials in the order given.
 *
 * @example
 * const packed = packCredentials({ credentials: [a, b], listed: lists.achievements.map((l) => l.achievementId) });
 * const [states, leaves] = await client.readContract({ address: registry, abi: credentialRegistryAbi,
 *   functionName: "checkCredentials", args: [holder, packed] });
 */
export function packCredentials({ credentials, listed = [] }: PackCredentialsParameters): Hex {
  if (credentials.length > PACK_LIMITS.credentials) {
    throw new PackCredentialsError(`At most ${PACK_LIMITS.credentials} credentials fit in one claim (${credentials.length} given).`);
  }
  const issuers = [...new Set(credentials.map((c, i) => checked(() => getAddress(c.issuer), i, "issuer")))].sort(compareHex);
  const table = listed.map((id) => id.toLowerCase() as Hex);
  if (new Set(table).size !== table.length) throw new PackCredentialsError("The listed achievement ids repeat an id.");
  const extra = [...new Set(credentials.map((c) => c.achievementId.toLowerCase() as Hex))].filter((id) => !table.includes(id));
  table.push(...extra.sort(compareHex));
  if (issuers.length > PACK_LIMITS.issuers) throw new PackCredentialsError(`At most ${PACK_LIMITS.issuers} issuers fit in one claim.`);
  if (table.length > PACK_LIMITS.achievements) throw new PackCredentialsError(`At most ${PACK_LIMITS.achievements} achievements fit in one claim.`);
  const parts: Hex[] = [u(issuers.length, 1), ...issuers, u(table.length, 1), ...table.map((id, i) => word(id, `achievement ${i}`)), u(credentials.length, 1)];
  credentials.forEach((c, i) => {
    if (c.proof.length > PACK_LIMITS.depth) throw new PackCredentialsError(`Credential ${i + 1}: a proof of ${c.proof.length} levels is deeper than ${PACK_LIMITS.depth}.`);
    parts.push(
      u(issuers.indexOf(getAddress(c.issuer)), 1),
      u(table.indexOf(c.achievementId.toLowerCase() as Hex), 1),
      word(c.root, `credential ${i + 1} root`),
      checked(() => u(c.index, 4), i, "index"),
      checked(() => u(c.creditsCenti, 4), i, "creditsCenti"),
      checked(() => u(c.eqfLevel, 1), i, "eqfLevel"),
      checked(() => u(c.awardedAt, 5), i, "awardedAt"),
      word(c.credentialDigest, `credential ${i + 1} credentialDigest`),
      u(c.proof.length, 1),
      ...c.proof.map((p, j) => word(p, `credential ${i + 1} proof[${j}]`)),
    );
  });
  return concatHex(parts);
}

/** Numeric order of two hex strings (addresses, bytes32): the order the contracts compare in. */
export function compareHex(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function u(value: number, bytes: number): Hex {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * bytes)) throw new RangeError(`${value} does not fit in ${bytes} byte(s)`);
  return numberToHex(value, { size: bytes });
}

function word(value: Hex, what: string): Hex {
  if (!isHex(value, { strict: true }) || size(value) !== 32) throw new PackCredentialsError(`${what} is not 32 bytes of hex.`);
  return value.toLowerCase() as Hex;
}

function checked<T>(f: () => T, i: number, field: string): T {
  try {
    return f();
  } catch (error) {
    throw new PackCredentialsError(`Credential ${i + 1}: ${field} cannot be packed (${(error as Error).message}).`, { cause: error });
  }
}
