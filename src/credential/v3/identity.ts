import { hash, randomBytes } from "node:crypto";
import { ValidationError } from "../errors.js";
import { STUDENT_ID_IDENTITY_TYPE } from "../credential.js";

/**
 * The salts of a learner's hashed identity objects: one each for the name and the student number.
 * The issuer draws them ({@link newIdentitySalts}) and the credential carries them beside the hash,
 * as OB 3.0 defines (`IdentityObject.salt`): the salt stops a precomputed table, not a guess of a
 * known name. They are not the Merkle salt seed, which never enters a v3 document.
 */
export interface IdentitySalts {
  name: string;
  studentId: string;
}

/** An OB 3.0 `IdentityObject` with a hashed identifier. */
export interface HashedIdentityObject {
  type: "IdentityObject";
  identityType: string;
  hashed: true;
  identityHash: string;
  salt: string;
}

/** Fewest characters a salt may have (a fresh one has 32 hex digits: 128 bits). */
export const MIN_SALT_LENGTH = 16;

/** Fresh identity salts: 128 bits from the CSPRNG each, as 32 lowercase hex digits. */
export function newIdentitySalts(): IdentitySalts {
  return { name: randomBytes(16).toString("hex"), studentId: randomBytes(16).toString("hex") };
}

/**
 * OB 3.0 `IdentityHash`: `sha256$` and the hex SHA-256 of the UTF-8 identifier with the salt appended.
 *
 * @example
 * identityHash("S1001", "9f1c…"); // "sha256$" + hex(sha256(utf8("S1001" + "9f1c…")))
 */
export function identityHash(identifier: string, salt: string): string {
  return `sha256$${hash("sha256", identifier + salt, "hex")}`;
}

/** A hashed identity object of `identifier` (type `identityType`) with its salt. */
export function hashedIdentity(identityType: string, identifier: string, salt: string): HashedIdentityObject {
  return { type: "IdentityObject", identityType, hashed: true, identityHash: identityHash(identifier, salt), salt };
}

/**
 * The learner's identity objects in a v3 credential, hashed: the name (`name`) and the student
 * number (`ext:studentId`), as v2 lists them in plain text. Throws a {@link ValidationError} for a
 * salt shorter than {@link MIN_SALT_LENGTH} or the two salts being equal.
 *
 * @example
 * learnerIdentities({ id: "S1001", name: "Ada Jansen" }, newIdentitySalts())[1].identityType; // "ext:studentId"
 */
export function learnerIdentities(learner: { id: string; name: string }, salts: IdentitySalts): HashedIdentityObject[] {
  const issues = (["name", "studentId"] as const)
    .filter((k) => typeof salts[k] !== "string" || salts[k].length < MIN_SALT_LENGTH)
    .map((k) => ({ field: `salts.${k}`, message: `a salt needs at least ${MIN_SALT_LENGTH} characters (newIdentitySalts draws 32 hex digits)` }));
  if (issues.length === 0 && salts.name === salts.studentId) issues.push({ field: "salts", message: "the two salts must differ" });
  if (issues.length) throw new ValidationError("identity salts", issues);
  return [hashedIdentity("name", learner.name, salts.name), hashedIdentity(STUDENT_ID_IDENTITY_TYPE, learner.id, salts.studentId)];
}
