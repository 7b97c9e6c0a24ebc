#!/usr/bin/env node
// Installs the project's dependencies when node_modules is missing or stale, so that `npm run demo` and
// `npm test` work on a fresh clone (package.json runs this as `predemo` and `pretest`).
//
// Plain JavaScript without dependencies: on a fresh clone it runs under whatever Node launched npm (20
// or >= 22); once installed, npm's PATH resolves `node` to the `node@22` devDependency. When everything
// is in place it prints nothing and takes a few milliseconds. Otherwise it runs
// `npx -y -p node@22 -- npm install --no-audit --no-fund` (npm under Node 22, which Hardhat 3 and its
// native EDR package need), checks again, and exits non-zero with the reason when the install failed or
// left something missing. `npm install` (from the lock) rather than `npm ci`: it completes a stale
// node_modules in place instead of deleting it. `node scripts/ensure-install.mjs --check` only reports
// (exit 1 if incomplete).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const INSTALL_ARGS = ["-y", "-p", "node@22", "--", "npm", "install", "--no-audit", "--no-fund"];

/** Files that must exist after a complete install: the tools the npm scripts run. */
const REQUIRED_FILES = [
  "node_modules/.bin/hardhat",
  "node_modules/.bin/tsc",
  // The Node 22 binary, put there by the `node` package's install script (not by npm itself).
  process.platform === "win32" ? "node_modules/node/bin/node.exe" : "node_modules/node/bin/node",
];

/** Parses a JSON file, or returns undefined when it is absent or unreadable. */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
  } catch {
    return undefined;
  }
}

/** Same keys with the same values (dependency maps: flat objects of strings). */
function sameMap(a = {}, b = {}) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Why node_modules does not match package.json and package-lock.json, or undefined when it does.
 * Compares the lock with npm's record of what it installed (node_modules/.package-lock.json):
 * every package of the lock at the locked version and on disk, optional ones (other platforms'
 * binaries) only if installed.
 */
function whyIncomplete() {
  const manifest = readJson("package.json");
  const lock = readJson("package-lock.json");
  if (!manifest || !lock?.packages) return "package.json or package-lock.json is unreadable";
  const locked = lock.packages[""] ?? {};
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    if (!sameMap(manifest[field], locked[field])) return `package-lock.json's ${field} differ from package.json's`;
  }
  const installed = readJson("node_modules/.package-lock.json")?.packages;
  if (!installed) return "node_modules is not installed";
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/")) continue;
    const have = installed[key];
    if (!have) {
      if (entry.optional) continue;
      return `${key.slice("node_modules/".length)} is not installed`;
    }
    if (have.version !== entry.version) {
      return `${key.slice("node_modules/".length)} is ${have.version}, the lock says ${entry.version}`;
    }
    // npm's record outlives a package folder deleted by hand.
    if (!have.link && !existsSync(path.join(ROOT, key, "package.json"))) return `${key} is missing`;
  }
  for (const file of REQUIRED_FILES) {
    if (!existsSync(path.join(ROOT, file)) || statSync(path.join(ROOT, file)).size === 0) return `${file} is missing`;
  }
  return undefined;
}

/** The npx to run: the one beside the npm that launched us, else `npx` on the PATH. */
function npxCommand() {
  const npmCli = process.env.npm_execpath;
  const npxCli = npmCli ? path.join(path.dirname(npmCli), "npx-cli.js") : undefined;
  if (npxCli && existsSync(npxCli)) return [process.env.npm_node_execpath || process.execPath, [npxCli]];
  return [process.platform === "win32" ? "npx.cmd" : "npx", []];
}

function main() {
  const reason = whyIncomplete();
  if (!reason) return 0;
  if (process.argv.includes("--check")) {
    console.error(`credstack: dependencies incomplete: ${reason}.`);
    return 1;
  }
  const [command, prefix] = npxCommand();
  console.error(`credstack: ${reason}; installing (npx ${INSTALL_ARGS.join(" ")})…`);
  const run = spawnSync(command, [...prefix, ...INSTALL_ARGS], { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : run.signal ? `signal ${run.signal}` : `exit code ${run.status}`;
    console.error(`credstack: the install failed (${why}). Run it by hand: npx ${INSTALL_ARGS.join(" ")}`);
    return 1;
  }
  const still = whyIncomplete();
  if (still) {
    console.error(`credstack: the install finished but ${still}. Remove node_modules and run: npx ${INSTALL_ARGS.join(" ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
