import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { VALIDATOR_NAMES } from "../../credential/precompiled-validators.js";
import { validatorSources } from "./validators.js";

/**
 * The esbuild plugin that lets the browser bundle use the same modules as Node (src/credential,
 * src/verify, src/present): each Node built-in they import resolves to a shim in src/web/shims, and
 * the data files they read (the vendored JSON Schemas and JSON-LD contexts) are embedded. A built-in
 * without a shim fails the build, naming the importer: nothing Node-only slips into a page unnoticed.
 */

const SHIMS_DIR = fileURLToPath(new URL("../shims/", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CREDENTIAL_DIR = fileURLToPath(new URL("../../credential/", import.meta.url));

/** Built-in → shim file. */
const SHIMS: Readonly<Record<string, string>> = {
  crypto: "crypto.ts",
  fs: "fs.ts",
  os: "runtime.ts",
  path: "runtime.ts",
  url: "runtime.ts",
  module: "runtime.ts",
  worker_threads: "runtime.ts",
};

/**
 * Data files the shared modules read at run time with `readFileSync(new URL(…, import.meta.url))`: the JSON-LD
 * contexts (the signature check's document loader). The JSON Schemas are not among them: the bundle's validators
 * are compiled at build time (`./validators.ts`), so the modules that would read the schemas never do in a page.
 */
export const EMBEDDED_FILE_PATHS: readonly string[] = [
  "contexts/credstack-v3.jsonld",
  "contexts/clr-v2p0-context-2.0.1.json",
];

/** Packages whose `package.json` version a shared module reads (ob3-schema's validator cache key). */
const VERSIONED_PACKAGES = ["ajv", "ajv-formats"] as const;

const require = createRequire(import.meta.url);

function embeddedFilesModule(): string {
  const files: Record<string, string> = {};
  for (const file of EMBEDDED_FILE_PATHS) {
    const name = path.basename(file);
    if (name in files)
      throw new Error(`Two embedded files are named ${name}: the browser fs shim looks files up by name.`);
    files[name] = readFileSync(path.join(CREDENTIAL_DIR, file), "utf8");
  }
  const versions = Object.fromEntries(
    VERSIONED_PACKAGES.map((name) => [name, (require(`${name}/package.json`) as { version: string }).version])
  );
  return (
    `export const EMBEDDED_FILES = ${JSON.stringify(files)};\n` +
    `export const EMBEDDED_PACKAGE_VERSIONS = ${JSON.stringify(versions)};\n`
  );
}

/** `precompiled-validators.ts` for the browser: each validator's standalone code, imported as a CommonJS module. */
function precompiledValidatorsModule(): string {
  const names = VALIDATOR_NAMES.map((name, i) => [name, `v${i}`] as const);
  return [
    ...names.map(([name, v]) => `import ${v} from "credstack:validator/${name}";`),
    `const VALIDATORS = { ${names.map(([name, v]) => `${JSON.stringify(name)}: ${v}`).join(", ")} };`,
    `export const VALIDATOR_NAMES = ${JSON.stringify(VALIDATOR_NAMES)};`,
    "export function precompiledValidator(name) { return VALIDATORS[name]; }",
  ].join("\n");
}

/**
 * The plugin: `node:x` / `x` built-ins → shims; `credstack:embedded-files` → the embedded data; the shared modules'
 * `precompiled-validators.js` → the validators ajv generates now (src/web/build/validators.ts).
 */
export function nodeShims(): Plugin {
  let sources: Record<string, string> | undefined;
  return {
    name: "credstack-node-shims",
    setup(build) {
      build.onResolve({ filter: /^credstack:embedded-files$/ }, () => ({
        path: "embedded-files",
        namespace: "credstack",
      }));
      build.onLoad({ filter: /^embedded-files$/, namespace: "credstack" }, () => ({
        contents: embeddedFilesModule(),
        loader: "js",
      }));
      build.onResolve({ filter: /\/precompiled-validators\.js$/ }, (args) =>
        args.importer.startsWith(path.join(PACKAGE_ROOT, "src", "credential"))
          ? { path: "validators", namespace: "credstack" }
          : undefined
      );
      build.onLoad({ filter: /^validators$/, namespace: "credstack" }, () => ({
        contents: precompiledValidatorsModule(),
        loader: "js",
      }));
      build.onResolve({ filter: /^credstack:validator\// }, (args) => ({
        path: args.path.slice("credstack:validator/".length),
        namespace: "credstack-validator",
      }));
      build.onLoad({ filter: /.*/, namespace: "credstack-validator" }, (args) => {
        sources ??= validatorSources();
        const code = sources[args.path];
        if (code === undefined) return { errors: [{ text: `no validator named ${args.path}` }] };
        return { contents: code, loader: "js", resolveDir: PACKAGE_ROOT };
      });
      build.onResolve(
        {
          filter:
            /^(node:)?(crypto|fs|fs\/promises|os|path|url|module|worker_threads|child_process|net|http|https|stream|util|events|perf_hooks|readline|zlib|buffer|process|assert|tty)$/,
        },
        (args) => {
          const name = args.path.replace(/^node:/, "");
          if (name === "buffer") return { path: require.resolve("buffer/") };
          const shim = SHIMS[name];
          if (shim) return { path: path.join(SHIMS_DIR, shim) };
          // Packages with a "browser" field never get here for their own Node paths; shared modules do.
          if (!args.path.startsWith("node:") && !/\/src\//.test(args.importer)) return undefined;
          return {
            errors: [
              { text: `${args.path} has no browser shim (imported by ${path.relative(process.cwd(), args.importer)})` },
            ],
          };
        }
      );
    },
  };
}
