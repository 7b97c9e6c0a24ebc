import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Address } from "viem";
import { deploymentFile, type DeploymentRecord } from "../chain/deployments.js";
import { readAddress } from "../credential/keccak.js";
import { UsageError } from "./output.js";

/**
 * Where a verifier's trust comes from: never from the working directory. In order:
 *  1. `--trust eip155:<chainId>:<registry>` (repeatable; CAIP-10), with `--accreditor <address>`
 *     (repeatable) to trust only those accreditors on them;
 *  2. `CREDSTACK_TRUST` (CAIP-10 entries separated by commas or spaces);
 *  3. the trust file `CREDSTACK_TRUST_FILE`, else `$XDG_CONFIG_HOME/credstack/trust.json`
 *     (default `~/.config/credstack/trust.json`): `{"registries": [{"id": "eip155:…:0x…",
 *     "rpc": "https://…", "accreditors": ["0x…"]}]}`;
 *  4. `--rpc` with `--registry` (the chain is the node's);
 *  5. the local development deployment that `credstack chain start` recorded in
 *     `$CREDSTACK_HOME` (default `~/.credstack`), and only when its RPC URL is on this machine.
 */

/** One trusted registry. */
export interface TrustEntry {
  /** Unset only for `--rpc` + `--registry`, where the node's chain is taken. */
  chainId?: number;
  registry: Address;
  /** When set, only issuers accredited by these count. */
  accreditors?: Address[];
  /** The RPC URL to read it through (else `--rpc`). */
  rpc?: string;
  /** Where the entry came from, for the report. */
  source: string;
}

/**
 * A CAIP-10 account id of an EVM registry, `eip155:<chainId>:<address>`; mixed-case addresses must
 * carry a valid EIP-55 checksum.
 *
 * @example
 * parseCaip10("eip155:31337:0x5FbDB2315678afecb367f032d93F642f64180aa3", "--trust"); // { chainId: 31337, registry: "0x5FbD…" }
 */
export function parseCaip10(value: string, what: string): { chainId: number; registry: Address } {
  const m = /^eip155:([1-9][0-9]{0,15}):(0x[0-9a-fA-F]{40})$/.exec(value.trim());
  if (!m) throw new UsageError(`${what} must be a CAIP-10 id eip155:<chainId>:<registry address>, got ${JSON.stringify(value)}.`);
  const chainId = Number(m[1]);
  if (!Number.isSafeInteger(chainId)) throw new UsageError(`${what}: chain id ${m[1]} is too large.`);
  return { chainId, registry: trustedAddress(m[2]!, `${what}:`) };
}

/**
 * An address of a trust setting, checksummed, by the rules of every address credstack reads
 * ({@link readAddress}): 0x + 40 hex digits, not the zero address, a right EIP-55 checksum when
 * mixed case. `what` names the setting in the message.
 */
function trustedAddress(value: string, what: string): Address {
  const address = readAddress(value);
  if (address.ok) return address.address;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value) || /^0x0{40}$/.test(value)) {
    throw new UsageError(`${what.replace(/:$/, "")} is not an address: ${JSON.stringify(value)}.`);
  }
  throw new UsageError(`${what} ${value} has a ${address.reason}.`);
}

function parseAccreditors(values: readonly string[] | undefined, what: string): Address[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.map((v) => trustedAddress(v, what));
}

/** The trust file's path. */
export function trustFile(): string {
  if (process.env.CREDSTACK_TRUST_FILE) return process.env.CREDSTACK_TRUST_FILE;
  const config = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(config, "credstack", "trust.json");
}

async function readTrustFile(file: string): Promise<TrustEntry[] | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new UsageError(`Cannot read the trust file ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`The trust file ${file} is not valid JSON.`);
  }
  const list = (data as { registries?: unknown }).registries;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`The trust file ${file} must hold {"registries": [{"id": "eip155:<chainId>:<address>", …}]}.`);
  return list.map((entry: unknown, i: number) => {
    const e = entry as { id?: unknown; rpc?: unknown; accreditors?: unknown };
    if (typeof e.id !== "string") throw new UsageError(`${file}: registries[${i}].id must be a CAIP-10 id.`);
    if (e.rpc !== undefined && (typeof e.rpc !== "string" || !/^https?:\/\//.test(e.rpc))) throw new UsageError(`${file}: registries[${i}].rpc must be an http(s) URL.`);
    if (e.accreditors !== undefined && !Array.isArray(e.accreditors)) throw new UsageError(`${file}: registries[${i}].accreditors must be a list of addresses.`);
    const accreditors = parseAccreditors(e.accreditors as string[] | undefined, `${file}: registries[${i}].accreditors`);
    return {
      ...parseCaip10(e.id, `${file}: registries[${i}].id`),
      ...(accreditors ? { accreditors } : {}),
      ...(typeof e.rpc === "string" ? { rpc: e.rpc } : {}),
      source: `the trust file ${file}`,
    };
  });
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]", "::1"];

/**
 * The registries a verification trusts (see the module comment for the order). Throws a
 * UsageError saying how to configure trust when there is none.
 */
export async function loadTrust(
  options: { trust?: string[]; accreditor?: string[]; rpc?: string; registry?: string },
  deployment: () => Promise<DeploymentRecord | null>,
): Promise<TrustEntry[]> {
  const accreditors = parseAccreditors(options.accreditor, "--accreditor");
  const withAccreditors = (e: TrustEntry): TrustEntry => (accreditors ? { ...e, accreditors } : e);
  if (options.trust && options.trust.length > 0) {
    return options.trust.map((t) => withAccreditors({ ...parseCaip10(t, "--trust"), source: "--trust" }));
  }
  const env = process.env.CREDSTACK_TRUST?.trim();
  if (env) return env.split(/[\s,]+/).map((t) => withAccreditors({ ...parseCaip10(t, "CREDSTACK_TRUST"), source: "CREDSTACK_TRUST" }));
  const fromFile = await readTrustFile(trustFile());
  if (fromFile) return fromFile.map((e) => (accreditors ? { ...e, accreditors } : e));
  if (options.registry !== undefined && options.rpc !== undefined) {
    return [withAccreditors({ registry: trustedAddress(options.registry, "--registry"), source: "--registry" })];
  }
  const record = await deployment();
  const pinned = options.registry === undefined ? undefined : trustedAddress(options.registry, "--registry");
  if (record && LOOPBACK.includes(new URL(record.rpcUrl).hostname) && (pinned === undefined || pinned === record.registry)) {
    return [withAccreditors({ chainId: record.chainId, registry: record.registry, rpc: record.rpcUrl, source: `the local development deployment (${deploymentFile()})` })];
  }
  throw new UsageError("No trusted registry: say which registry you trust.", {
    details: [
      "Pass --trust eip155:<chainId>:<registry> (with --rpc <url>), set CREDSTACK_TRUST, or list registries in",
      `${trustFile()}; on a development machine, \`credstack chain start\` records one in ${deploymentFile()}.`,
      record ? `The deployment record there points at ${record.rpcUrl}, not at this machine, so it is not trusted.` : "",
    ]
      .filter(Boolean)
      .join(" "),
  });
}
