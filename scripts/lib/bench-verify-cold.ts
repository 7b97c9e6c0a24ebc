/**
 * The "first call of a fresh process" measurement of the verification benchmark, in its own
 * process (what `credstack verify` over many files is): loads the credentials' JSON text from a
 * file, then times one `verifyCredentials` call against the node. Prints `{ seconds, valid, invalid, error }`.
 *
 *   node --import tsx scripts/lib/bench-verify-cold.ts <texts.json> <rpc url> <registry>
 */
import { readFileSync } from "node:fs";
import { createPublicClient, http, type Address } from "viem";
import type { RegistryReadClient } from "../../src/chain/actions/index.js";
import { verifyCredentials } from "../../src/verify/index.js";

const [file, url, registry, mode] = process.argv.slice(2);
const texts = JSON.parse(readFileSync(file!, "utf8")) as string[];
const client = createPublicClient({ transport: http(url!, { batch: true }) }) as RegistryReadClient;
const t = performance.now();
const reports = await verifyCredentials(texts, mode === "offline" ? { offline: true } : { client, registry: registry as Address });
const seconds = (performance.now() - t) / 1000;
const count = (s: string) => reports.filter((r) => r.status === s).length;
console.log(JSON.stringify({ seconds, valid: count("VALID"), invalid: count("INVALID"), error: count("ERROR") }));
