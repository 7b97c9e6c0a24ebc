#!/usr/bin/env node
// The `credstack` command (package.json "bin"). The CLI is TypeScript and needs Node >= 22 (Hardhat
// 3, which `chain start` runs, requires it). Under an older Node this launcher re-executes itself
// with the Node 22 that the repository keeps as a devDependency (`node`, i.e. node_modules/.bin/node),
// passing arguments, stdio, signals and the exit status through; under Node >= 22 it registers
// tsx and runs src/cli/main.ts.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const major = Number(process.versions.node.split(".")[0]);

if (major < 22) {
  let node22;
  try {
    node22 = createRequire(import.meta.url).resolve("node/bin/node");
  } catch {
    process.stderr.write(
      `error: credstack needs Node.js 22 or newer (this is ${process.version}).\n` +
        "Install the project's devDependencies (npx -y -p node@22 -- npm install) or run it with Node 22.\n",
    );
    process.exit(2);
  }
  const child = spawn(node22, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  // Ctrl-C reaches the whole process group; a signal sent to this process alone is passed on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on("error", (error) => {
    process.stderr.write(`error: cannot start ${node22}: ${error.message}\n`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("./main.ts");
  await main(process.argv.slice(2));
}
