import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { nodeShims } from "./node-shims.js";

/**
 * Bundles the wallet and verifier pages (src/web/pages) for the browser with esbuild, in memory:
 * the server serves what this returns, so nothing stale lies on disk. Same modules as Node
 * (src/present, src/verify, src/stack, src/chain), with Node's built-ins shimmed (`nodeShims`).
 */

const PAGES_DIR = fileURLToPath(new URL("../pages/", import.meta.url));

/** The pages, each an entry point: `<page>/main.ts` → `/assets/<page>.js`. */
export const PAGES = ["wallet", "verifier"] as const;
export type Page = (typeof PAGES)[number];

/** One built file, served under `/assets/`. */
export interface Asset {
  contents: Uint8Array;
  contentType: string;
}

export interface WebBundle {
  /** File name (no directory) → contents. */
  assets: Map<string, Asset>;
  /** Per page: the bytes of script it loads first (entry + the chunks it imports statically), uncompressed. */
  pageBytes: Record<Page, number>;
  /** Per page: with every chunk it may import later (the SDK, signature verification), uncompressed. */
  pageTotalBytes: Record<Page, number>;
  /** How long the build took, in milliseconds. */
  buildMs: number;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

/** The bytes a page's entry script loads: itself and the chunks it imports statically (`lazy`: dynamically too). */
function pageBytes(metafile: Metafile, entry: string, lazy = false): number {
  const seen = new Set<string>();
  const visit = (file: string): number => {
    if (seen.has(file)) return 0;
    seen.add(file);
    const out = metafile.outputs[file];
    if (!out) return 0;
    const followed = out.imports.filter((i) => i.kind === "import-statement" || (lazy && i.kind === "dynamic-import"));
    return out.bytes + followed.reduce((s, i) => s + visit(i.path), 0);
  };
  return visit(entry);
}

/**
 * Builds the pages' scripts.
 *
 * @example
 * const { assets, pageBytes } = await buildWebBundle();
 * console.log(pageBytes.wallet); // bytes of JavaScript the wallet page loads
 */
export async function buildWebBundle(params: { minify?: boolean; sourcemap?: boolean } = {}): Promise<WebBundle> {
  const started = performance.now();
  const outdir = path.join(PAGES_DIR, "..", "dist");
  const result = await build({
    entryPoints: Object.fromEntries(PAGES.map((p) => [p, path.join(PAGES_DIR, p, "main.ts")])),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: ["chrome120", "firefox121", "safari17"],
    outdir,
    write: false,
    metafile: true,
    minify: params.minify ?? true,
    sourcemap: params.sourcemap ? "linked" : false,
    legalComments: "linked",
    logLevel: "silent",
    define: { global: "globalThis", "process.env.NODE_DEBUG": "undefined" },
    inject: [fileURLToPath(new URL("../shims/globals.ts", import.meta.url))],
    plugins: [nodeShims()],
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles) {
    const ext = path.extname(file.path);
    assets.set(path.basename(file.path), {
      contents: file.contents,
      contentType: CONTENT_TYPES[ext] ?? "text/plain; charset=utf-8",
    });
  }
  const rel = (p: Page) =>
    path
      .relative(process.cwd(), path.join(outdir, `${p}.js`))
      .split(path.sep)
      .join("/");
  const bytes = (lazy: boolean) =>
    Object.fromEntries(PAGES.map((p) => [p, pageBytes(result.metafile, rel(p), lazy)])) as Record<Page, number>;
  return {
    assets,
    pageBytes: bytes(false),
    pageTotalBytes: bytes(true),
    buildMs: Math.round(performance.now() - started),
  };
}
