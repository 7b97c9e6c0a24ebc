import { expect } from "chai";
import * as nodeCrypto from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildOptions } from "esbuild";
import fc from "fast-check";
import * as shim from "../../src/web/shims/crypto.js";
import { Buffer as BrowserBuffer } from "../../src/web/shims/globals.js";
import { buildWebBundle } from "../../src/web/build/bundle.js";
import { EMBEDDED_FILE_PATHS, nodeShims } from "../../src/web/build/node-shims.js";
import { buildBatch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { validateClrCredential } from "../../src/credential/clr-schema.js";
import { validateOpenBadgeCredential } from "../../src/credential/ob3-schema.js";
import { parseCredentialV3 } from "../../src/credential/v3/facts.js";
import { ROLE, addr, learner, seedCourse } from "./helpers/two-institutions.js";

/** esbuild for the browser with the project's plugin, in memory: what the pages' build does to `entry`. */
const browserBuild = (entry: string, extra: Partial<BuildOptions> = {}) =>
  build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
    plugins: [nodeShims()],
    ...extra,
  });

/** The browser bundle (#13): the shims against Node's own built-ins, the plugin's guard, the pages' scripts. */
describe("web bundle: Node built-ins in the browser (#13)", function () {
  this.timeout(120_000);

  const chunks = (bytes: Uint8Array, cuts: number[]) => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const parts: Uint8Array[] = [];
    let start = 0;
    for (const p of points) {
      parts.push(bytes.subarray(start, p));
      start = p;
    }
    parts.push(bytes.subarray(start));
    return parts;
  };

  it("the crypto shim (@noble/hashes) hashes exactly as node:crypto: createHash, createHmac, hash, in any chunking", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.string({ unit: "binary" }),
        (data, cuts, key, text) => {
          for (const alg of ["sha256", "sha1"] as const) {
            const a = nodeCrypto.createHash(alg);
            const b = shim.createHash(alg);
            for (const part of chunks(data, cuts)) {
              a.update(part);
              b.update(part);
            }
            expect(b.digest("hex")).to.equal(a.digest("hex"));
            expect(shim.createHash(alg).update(text).digest("hex")).to.equal(
              nodeCrypto.createHash(alg).update(text).digest("hex")
            );
          }
          expect(shim.createHmac("sha256", key).update(data).update(text).digest("hex")).to.equal(
            nodeCrypto.createHmac("sha256", key).update(data).update(text).digest("hex")
          );
          expect(shim.hash("sha256", text, "hex")).to.equal(nodeCrypto.hash("sha256", text, "hex"));
          expect(
            Buffer.from(shim.hash("sha256", data, "buffer") as Uint8Array).equals(
              nodeCrypto.hash("sha256", data, "buffer") as Buffer
            )
          ).to.equal(true);
        }
      ),
      { numRuns: 300 }
    );
    expect(() => shim.createHash("md5")).to.throw(/md5 is not available/);
  });

  it("the browser Buffer (the buffer package, base64url added) encodes and decodes base64url as Node does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString("base64url");
        expect(BrowserBuffer.from(bytes).toString("base64url")).to.equal(text);
        expect(BrowserBuffer.from(text, "base64url").equals(bytes)).to.equal(true);
        expect(BrowserBuffer.isEncoding("base64url")).to.equal(true);
      }),
      { numRuns: 500 }
    );
  });

  it("the crypto shim's randomness comes from the Web Crypto API: fresh bytes, RFC 4122 v4 UUIDs", () => {
    const a = shim.randomBytes(32);
    const b = shim.randomBytes(32);
    expect(a.length).to.equal(32);
    expect(a.equals(b)).to.equal(false);
    const big = shim.randomFillSync(new Uint8Array(70_000)); // over getRandomValues' 65,536-byte limit
    expect(big.subarray(65_536).some((x) => x !== 0)).to.equal(true);
    expect(shim.randomUUID()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("the fs shim serves the embedded data files byte for byte and refuses writes", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-shim-"));
    try {
      const entry = path.join(dir, "entry.ts");
      const names = EMBEDDED_FILE_PATHS.map((f) => path.basename(f));
      await writeFile(
        entry,
        `import { readFileSync, writeFileSync } from "node:fs";
        export const texts = ${JSON.stringify(
          names
        )}.map((n) => readFileSync(new URL("./x/" + n, "http://h/a/b.js"), "utf8"));
        export let refused = ""; try { writeFileSync("a", "b"); } catch (e) { refused = e.code; }
        export let missing = ""; try { readFileSync("nope.json"); } catch (e) { missing = e.code; }`
      );
      const out = await browserBuild(entry);
      const mod = (await import(
        `data:text/javascript;base64,${Buffer.from(out.outputFiles![0]!.text).toString("base64")}`
      )) as { texts: string[]; refused: string; missing: string };
      const expected = EMBEDDED_FILE_PATHS.map((f) =>
        readFileSync(new URL(`../../src/credential/${f}`, import.meta.url), "utf8")
      );
      expect(mod.texts).to.deep.equal(expected);
      expect(mod.refused).to.equal("EROFS");
      expect(mod.missing).to.equal("ENOENT");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the bundle's validators are compiled at build time: same verdicts and issues as Node's, and no code evaluated", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-validators-"));
    const src = (f: string) => JSON.stringify(path.resolve("src/credential", f));
    try {
      const entry = path.join(dir, "entry.ts");
      await writeFile(
        entry,
        `export { validateOpenBadgeCredential } from ${src("ob3-schema.ts")};
        export { validateClrCredential } from ${src("clr-schema.ts")};
        export { parseCredentialV3 } from ${src("v3/facts.ts")};`
      );
      const out = await browserBuild(entry, {
        inject: [path.resolve("src/web/shims/globals.ts")],
        define: { global: "globalThis" },
      });
      // A file, not a data: URL: the bundled modules resolve `new URL("./…", import.meta.url)`.
      const bundleFile = path.join(dir, "bundle.mjs");
      await writeFile(bundleFile, out.outputFiles![0]!.text);
      const bundled = (await import(pathToFileURL(bundleFile).href)) as {
        validateOpenBadgeCredential: typeof validateOpenBadgeCredential;
        validateClrCredential: typeof validateClrCredential;
        parseCredentialV3: typeof parseCredentialV3;
      };
      const batch = buildBatch(
        seedCourse("smart-contract-security", addr(ROLE.uva)),
        [learner("S1", addr(ROLE.holder), "8")],
        { chainId: 31337, registry: addr(ROLE.admin) }
      );
      const { proof: _proof, ...vc } = toVerifiableCredential(batch.credentials[0] as CredentialRecordV3) as Record<
        string,
        unknown
      >;
      const variants: unknown[] = [
        vc,
        {},
        { ...vc, validFrom: 12 },
        { ...vc, type: ["VerifiableCredential"] },
        { ...vc, credentialSubject: { id: 1 } },
        null,
      ];
      const evaluated: string[] = [];
      const RealFunction = globalThis.Function;
      // Any `new Function` / `Function(...)` while the bundle validates is code evaluated at run time: recorded, then refused.
      globalThis.Function = new Proxy(RealFunction, {
        construct(_t, args) {
          evaluated.push(String(args.at(-1)).slice(0, 60));
          throw new EvalError("eval during validation");
        },
        apply(_t, _this, args) {
          evaluated.push(String(args.at(-1)).slice(0, 60));
          throw new EvalError("eval during validation");
        },
      });
      let results: unknown[];
      try {
        results = variants.map((v) => [
          bundled.validateOpenBadgeCredential(v),
          bundled.validateClrCredential(v),
          bundled.parseCredentialV3(v),
          bundled.parseCredentialV3(v, { derived: true }),
        ]);
      } finally {
        globalThis.Function = RealFunction;
      }
      expect(evaluated).to.deep.equal([]);
      const expected = variants.map((v) => [
        validateOpenBadgeCredential(v),
        validateClrCredential(v),
        parseCredentialV3(v),
        parseCredentialV3(v, { derived: true }),
      ]);
      expect(JSON.parse(JSON.stringify(results))).to.deep.equal(JSON.parse(JSON.stringify(expected)));
      expect((results[0] as unknown[])[0]).to.deep.equal([]); // the issued credential conforms to OB 3.0
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a Node built-in without a shim fails the build, naming the importer", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-shim-"));
    try {
      const entry = path.join(dir, "entry.ts");
      await writeFile(entry, `import { spawn } from "node:child_process"; export const s = spawn;`);
      const failure = await browserBuild(entry).then(
        () => undefined,
        (e: Error) => e
      );
      expect(failure?.message).to.match(/node:child_process has no browser shim \(imported by .*entry\.ts\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("bundles both pages with no Node built-in left in the output, and reports their size", async () => {
    const bundle = await buildWebBundle();
    for (const page of ["wallet", "verifier"] as const) {
      expect(bundle.assets.has(`${page}.js`)).to.equal(true);
      expect(bundle.pageBytes[page]).to.be.greaterThan(10_000);
    }
    for (const [name, asset] of bundle.assets) {
      if (!name.endsWith(".js")) continue;
      const text = Buffer.from(asset.contents).toString("utf8");
      expect(text, name).to.not.match(/from\s*"node:|require\("node:|import\("node:/);
    }
    console.log(
      `      wallet page script ${Math.round(bundle.pageBytes.wallet / 1024)} KiB, verifier ${Math.round(
        bundle.pageBytes.verifier / 1024
      )} KiB, built in ${bundle.buildMs} ms`
    );
  });
});
