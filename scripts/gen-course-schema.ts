/**
 * Writes docs/course.schema.json (the course JSON's JSON Schema, draft 2020-12) and the generated
 * tables of docs/formats.md (course fields, revocation reasons), from the zod schema and the field
 * documentation in scripts/lib/course-schema.ts. Fails, naming them, when a course field has no
 * documentation or the zod schema uses a construct without a JSON Schema translation.
 *
 *   npx tsx scripts/gen-course-schema.ts            # or: npx hardhat run scripts/gen-course-schema.ts
 *   npx tsx scripts/gen-course-schema.ts --check    # exit 1 if the committed files are stale
 *
 * The outputs are committed; test/ts/course-schema.test.ts fails when they are stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { courseJsonSchemaText, withGeneratedSections } from "./lib/course-schema.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

const outputs: [file: string, text: string][] = [];
outputs.push([path.join(ROOT, "docs/course.schema.json"), courseJsonSchemaText()]);
const formats = path.join(ROOT, "docs/formats.md");
outputs.push([formats, withGeneratedSections(await readFile(formats, "utf8"))]);

let stale = 0;
for (const [file, text] of outputs) {
  const current = await readFile(file, "utf8").catch(() => null);
  const name = path.relative(ROOT, file);
  if (current === text) console.log(`${name}: up to date`);
  else if (check) (stale++, console.error(`${name}: stale; run npx tsx scripts/gen-course-schema.ts`));
  else (await writeFile(file, text), console.log(`wrote ${name}`));
}
if (stale) process.exitCode = 1;
