import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { freePort } from "../../../src/chain/local-node.js";

const require = createRequire(import.meta.url);

/** Foundry's `anvil` JSON-RPC node running as a child process on 127.0.0.1 (a second EVM client besides Hardhat's). */
export interface AnvilNode {
  /** JSON-RPC URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops anvil (SIGTERM to its process group, SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export interface StartAnvilOptions {
  /** Port to listen on; 0 (the default) picks a free port, and another one if it was taken meanwhile. */
  port?: number;
  /** Chain id; default 31337, as Hardhat's. */
  chainId?: number;
  /** EVM hardfork; default `osaka`, the `evmVersion` of hardhat.config.ts. */
  hardfork?: string;
  /** How long to wait for anvil to answer, in milliseconds. */
  readyTimeoutMs?: number;
}

/**
 * The anvil executable of the `@foundry-rs/anvil` devDependency: its platform package's binary
 * (spawned directly, so the child is anvil itself), else the package's Node wrapper.
 */
export function anvilBinary(): string {
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch];
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    const binary = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`);
    if (existsSync(binary)) return binary;
  } catch {
    // no platform package: the wrapper says why
  }
  return require.resolve("@foundry-rs/anvil/bin.mjs");
}

/** Calls `method` on `url`; undefined while nothing answers. */
async function rpc(url: string, method: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return undefined;
    return ((await res.json()) as { result?: string }).result;
  } catch {
    return undefined; // not listening yet
  }
}

/** Whether nothing listens on `port` of 127.0.0.1 (the OS lets us bind it). */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Sends `signal` to the process group of a detached child (or to the child alone where groups do not exist). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === "win32") child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** One attempt: spawns anvil on `port`; resolves once it answers with `chainId`, rejects with its output otherwise. */
async function launch(port: number, chainId: number, hardfork: string, readyTimeoutMs: number): Promise<AnvilNode> {
  const binary = anvilBinary();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--hardfork", hardfork, "--quiet"];
  // Its own process group, so that stop() reaches everything it runs (the Node wrapper's child too).
  const child = spawn(binary.endsWith(".mjs") ? process.execPath : binary, binary.endsWith(".mjs") ? [binary, ...args] : args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, TARGET_TOOL: "anvil", NO_COLOR: "1" },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  // A detached child outlives its parent: stop it when this process exits or is interrupted.
  const onExit = () => signalGroup(child, "SIGKILL");
  const onSignal = (signal: NodeJS.Signals) => {
    signalGroup(child, "SIGKILL");
    removeHooks();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const removeHooks = () => {
    process.off("exit", onExit);
    for (const s of signals) process.off(s, onSignal);
  };
  process.once("exit", onExit);
  for (const s of signals) process.on(s, onSignal);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  exited.then(removeHooks, removeHooks);
  const stop = async () => {
    signalGroup(child, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`Cannot start anvil (${binary}): ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`anvil exited (${child.signalCode ?? `code ${child.exitCode}`}) before answering on ${url}.\n${output}`);
    }
    const client = await rpc(url, "web3_clientVersion");
    if (client !== undefined) {
      const answer = Number(await rpc(url, "eth_chainId"));
      if (client.startsWith("anvil/") && answer === chainId) return { url, port, chainId, process: child, stop };
      await stop();
      throw new Error(`Something else answers on ${url}: ${client}, chain ${answer} (expected anvil, chain ${chainId}).`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`anvil did not answer on ${url} within ${readyTimeoutMs} ms.\n${output}`);
}

/**
 * Starts anvil on 127.0.0.1 with the usual development accounts (mnemonic "test test … junk", the same
 * as Hardhat's) and resolves once it answers `eth_chainId` with the expected chain id.
 *
 * @example
 * const anvil = await startAnvil();
 * try { console.log(anvil.url); } finally { await anvil.stop(); }
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilNode> {
  const chainId = options.chainId ?? 31337;
  const hardfork = options.hardfork ?? "osaka";
  const timeout = options.readyTimeoutMs ?? 30_000;
  if (options.port) {
    // Another node on the port would answer the readiness probe in place of ours.
    if (!(await portIsFree(options.port))) throw new Error(`Port ${options.port} on 127.0.0.1 is already in use.`);
    return launch(options.port, chainId, hardfork, timeout);
  }
  // A free port can be taken between freePort() and anvil's bind: try another one then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await freePort(), chainId, hardfork, timeout);
    } catch (error) {
      if (attempt >= 3 || !/address already in use|something else answers/i.test(String(error))) throw error;
    }
  }
}
