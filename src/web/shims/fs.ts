import { Buffer } from "buffer";
import { EMBEDDED_FILES } from "credstack:embedded-files";

/**
 * `node:fs` in the browser bundle: read-only, over the package's data files that the build embeds
 * (the JSON-LD contexts, `src/web/build/node-shims.ts`), looked up by file name: in the bundle,
 * `new URL("./contexts/x.jsonld", import.meta.url)` points next to the script.
 * Writes fail as on a read-only installation, which the callers already handle.
 */

function nameOf(file: string | URL): string {
  const text = typeof file === "string" ? file : file.pathname;
  return text.slice(text.lastIndexOf("/") + 1);
}

function notFound(file: string | URL): Error {
  return Object.assign(new Error(`ENOENT: no such file in the browser bundle, open '${nameOf(file)}'`), {
    code: "ENOENT",
  });
}

export function readFileSync(
  file: string | URL,
  options?: BufferEncoding | { encoding?: BufferEncoding }
): string | Buffer {
  const text = EMBEDDED_FILES[nameOf(file)];
  if (text === undefined) throw notFound(file);
  const encoding = typeof options === "string" ? options : options?.encoding;
  return encoding ? text : Buffer.from(text, "utf8");
}

function readOnly(): never {
  throw Object.assign(new Error("EROFS: the browser bundle has no writable file system"), { code: "EROFS" });
}

export const writeFileSync = readOnly;
export const mkdirSync = readOnly;
export const renameSync = readOnly;
export const existsSync = (file: string | URL): boolean => EMBEDDED_FILES[nameOf(file)] !== undefined;

export default { readFileSync, writeFileSync, mkdirSync, renameSync, existsSync };
