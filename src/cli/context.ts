import { readFile, stat } from "node:fs/promises";
import { createPublicClient, createWalletClient, defineChain, http, type Address, type Chain, type LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { nodeChainId, type RegistryReadClient, type RegistryWalletClient } from "../chain/actions/index.js";
import { readDeployment, DeploymentNotFoundError, deploymentFile, type DeploymentRecord } from "../chain/deployments.js";
import { readIsoDate } from "../credential/dates.js";
import { readAddress } from "../credential/keccak.js";
import { UsageError } from "./output.js";

/**
 * What every command shares: the global options, the local deployment record, the RPC clients and
 * the signing key. The key is read only by commands that sign, held in memory, and never printed.
 */

/** The global options (`credstack --help`). */
export interface GlobalOptions {
  rpc?: string;
  registry?: string;
  keystore?: string;
  json?: boolean;
}

/** The deployment record written by `credstack chain start` / `npm run chain`, or null when there is none. */
export async function localDeployment(): Promise<DeploymentRecord | null> {
  try {
    return await readDeployment();
  } catch (error) {
    if (error instanceof DeploymentNotFoundError) return null;
    throw error;
  }
}

/**
 * An address argument, checksummed; a UsageError naming the option when it is not an address, is the
 * zero address, or is mixed case with a wrong EIP-55 checksum (all-lowercase or all-uppercase hex is fine).
 */
export function parseAddress(value: string, what: string): Address {
  const address = readAddress(value);
  if (!address.ok) throw new UsageError(`${what} is not a usable address: ${JSON.stringify(value)}: ${address.reason}.`);
  return address.address;
}

/** An integer argument within [min, max]. */
export function parseInteger(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  }
  return n;
}

/**
 * A date argument as unix seconds: an ISO 8601 date (midnight UTC) or a date-time with its offset, a
 * real calendar day from 1970 on ({@link readIsoDate}); a UsageError naming the option otherwise.
 */
export function parseDate(value: string, what: string): number {
  const date = readIsoDate(value);
  if (!date.ok) {
    const expected = "an ISO 8601 date such as 2031-06-30 or a date-time such as 2031-06-30T12:00:00Z";
    throw new UsageError(`${what} must be ${expected}, got ${JSON.stringify(value)}: ${date.reason}.`);
  }
  return date.seconds;
}

/** A time argument as unix seconds: {@link parseDate}'s dates, or unix seconds (up to 11 digits: milliseconds have 13). */
export function parseTime(value: string, what: string): number {
  if (/^\d{1,11}$/.test(value)) return Number(value);
  const date = readIsoDate(value);
  if (!date.ok) {
    const expected = "an ISO 8601 date or date-time (2031-06-30, 2031-06-30T12:00:00Z) or unix seconds";
    throw new UsageError(`${what} must be ${expected}, got ${JSON.stringify(value)}: ${date.reason}.`);
  }
  return date.seconds;
}

/** Fails with a UsageError when `file` does not exist (or is not a file / directory as required). */
export async function requirePath(file: string, kind: "file" | "directory", what: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new UsageError(`${what} ${file} does not exist.`);
  if (kind === "file" && !info.isFile()) throw new UsageError(`${what} ${file} is not a file.`);
  if (kind === "directory" && !info.isDirectory()) throw new UsageError(`${what} ${file} is not a directory.`);
}

/** Fails with a UsageError when `file` exists. */
export async function requireAbsent(file: string, what: string): Promise<void> {
  if (await stat(file).then(() => true, () => false)) throw new UsageError(`${what} ${file} already exists; refusing to overwrite it.`);
}

