/**
 * A background loop: runs `tick` at start, whenever woken, and at least every `intervalMs`. A tick that
 * reports work done (`true`) runs again at once, so a backlog drains without waiting for the interval.
 * A tick that throws is reported to `onError` and retried at the next interval, never crashing the process.
 */
export interface Poller {
  /** Run a tick soon (new work was announced). */
  wake(): void;
  /** Stops after the tick in progress, if any, has finished. */
  stop(): Promise<void>;
}

export function startPoller(tick: () => Promise<boolean>, options: { intervalMs: number; onError: (error: unknown) => void }): Poller {
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | undefined;
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, options.intervalMs);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  const loop = (async () => {
    while (!stopped) {
      woken = false;
      let more = false;
      try {
        more = await tick();
      } catch (error) {
        options.onError(error);
      }
      if (!more) await sleep();
    }
  })();
  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
