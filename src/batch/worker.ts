import { parentPort } from "node:worker_threads";
import { runTask, type DraftResult, type DraftTask, type WriteTask } from "./shard-tasks.js";

/** Worker thread of the batch builder: runs shard tasks, one message at a time. */
parentPort!.on("message", async (task: DraftTask | WriteTask) => {
  try {
    const result = (await runTask(task)) as DraftResult | undefined;
    const transfer = result ? result.layers.map((l) => l.buffer as ArrayBuffer) : [];
    parentPort!.postMessage({ ok: true, result }, transfer);
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ ok: false, error: { name: e.name, message: e.message, stack: e.stack } });
  }
});