/** The JSON-RPC URL: `--rpc`, else the local deployment's. */
export async function rpcUrl(options: GlobalOptions): Promise<{ url: string; deployment: DeploymentRecord | null }> {
  const deployment = await localDeployment();
  const url = options.rpc ?? deployment?.rpcUrl;
  if (!url) {
    throw new UsageError("No JSON-RPC endpoint: pass --rpc <url>, or start a local chain with `credstack chain start`.", {
      details: `No deployment record at ${deploymentFile()} (set CREDSTACK_HOME to use another directory).`,
    });
  }
  if (!/^(https?|wss?):\/\//.test(url)) throw new UsageError(`--rpc must be an http(s) or ws(s) URL, got ${JSON.stringify(url)}.`);
  return { url, deployment };
}

/**
 * The registry for commands that do not read it from a batch: `--registry`, else the local
 * deployment's when the RPC URL is the deployment's (or not given).
 */
export function registryOf(options: GlobalOptions, deployment: DeploymentRecord | null, url: string): Address {
  if (options.registry) return parseAddress(options.registry, "--registry");
  if (deployment && deployment.rpcUrl === url) return deployment.registry;
  throw new UsageError("No registry: pass --registry <address>.", {
    details: deployment
      ? `The local deployment (${deploymentFile()}) is for ${deployment.rpcUrl}, not ${url}.`
      : `No local deployment record at ${deploymentFile()}; \`credstack chain start\` writes one.`,
  });
}

/** A read client for `url` (few retries, so that a stopped node is reported quickly). */
export function publicClientOf(url: string, chain?: Chain): RegistryReadClient {
  return createPublicClient({ ...(chain ? { chain } : {}), transport: http(url, { retryCount: 1, timeout: 60_000 }) }) as RegistryReadClient;
}

/** A viem chain for an id (the CLI talks to any EVM chain by URL; only the id matters). */
export function chainOf(id: number, url: string): Chain {
  return defineChain({ id, name: `chain ${id}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [url] } } });
}

/**
 * The signing key: `--keystore <file>` (an encrypted JSON keystore, password from
 * CREDSTACK_KEYSTORE_PASSWORD) or CREDSTACK_PRIVATE_KEY. Messages never include the key or password.
 */
export async function signingAccount(options: GlobalOptions): Promise<LocalAccount> {
  if (options.keystore) {
    const password = process.env.CREDSTACK_KEYSTORE_PASSWORD;
    if (password === undefined) throw new UsageError(`--keystore ${options.keystore} needs its password in CREDSTACK_KEYSTORE_PASSWORD.`);
    let json: string;
    try {
      json = await readFile(options.keystore, "utf8");
    } catch {
      throw new UsageError(`Cannot read the keystore ${options.keystore}.`);
    }
    const { Wallet } = await import("ethers");
    let privateKey: string;
    try {
      privateKey = (await Wallet.fromEncryptedJson(json, password)).privateKey;
    } catch {
      throw new UsageError(`Cannot decrypt the keystore ${options.keystore}: not an encrypted JSON keystore, or a wrong password.`);
    }
    return privateKeyToAccount(privateKey as `0x${string}`);
  }
  const raw = process.env.CREDSTACK_PRIVATE_KEY?.trim();
  if (!raw) {
    throw new UsageError("No signing key: set CREDSTACK_PRIVATE_KEY, or pass --keystore <file> with CREDSTACK_KEYSTORE_PASSWORD.");
  }
  const key = raw.startsWith("0x") || raw.startsWith("0X") ? `0x${raw.slice(2)}` : `0x${raw}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError("CREDSTACK_PRIVATE_KEY is not a private key (expected 32 bytes of hex).");
  try {
    return privateKeyToAccount(key as `0x${string}`);
  } catch {
    throw new UsageError("CREDSTACK_PRIVATE_KEY is not a valid secp256k1 private key.");
  }
}

/** A wallet client signing with `account` on `chain` through `url`. */
export function walletClientOf(account: LocalAccount, chain: Chain, url: string): RegistryWalletClient {
  return createWalletClient({ account, chain, transport: http(url, { retryCount: 1, timeout: 60_000 }) }) as RegistryWalletClient;
}

/**
 * Everything a signing command needs: the key first (a missing key fails before any network
 * access), then the node's chain id, and clients for both.
 */
export async function signingContext(options: GlobalOptions): Promise<{
  url: string;
  deployment: DeploymentRecord | null;
  account: LocalAccount;
  chain: Chain;
  publicClient: RegistryReadClient;
  wallet: RegistryWalletClient;
}> {
  const account = await signingAccount(options);
  const { url, deployment } = await rpcUrl(options);
  const probe = publicClientOf(url);
  const chain = chainOf(await nodeChainId(probe), url);
  return { url, deployment, account, chain, publicClient: publicClientOf(url, chain), wallet: walletClientOf(account, chain, url) };
}
