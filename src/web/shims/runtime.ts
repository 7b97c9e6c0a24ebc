import { EMBEDDED_PACKAGE_VERSIONS } from "credstack:embedded-files";

/**
 * The small rest of Node's built-ins that shared modules import in the browser bundle: `node:os`,
 * `node:path`, `node:url`, `node:module`, `node:worker_threads`. Each export does what the shared code
 * needs of it (a path, a version, one thread); nothing else is offered.
 */

/** `node:os`: one thread of verification (worker pools are for the CLI's large inputs). */
export const availableParallelism = (): number => 1;

/** `node:path`. */
export const dirname = (p: string): string => p.slice(0, Math.max(0, p.lastIndexOf("/"))) || "/";
export const join = (...parts: string[]): string => parts.join("/").replace(/\/+/g, "/");

/** `node:url`. */
export const fileURLToPath = (url: string | URL): string => (typeof url === "string" ? new URL(url) : url).pathname;
export const pathToFileURL = (p: string): URL => new URL(`file://${p}`);

/** `node:worker_threads`: the page is the main (and only) thread. */
export const threadId = 0;
export const isMainThread = true;
export const parentPort = null;
export const workerData = undefined;
export class Worker {
  constructor() {
    throw new Error("worker_threads are not available in the browser bundle");
  }
}

/** `node:module`: a `require` that knows the embedded `package.json` versions and nothing else. */
export function createRequire(): (id: string) => unknown {
  return (id: string) => {
    const name = id.endsWith("/package.json") ? id.slice(0, -"/package.json".length) : undefined;
    const version = name === undefined ? undefined : EMBEDDED_PACKAGE_VERSIONS[name];
    if (version === undefined) throw new Error(`require(${JSON.stringify(id)}) is not available in the browser bundle`);
    return { name, version };
  };
}

export default {
  availableParallelism,
  dirname,
  join,
  fileURLToPath,
  pathToFileURL,
  threadId,
  isMainThread,
  parentPort,
  workerData,
  Worker,
  createRequire,
};
