export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  /** Changes how many tasks may run at once; more slots start waiting tasks at once. */
  resize(slots: number): void;
}

/**
 * At most `slots` tasks run at once; the rest wait in order. Used to keep CPU-heavy work that runs on
 * libuv's thread pool (password hashing) from taking every core away from the event loop.
 */
export function createLimiter(slots: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  const limit = async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (running < slots) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = running <= slots ? waiting.shift() : undefined; // after a shrink, slots above the limit close
      if (next) next();
      else running -= 1;
    }
  } as Limiter;
  limit.resize = (next: number) => {
    slots = Math.max(1, next);
    while (running < slots && waiting.length > 0) {
      running += 1;
      waiting.shift()!();
    }
  };
  return limit;
}
