import { parentPort } from "node:worker_threads";
import { keccakReady } from "../credential/keccak.js";
import { validateOpenBadgeCredential } from "../credential/ob3-schema.js";
import { offlineChecks, type Pending, type VerifyInput } from "./offline.js";

/** A chunk of credentials for a worker thread: their offline checks. */
export interface OfflineTask {
  inputs: VerifyInput[];
  at: number;
  maxBytes: number;
}

// Compile the OB 3.0 schema now, while the thread starts, not during the first chunk.
validateOpenBadgeCredential({});

/** Worker thread of the verifier: runs the offline checks of a chunk of credentials per message. */
parentPort!.on("message", async (task: OfflineTask) => {
  try {
    await keccakReady;
    const result: Pending[] = task.inputs.map((input) => offlineChecks(input, task.at, task.maxBytes));
    parentPort!.postMessage({ ok: true, result });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
