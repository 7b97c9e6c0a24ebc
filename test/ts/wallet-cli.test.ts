import { expect } from "chai";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CLI, cliEnv } from "./helpers/cli.js";
import { twoInstitutions, type TwoInstitutions } from "./helpers/two-institutions.js";

/** A raw HTTP request (any Host header, any method), for what fetch will not send. */
function raw(
  url: string,
  options: { method?: string; host?: string } = {}
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: options.method ?? "GET",
        headers: { Host: options.host ?? u.host },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }
    );
    req.once("error", reject);
    req.end();
  });
}

/** `credstack wallet serve` (#13): the pages on 127.0.0.1 against the trusted registry, until a signal. */
describe("CLI: credstack wallet serve (#13)", function () {
  this.timeout(180_000);
  let f: TwoInstitutions;
  let home: string;
  before(async () => {
    f = await twoInstitutions();
    home = await mkdtemp(path.join(os.tmpdir(), "credstack-wallet-cli-"));
  });
  after(async () => {
    await f?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it("serves the wallet, the verifier page and the trust it was given; refuses other hosts, methods and paths; stops on SIGTERM", async () => {
    const trust = `eip155:${f.chainId}:${f.registry}`;
    const child = spawn(
      process.execPath,
      [
        CLI,
        "wallet",
        "serve",
        "--port",
        "0",
        "--rpc",
        f.node.url,
        "--trust",
        trust,
        "--pathway",
        "seeds/pathways/responsible-blockchain-engineering.json",
      ],
      { env: cliEnv(home), stdio: ["ignore", "pipe", "pipe"] }
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          const m = /verifier\s+(http:\/\/127\.0\.0\.1:\d+)\/verifier\//.exec(stdout);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      expect(stdout)
        .to.include(`${base}/wallet/`)
        .and.include(`trusting    ${trust}`)
        .and.include("Certificate in Responsible Blockchain Engineering");
      const config = JSON.parse((await raw(`${base}/config.json`)).body) as Record<string, unknown>;
      expect(config).to.include({ rpcUrl: f.node.url, chainId: f.chainId, registry: f.registry });
      expect((config.pathways as unknown[]).length).to.equal(1);
      for (const page of ["wallet", "verifier"]) {
        const html = await raw(`${base}/${page}/`);
        expect(html.status).to.equal(200);
        expect(String(html.headers["content-security-policy"])).to.include(
          `connect-src 'self' ${new URL(f.node.url).origin}`
        );
        expect((await raw(`${base}/assets/${page}.js`)).status).to.equal(200);
      }
      expect((await raw(`${base}/`)).status).to.equal(302);
      expect((await raw(`${base}/wallet/`, { host: "evil.example" })).status).to.equal(421); // DNS rebinding
      expect((await raw(`${base}/config.json`, { method: "POST" })).status).to.equal(405);
      expect((await raw(`${base}/assets/..%2f..%2fserver.ts`)).status).to.equal(404);
      expect((await raw(`${base}/assets/../server.ts`)).status).to.equal(404);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });

  it("without a trusted registry, says how to name one and exits 2", async () => {
    const child = spawn(process.execPath, [CLI, "wallet", "serve", "--port", "0"], {
      env: cliEnv(home),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).to.equal(2);
    expect(stderr).to.match(/No trusted registry/);
  });
});
