import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

const require = createRequire(import.meta.url);

/** A `hardhat node` JSON-RPC server running as a child process on 127.0.0.1. */
export interface LocalNode {
  /** JSON-RPC URL, e.g. `http://127.0.0.1:8545`. */
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the node and waits for the process to exit. */
  stop(): Promise<void>;
}

export interface StartLocalNodeOptions {
  /** Port to listen on; 0 (the default) picks a free port. */
  port?: number;
  /** Project root holding hardhat.config.ts; defaults to the working directory. */
  cwd?: string;
  /** How long to wait for the node to answer, in milliseconds. */
  readyTimeoutMs?: number;
}

/** Raised when the local node cannot be started or does not answer in time. */
export class LocalNodeError extends Error {
  override name = "LocalNodeError";
  constructor(
    readonly shortMessage: string,
    readonly details: string,
  ) {
    super(`${shortMessage}\n${details}`.trim());
  }
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Whether nothing listens on `port` of 127.0.0.1 (the OS lets us bind it). */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A Node.js binary that Hardhat 3 accepts (≥ 22): this one, or the `node` devDependency's. */
export function hardhatNodeBinary(): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return process.execPath;
  return require.resolve("node/bin/node");
}

/**
 * Starts `hardhat node` on 127.0.0.1 and resolves once it answers `eth_chainId`.
 *
 * @example
 * const node = await startLocalNode();
 * console.log(node.url); // http://127.0.0.1:40123
 * await node.stop();
 */
export async function startLocalNode(options: StartLocalNodeOptions = {}): Promise<LocalNode> {
  const port = options.port || (await freePort());
  // Another node on the port would answer the readiness probe in place of ours.
  if (options.port && !(await portIsFree(port))) {
    throw new LocalNodeError(`Port ${port} on 127.0.0.1 is already in use.`, "Stop what listens there (another local chain?) or choose another port.");
  }
  const cwd = options.cwd ?? process.cwd();
  const hardhatCli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
  const child = spawn(hardhatNodeBinary(), [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new LocalNodeError(`hardhat node exited with code ${child.exitCode} before answering on ${url}.`, output);
    }
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return { url, port, process: child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new LocalNodeError(`hardhat node did not answer on ${url} in time.`, output);
}
