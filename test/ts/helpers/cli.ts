import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import type { Hex } from "viem";

/** The `credstack` launcher (package.json "bin"), run as a subprocess by the CLI tests. */
export const CLI = path.resolve("src/cli/credstack.mjs");

/** What one CLI run did. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every output of every run in this process, to check that no key is ever printed. */
export const transcripts: string[] = [];

/** The environment of a CLI run: no CREDSTACK_* from the caller, CREDSTACK_HOME = `home`, no colours. */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CREDSTACK_")) env[k] = v;
  return { ...env, CREDSTACK_HOME: home, FORCE_COLOR: "0", ...extra };
}

export interface RunCliOptions {
  /** Signing key, passed as CREDSTACK_PRIVATE_KEY. */
  key?: Hex;
  /** Extra environment variables. */
  env?: Record<string, string | undefined>;
  /** The Node.js binary to run the launcher with; default this one. */
  node?: string;
}

/** Runs `credstack <args>` with CREDSTACK_HOME = `home` (SIGKILL after 2 minutes) and collects its output. */
export function runCli(home: string, args: string[], options: RunCliOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [CLI, ...args], {
      env: cliEnv(home, { ...(options.key ? { CREDSTACK_PRIVATE_KEY: options.key } : {}), ...options.env }),
      stdio: ["ignore", "pipe", "pipe"],
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

/** The run's stdout parsed as the JSON document of `--json`. */
export const json = <T = Record<string, unknown>>(run: Run): T => JSON.parse(run.stdout) as T;
