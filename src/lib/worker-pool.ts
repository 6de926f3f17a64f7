import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * A fixed number of worker threads that all run one handler, fed from a FIFO queue.
 *
 * Why: some work has no async equivalent in node:crypto, e.g. legacy password schemes that are a
 * JavaScript loop of thousands to millions of MD5/SHA-512 rounds (phpass, Symfony). On the main
 * thread such a loop would stall every request for up to a second.
 *
 * The handler is JavaScript *source*: a function expression `(task) => result` that may `require`
 * Node built-ins only. Workers run it with `eval: true`, so there is no worker file to locate, and the
 * same code works under tsx (tests) and compiled to dist/. Workers start lazily, one job each at a
 * time, and are unref'd while idle so that an idle pool never keeps the process alive.
 */
export class WorkerPool<Task, Result> {
  readonly #source: string;
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #closed = false;

  constructor(handlerSource: string, options: { size?: number } = {}) {
    this.#source = wrap(handlerSource);
    // Leave a core to the event loop; 4 matches libuv's default thread pool, which native hashing uses.
    this.#size = options.size ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  }

  /** Runs the handler on `task` in a worker; rejects if the handler throws or the worker dies. */
  run(task: Task): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ task, resolve: resolve as (value: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Rejects queued jobs and stops every worker (graceful shutdown, tests). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('worker pool is closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    while (!this.#closed && this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.job === undefined) ?? this.#spawn();
      if (!slot) return; // every worker is busy; the next reply dispatches again
      const job = this.#queue.shift() as Job;
      slot.job = job;
      slot.worker.ref(); // a job in flight must keep the process alive until it settles
      slot.worker.postMessage(job.task);
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    // execArgv: [] keeps the parent's loaders (e.g. tsx) out of a worker that runs plain JavaScript;
    // the heap cap makes a runaway handler kill its worker, not the server.
    const worker = new Worker(this.#source, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const slot: Slot = { worker, job: undefined };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = slot.job;
      slot.job = undefined;
      worker.unref();
      if (reply.ok) job?.resolve(reply.value);
      else job?.reject(new Error(reply.message));
      this.#dispatch();
    });
    const fail = (error: Error) => {
      const index = this.#slots.indexOf(slot);
      if (index !== -1) this.#slots.splice(index, 1);
      slot.job?.reject(error);
      slot.job = undefined;
      this.#dispatch(); // a replacement worker picks up the queue
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }
}

interface Job {
  task: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

type Reply = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * The worker's side of the protocol: one message in, one reply out. Written to run both as a
 * CommonJS and as an ES module script (a parent started with `--input-type=module` makes eval'd
 * workers ESM), so it imports dynamically and hands the handler a `require` made by createRequire.
 */
function wrap(handlerSource: string): string {
  return `(async () => {
  const { parentPort } = await import('node:worker_threads');
  const require = (await import('node:module')).createRequire(process.cwd() + '/');
  const handle = (${handlerSource});
  parentPort.on('message', (task) => {
    let reply;
    try {
      reply = { ok: true, value: handle(task) };
    } catch (error) {
      reply = { ok: false, message: String((error && error.message) || error) };
    }
    parentPort.postMessage(reply);
  });
})();
`;
}
