import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAchievement, type Achievement } from "../../../src/credential/schema.js";
import { parseLearnersCsv } from "../../../src/batch/learners-csv.js";

export const COURSE_FILE = path.resolve("seeds/courses/smart-contract-security.json");
export const LEARNERS_FILE = path.resolve("seeds/learners/smart-contract-security.csv");

/** The raw seed course (unvalidated JSON), a fresh copy each call. */
export const rawCourse = (): Record<string, unknown> => JSON.parse(readFileSync(COURSE_FILE, "utf8"));
export const course = (): Achievement => parseAchievement(rawCourse());
export const learnersCsv = (): string => readFileSync(LEARNERS_FILE, "utf8");
export const learners = () => parseLearnersCsv(learnersCsv());
