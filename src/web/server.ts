import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Address } from "viem";
import { buildWebBundle, PAGES, type WebBundle } from "./build/bundle.js";

/**
 * The small server of the wallet and verifier pages (`credstack wallet serve`, `npm run wallet`):
 * static pages, their bundled scripts (built in memory at start) and `/config.json`, the chain
 * settings the pages read the chain with. Binds 127.0.0.1; answers only requests addressed to it by
 * that name or `localhost` (no DNS rebinding); GET and HEAD only. The pages talk to the chain
 * through `config.rpcUrl` from the browser: this server never sees a key, a credential or a
 * presentation.
 */

/** What the pages are told about the chain and whom to trust (`/config.json`). */
export interface WebConfig {
  /** JSON-RPC URL the browser reads the chain through (the local node by default; never an explorer). */
  rpcUrl: string;
  /** The trusted registry's chain and address. */
  chainId: number;
  registry: Address;
  /** When set, only issuers accredited by these count as trusted. */
  accreditors?: Address[];
  /** Where the trust setting came from (shown on the pages). */
  trustSource: string;
  /** The stacking registry beside it, when known. */
  stacking?: Address;
  /** Pathway definitions (`credstack-pathway/1`) the wallet shows progress toward. */
  pathways: unknown[];
}

export interface WebServer {
  /** e.g. `http://127.0.0.1:6342`. */
  url: string;
  port: number;
  bundle: WebBundle;
  stop(): Promise<void>;
}

const PAGES_DIR = new URL("./pages/", import.meta.url);
const STATIC: Record<string, { file: URL; type: string }> = {
  "/wallet/": { file: new URL("wallet/index.html", PAGES_DIR), type: "text/html; charset=utf-8" },
  "/verifier/": { file: new URL("verifier/index.html", PAGES_DIR), type: "text/html; charset=utf-8" },
  "/assets/style.css": { file: new URL("shared/style.css", PAGES_DIR), type: "text/css; charset=utf-8" },
  "/assets/wallet.css": { file: new URL("wallet/wallet.css", PAGES_DIR), type: "text/css; charset=utf-8" },
  "/assets/verifier.css": { file: new URL("verifier/verifier.css", PAGES_DIR), type: "text/css; charset=utf-8" },
};

/** The Content-Security-Policy of every response: own scripts only; the RPC origin is the one connection allowed. */
function contentSecurityPolicy(rpcUrl: string): string {
  const rpc = new URL(rpcUrl).origin;
  return [
    "default-src 'none'",
    // No 'unsafe-eval': the JSON Schema validators are compiled at build time. 'wasm-unsafe-eval': hash-wasm's keccak.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${rpc}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * Starts the server.
 *
 * @example
 * const server = await startWebServer({ config: { rpcUrl: "http://127.0.0.1:8545", chainId: 31337, registry, trustSource: "local", pathways: [] } });
 * console.log(`${server.url}/wallet/`);
 * await server.stop();
 */
export async function startWebServer(params: {
  config: WebConfig;
  port?: number;
  bundle?: WebBundle;
}): Promise<WebServer> {
  const bundle = params.bundle ?? (await buildWebBundle());
  const configJson = JSON.stringify(params.config);
  const csp = contentSecurityPolicy(params.config.rpcUrl);
  let port = 0;

  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array, cache = "no-store") => {
    res.writeHead(status, {
      "Content-Type": type,
      "Cache-Control": cache,
      "Content-Security-Policy": csp,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    res.end(res.req.method === "HEAD" ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return send(res, 421, "text/plain", "Misdirected request.\n");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method not allowed.\n");
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    if (pathname === "/" || pathname === "/wallet" || pathname === "/verifier") {
      res.writeHead(302, { Location: pathname === "/" ? "/wallet/" : `${pathname}/` });
      return res.end();
    }
    if (pathname === "/config.json") return send(res, 200, "application/json", configJson);
    const page = STATIC[pathname];
    if (page) return send(res, 200, page.type, await readFile(page.file));
    if (pathname.startsWith("/assets/")) {
      const asset = bundle.assets.get(pathname.slice("/assets/".length));
      // Chunk names carry a content hash; the entry scripts do not.
      const hashed = /-[A-Z0-9]{8}\.js$/.test(pathname);
      if (asset)
        return send(
          res,
          200,
          asset.contentType,
          asset.contents,
          hashed ? "public, max-age=31536000, immutable" : "no-cache"
        );
    }
    send(res, 404, "text/plain", "Not found.\n");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", "Internal error.\n");
      console.error(error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(params.port ?? 0, "127.0.0.1", resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    bundle,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { PAGES };
