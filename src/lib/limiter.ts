/**
 * Who a task is for. Tasks of one lane run in order of arrival; lanes take turns, so one lane's flood
 * does not starve the others. A bounded lane's queue has a length limit (a task beyond it is refused at
 * once with QueueFullError); an unbounded lane (an operator's import, which may wait) has none.
 */
export interface Lane {
  key: string;
  bounded: boolean;
}

export interface LimiterOptions {
  /** Tasks that run at once. */
  slots: number;
  /** Tasks one bounded lane may have waiting. */
  maxQueuedPerLane: number;
  /** Tasks all bounded lanes together may have waiting. */
  maxQueued: number;
}

export interface Limiter {
  /** Runs `task` when a slot is free and it is `lane`'s turn; QueueFullError at once when `lane`'s queue is full. */
  run<T>(lane: Lane, task: () => Promise<T>): Promise<T>;
  /** Runs all of `tasks` in `lane`, or none of them (QueueFullError) when they do not all fit its queue. */
  runAll<T>(lane: Lane, tasks: (() => Promise<T>)[]): Promise<T[]>;
  /** Changes how many tasks may run at once; more slots start waiting tasks at once. */
  resize(slots: number): void;
  /** Lifts (or restores) every queue bound: for a process that serves no requests. */
  unbound(unbounded: boolean): void;
  readonly running: number;
  readonly queued: number;
}

/** Refused because the lane's queue is full; `retryAfterSeconds` estimates when there will be room. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor(readonly retryAfterSeconds: number) {
    super('the queue is full');
  }
}

interface LaneState {
  waiting: { start: () => void; bounded: boolean }[];
  running: number;
  /** When the lane last started a task (a counter), for taking turns. */
  served: number;
}

/**
 * At most `slots` tasks at once, lanes served in turn (round robin), and one lane never holds every slot
 * while another waits (it may use slots - 1, or the only one). Used for password hashing, which runs on
 * libuv's thread pool: it keeps hashing from taking every core from the event loop, one user's guesses
 * from delaying everyone else's sign-in, and a flood from queueing for minutes.
 */
export function createLimiter(options: LimiterOptions): Limiter {
  let slots = Math.max(1, options.slots);
  let unbounded = false;
  let running = 0;
  let boundedQueued = 0;
  let queued = 0;
  const lanes = new Map<string, LaneState>();
  /** Lanes with waiting tasks. */
  const turns: string[] = [];
  let serveCount = 0;
  /** Average task duration (ms), for Retry-After. */
  let averageMs = 100;

  const perLaneRunning = () => Math.max(1, slots - 1);

  function laneOf(lane: Lane): LaneState {
    let state = lanes.get(lane.key);
    if (!state) lanes.set(lane.key, (state = { waiting: [], running: 0, served: 0 }));
    return state;
  }

  /**
   * Starts waiting tasks while there are free slots. The next task comes from the lane with the fewest
   * running, and among those the one served longest ago; a lane at its cap waits while others do.
   */
  function dispatch(): void {
    while (running < slots && turns.length > 0) {
      let best = 0;
      for (let i = 1; i < turns.length; i++) {
        const a = lanes.get(turns[i]!)!;
        const b = lanes.get(turns[best]!)!;
        if (a.running < b.running || (a.running === b.running && a.served < b.served)) best = i;
      }
      const key = turns[best]!;
      const state = lanes.get(key)!;
      if (turns.length > 1 && state.running >= perLaneRunning()) return; // every waiting lane is at its cap
      const next = state.waiting.shift()!;
      if (state.waiting.length === 0) turns.splice(best, 1);
      queued -= 1;
      if (next.bounded) boundedQueued -= 1;
      running += 1;
      state.running += 1;
      state.served = ++serveCount;
      next.start();
    }
  }

  /** Seconds until this lane's queue has drained, at the current pace, with the other lanes taking turns. */
  function retryAfter(lane: LaneState): number {
    const ahead = Math.max(1, lane.waiting.length) * Math.max(1, turns.length);
    return Math.min(60, Math.max(1, Math.ceil((ahead * averageMs) / slots / 1000)));
  }

  function admit(lane: Lane, count: number): LaneState {
    const state = laneOf(lane);
    if (lane.bounded && !unbounded && count > 0) {
      const free = running + count <= slots && turns.length === 0;
      if (!free && (state.waiting.length + count > options.maxQueuedPerLane || boundedQueued + count > options.maxQueued)) {
        if (state.running === 0 && state.waiting.length === 0) lanes.delete(lane.key);
        throw new QueueFullError(retryAfter(state));
      }
    }
    return state;
  }

  async function runAdmitted<T>(lane: Lane, state: LaneState, task: () => Promise<T>): Promise<T> {
    const key = lane.key;
    await new Promise<void>((resolve) => {
      state.waiting.push({ start: resolve, bounded: lane.bounded });
      queued += 1;
      if (lane.bounded) boundedQueued += 1;
      if (state.waiting.length === 1 && !turns.includes(key)) turns.push(key);
      dispatch();
    });
    const started = performance.now();
    try {
      return await task();
    } finally {
      averageMs = averageMs * 0.9 + (performance.now() - started) * 0.1;
      running -= 1;
      state.running -= 1;
      if (state.running === 0 && state.waiting.length === 0) lanes.delete(key);
      dispatch();
    }
  }

  return {
    run(lane, task) {
      try {
        return runAdmitted(lane, admit(lane, 1), task);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    runAll(lane, tasks) {
      try {
        const state = admit(lane, tasks.length);
        return Promise.all(tasks.map((task) => runAdmitted(lane, state, task)));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    resize(next) {
      slots = Math.max(1, next);
      dispatch();
    },
    unbound(value) {
      unbounded = value;
    },
    get running() {
      return running;
    },
    get queued() {
      return queued;
    },
  };
}
