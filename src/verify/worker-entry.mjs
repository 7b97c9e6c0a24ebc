// Entry point of the verifier's worker threads. The SDK is TypeScript run through tsx, and loader
// hooks are per thread, so each worker registers tsx before loading the real worker.
import { register } from "tsx/esm/api";

register();
await import("./offline-worker.ts");
