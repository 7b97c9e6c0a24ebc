import { Worker, type ResourceLimits } from "node:worker_threads";

/** A task's transferable buffers (moved, not copied, to the other thread). */
export type Transfer = ArrayBuffer[];

interface Job {
  task: unknown;
  transfer: Transfer;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * A fixed set of worker threads running `entry`, one task at a time each; tasks queue in order.
 * The worker answers each message with `{ ok: true, result }` or `{ ok: false, error }`.
 * A worker that crashes fails its task and every queued one: the pool is then closed.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly busy = new Map<Worker, Job>();
  private failure: unknown;
  private closed = false;

  /**
   * @param unrefIdle Idle workers do not keep the process alive (for a pool kept between calls);
   * a worker with a task does.
   */
  constructor(entry: URL, size: number, resourceLimits?: ResourceLimits, private readonly unrefIdle = false) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(entry, { resourceLimits });
      if (unrefIdle) worker.unref();
      worker.on("message", (message: { ok: boolean; result?: unknown; error?: { name: string; message: string; stack?: string } }) => {
        const job = this.busy.get(worker)!;
        this.busy.delete(worker);
        if (message.ok) job.resolve(message.result);
        else job.reject(Object.assign(new Error(message.error!.message), { name: message.error!.name, stack: message.error!.stack }));
        if (this.unrefIdle) worker.unref();
        this.idle.push(worker);
        this.pump();
      });
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (!this.closed) this.fail(new Error(`worker thread exited with code ${code}`));
      });
      this.idle.push(worker);
    }
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.queue.length + this.busy.size;
  }

  /** Runs `task` on the next free worker. */
  run<T>(task: unknown, transfer: Transfer = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      try {
        worker.postMessage(job.task, job.transfer);
      } catch (error) {
        // The task cannot be copied to a thread (e.g. it holds a function): that task fails, the worker stays free.
        this.idle.push(worker);
        job.reject(error);
        continue;
      }
      this.busy.set(worker, job);
      if (this.unrefIdle) worker.ref();
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const job of [...this.busy.values(), ...this.queue.splice(0)]) job.reject(error);
    const workers = [...this.busy.keys()];
    this.busy.clear();
    this.idle.push(...workers);
    void this.close();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
