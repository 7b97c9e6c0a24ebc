import { readFileSync } from "node:fs";
import path from "node:path";
import { toHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { parseAchievement, type Achievement } from "../../../src/credential/schema.js";
import { parseLearnersCsv } from "../../../src/batch/learners-csv.js";

export const COURSE_FILE = path.resolve("seeds/courses/smart-contract-security.json");
export const LEARNERS_FILE = path.resolve("seeds/learners/smart-contract-security.csv");

/** The raw seed course (unvalidated JSON), a fresh copy each call. */
export const rawCourse = (): Record<string, unknown> => JSON.parse(readFileSync(COURSE_FILE, "utf8"));
export const course = (): Achievement => parseAchievement(rawCourse());
export const learnersCsv = (): string => readFileSync(LEARNERS_FILE, "utf8");
export const learners = () => parseLearnersCsv(learnersCsv());

/** Hardhat's well-known development accounts (public keys: never use them on a real chain). */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** Development account `index` (a viem HD account). */
export const devAccount = (index: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
/** The private key of development account `index`. */
export const devKey = (index: number): Hex => toHex(devAccount(index).getHdKey().privateKey!);
