import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { accreditIssuer, addOperator, signOperatorConsent, type RegistryWalletClient } from "../../../src/chain/actions/index.js";
import { issuerProfileDigest, type IssuerProfile } from "../../../src/credential/issuer-profile.js";

/** The `credstack` launcher (package.json "bin"), run as a subprocess by the CLI tests. */
export const CLI = path.resolve("src/cli/credstack.mjs");

/**
 * An empty home directory for every CLI run of this process (HOME, XDG_CONFIG_HOME), so that no
 * user configuration leaks in: no ~/.credstack deployment record, no ~/.config/credstack/trust.json.
 * Removed when the process exits.
 */
export const FAKE_HOME = mkdtempSync(path.join(os.tmpdir(), "credstack-fake-home-"));
mkdirSync(path.join(FAKE_HOME, ".config"));
process.once("exit", () => rmSync(FAKE_HOME, { recursive: true, force: true }));

/** What one CLI run did. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every output of every run in this process, to check that no key is ever printed. */
export const transcripts: string[] = [];

/**
 * The environment of a CLI run: nothing CREDSTACK_* from the caller (no CREDSTACK_TRUST,
 * CREDSTACK_TRUST_FILE, CREDSTACK_PRIVATE_KEY…), CREDSTACK_HOME = `home` (unset when `home` is
 * null: then the CLI's own default, ~/.credstack, applies), HOME and XDG_CONFIG_HOME in an empty
 * temporary directory ({@link FAKE_HOME}), no colours. `extra` comes last (undefined removes a variable).
 */
export function cliEnv(home: string | null, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CREDSTACK_")) env[k] = v;
  Object.assign(env, { HOME: FAKE_HOME, USERPROFILE: FAKE_HOME, XDG_CONFIG_HOME: path.join(FAKE_HOME, ".config"), FORCE_COLOR: "0", NO_COLOR: "1" });
  if (home !== null) env.CREDSTACK_HOME = home;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunCliOptions {
  /** Signing key, passed as CREDSTACK_PRIVATE_KEY. */
  key?: Hex;
  /** Extra environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** The Node.js binary to run the launcher with; default this one. */
  node?: string;
  /** Working directory of the run; default this process's. */
  cwd?: string;
}

/**
 * Runs `credstack <args>` with CREDSTACK_HOME = `home` (null: unset) and the environment of
 * {@link cliEnv} (SIGKILL after 2 minutes), and collects its output.
 */
export function runCli(home: string | null, args: string[], options: RunCliOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [CLI, ...args], {
      env: cliEnv(home, { ...(options.key ? { CREDSTACK_PRIVATE_KEY: options.key } : {}), ...options.env }),
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      transcripts.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Expects exit `code`; on failure shows what the CLI printed. A failure prints `error: …` and no stack trace. */
export function expectExit(run: Run, code: number): void {
  expect(run.code, `exit ${run.code} (${run.signal ?? "no signal"})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).to.equal(code);
  if (code !== 0) {
    expect(run.stderr).to.match(/^error: /m);
    expect(run.stderr, "no stack trace").not.to.match(/\n\s+at .+:\d+/);
  }
}

/** The first `error: …` line a failed run printed (its one-line message), without the prefix. */
export function errorLine(run: Run): string {
  return /^error: (.*)$/m.exec(run.stderr)?.[1] ?? "";
}

/** The run's stdout parsed as the JSON document of `--json`. */
export const json = <T = Record<string, unknown>>(run: Run): T => JSON.parse(run.stdout) as T;

// ------------------------------------------------------------------ chain set-up through the SDK

/** A wallet client signing with `key` on the node at `url` (chain 31337 unless said otherwise). */
export function devWallet(url: string, key: Hex, chainId = 31337): RegistryWalletClient {
  return createWalletClient({ account: privateKeyToAccount(key), chain: { ...hardhat, id: chainId, rpcUrls: { default: { http: [url] } } }, transport: http(url) }) as RegistryWalletClient;
}

/** Accredits `issuer` under `profile` (SDK, signed by `accreditor`), from a minute ago for a year. */
export async function accredit(accreditor: RegistryWalletClient, registry: Address, issuer: Address, profile: IssuerProfile, maxEqfLevel = 7) {
  const now = Math.floor(Date.now() / 1000);
  return accreditIssuer(accreditor, { registry, issuer, profileDigest: issuerProfileDigest(profile), maxEqfLevel, validFrom: now - 60, validUntil: now + 365 * 86_400 });
}

/** Adds `operatorKey` as an operator key of the issuer signing with `issuer` (SDK), with the key's EIP-712 consent. */
export async function addOperatorWithConsent(issuer: RegistryWalletClient, registry: Address, operatorKey: Hex) {
  const consent = await signOperatorConsent(privateKeyToAccount(operatorKey), {
    registry,
    chainId: issuer.chain.id,
    issuer: issuer.account.address,
    deadline: Math.floor(Date.now() / 1000) + 86_400,
  });
  return addOperator(issuer, { registry, consent });
}

/** A mixed-case address with a wrong EIP-55 checksum (the case of one letter flipped; still mixed case). */
export function badChecksum(address: Address): string {
  for (let i = 2; i < address.length; i++) {
    const c = address[i]!;
    if (!/[a-fA-F]/.test(c)) continue;
    const flipped = address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
    if (/[a-f]/.test(flipped.slice(2)) && /[A-F]/.test(flipped.slice(2))) return flipped;
  }
  throw new Error(`cannot make a bad checksum of ${address}`);
}
