import { CredstackError } from "../credential/errors.js";
import { DeploymentNotFoundError } from "../chain/deployments.js";
import { DeployError } from "../chain/deploy.js";
import {
  RegistryMismatchError,
  RegistryNotDeployedError,
  RpcUnreachableError,
  WrongChainError,
} from "../chain/errors.js";
import { LocalNodeError } from "../chain/local-node.js";

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, rejected: 1, environment: 2 } as const;

/** A usage or environment problem found by the CLI itself (bad or missing argument, missing key or file): exit 2. */
export class UsageError extends CredstackError {
  override name = "UsageError";
}

/** Error classes that are about the environment (where the CLI points, what it runs on), not the request: exit 2. */
const ENVIRONMENT_ERRORS = [
  UsageError,
  RpcUnreachableError,
  WrongChainError,
  RegistryNotDeployedError,
  RegistryMismatchError,
  DeploymentNotFoundError,
  LocalNodeError,
  DeployError,
];

/**
 * The exit code of an error: 2 for usage and environment errors (bad arguments, missing key, RPC
 * unreachable, wrong chain, no registry at the address), 1 for everything else (an invalid batch,
 * a transaction the registry or the node rejects).
 */
export function exitCodeOf(error: unknown): 1 | 2 {
  if (ENVIRONMENT_ERRORS.some((type) => error instanceof type)) return EXIT.environment;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && code.startsWith("commander.")) return EXIT.environment;
  return EXIT.rejected;
}

/** The one-line message and the details of any error (never its stack). */
export function describeError(error: unknown): { name: string; message: string; details?: string } {
  if (error instanceof Error) {
    const e = error as Error & { shortMessage?: unknown; details?: unknown };
    const message = typeof e.shortMessage === "string" ? e.shortMessage : e.message.split("\n")[0]!;
    let details = typeof e.details === "string" && e.details.trim() ? e.details.trim() : undefined;
    // Errors that carry their hint in the message only (e.g. DeploymentNotFoundError).
    if (!details && e.message !== message && e.message.startsWith(message)) details = e.message.slice(message.length).trim() || undefined;
    return { name: e.name, message, ...(details ? { details } : {}) };
  }
  return { name: "Error", message: String(error) };
}

/** Converts values JSON cannot hold (bigint) on the way out. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/** Writes and resolves once the text is handed to the OS (the CLI exits right after its output). */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** A one-line progress display on stderr, redrawn in place; only created for a TTY without --json. */
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** A bar for `fraction` (0..1) with a label, redrawn at most 10 times a second. */
  bar(label: string, fraction: number, suffix = ""): void {
    const now = Date.now();
    if (fraction < 1 && now - this.last < 100) return;
    this.last = now;
    const width = 28;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    this.line(`${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.floor(fraction * 100)}%${suffix ? ` ${suffix}` : ""}`);
  }

  /** A status line (replaces the current one). */
  line(text: string): void {
    const columns = this.stream.columns || 100;
    this.stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`);
    this.shown = true;
  }

  /** Clears the line. */
  clear(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
    this.shown = false;
  }
}

/** Where commands print: human text or one JSON document on stdout; warnings, progress and errors on stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  /** A progress display when stderr is a terminal and the output is not JSON, else null. */
  progress(): Progress | null {
    return !this.json && process.stderr.isTTY ? new Progress(process.stderr) : null;
  }

  /** Prints a command's result: `data` as JSON with --json, else the human lines. */
  async result(human: string | string[], data: unknown): Promise<void> {
    if (this.json) await write(process.stdout, JSON.stringify(data, replacer, 2) + "\n");
    else await write(process.stdout, (Array.isArray(human) ? human.join("\n") : human) + "\n");
  }

  /** Prints raw text on stdout (e.g. an extracted credential file). */
  async raw(text: string): Promise<void> {
    await write(process.stdout, text);
  }

  async warn(message: string): Promise<void> {
    await write(process.stderr, `warning: ${message}\n`);
  }

  /** Prints an error: `error: <message>` and its details on stderr (plus a JSON document on stdout with --json). */
  async error(error: unknown, exitCode: number): Promise<void> {
    const { name, message, details } = describeError(error);
    let text = `error: ${message}\n`;
    if (details) text += details.split("\n").map((l) => (l ? `  ${l}` : l)).join("\n") + "\n";
    if (process.env.CREDSTACK_DEBUG === "1" && error instanceof Error && error.stack) text += `\n${error.stack}\n`;
    await write(process.stderr, text);
    if (this.json) await write(process.stdout, JSON.stringify({ error: { name, message, ...(details ? { details } : {}), exitCode } }, replacer, 2) + "\n");
  }
}

export { isoTime } from "../chain/records.js";
