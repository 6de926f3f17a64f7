import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLimiter, QueueFullError, type Lane } from '../../src/lib/limiter.js';

const lane = (key: string, bounded = true): Lane => ({ key, bounded });
const roomy = { maxQueuedPerLane: 1000, maxQueued: 1000 };
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A task that runs until its gate is opened; `started` lists task names in the order they started. */
function gated(started: string[]) {
  const gates = new Map<string, () => void>();
  return {
    task: (name: string) => () =>
      new Promise<string>((resolve) => {
        started.push(name);
        gates.set(name, () => resolve(name));
      }),
    open: (name: string) => gates.get(name)!(),
  };
}

test('createLimiter: never more than `slots` tasks at once, all run, one lane in order of arrival', async () => {
  const limiter = createLimiter({ slots: 2, ...roomy });
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limiter.run(lane('a', false), async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await sleep(5);
        running -= 1;
        return i * 2;
      }),
    ),
  );
  assert.ok(peak <= 2);
  assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i * 2));
  assert.deepEqual(started, [...started].sort((a, b) => a - b));
});

test('createLimiter: a failing task frees its slot and rejects only its own caller', async () => {
  const limiter = createLimiter({ slots: 1, ...roomy });
  const failed = limiter.run(lane('a'), async () => {
    throw new Error('boom');
  });
  const ok = limiter.run(lane('a'), async () => 'fine');
  await assert.rejects(failed, /boom/);
  assert.equal(await ok, 'fine');
  assert.equal(await limiter.run(lane('b'), async () => 'again'), 'again');
  assert.equal(limiter.running, 0);
  assert.equal(limiter.queued, 0);
});

test('createLimiter: lanes take turns, so a flood in one lane does not delay another lane behind it', async () => {
  const limiter = createLimiter({ slots: 1, ...roomy });
  const started: string[] = [];
  const { task, open } = gated(started);
  const flood = Array.from({ length: 20 }, (_, i) => limiter.run(lane('flood'), task(`f${i}`)));
  const other = limiter.run(lane('other'), task('o0'));
  await turn();
  assert.deepEqual(started, ['f0']);
  open('f0');
  await turn();
  assert.deepEqual(started, ['f0', 'o0'], 'the other lane goes next, not after the 19 waiting flood tasks');
  open('o0');
  for (let i = 1; i < 20; i++) {
    await turn();
    open(`f${i}`);
  }
  await Promise.all([...flood, other]);
});

test('createLimiter: with several slots, one lane never holds them all while another lane waits', async () => {
  const limiter = createLimiter({ slots: 3, ...roomy });
  const started: string[] = [];
  const { task, open } = gated(started);
  const flood = Array.from({ length: 5 }, (_, i) => limiter.run(lane('flood'), task(`f${i}`)));
  await turn();
  assert.deepEqual(started, ['f0', 'f1', 'f2'], 'alone, a lane uses every slot');
  const other = limiter.run(lane('other'), task('o0'));
  open('f0');
  await turn();
  assert.deepEqual(started.slice(3), ['o0']);
  open('f1');
  await turn();
  assert.deepEqual(started.slice(4), ['f3']);
  for (const name of ['f2', 'o0', 'f3']) open(name);
  await turn();
  open('f4');
  await Promise.all([...flood, other]);
});

test('createLimiter: a full bounded lane refuses at once with QueueFullError and a Retry-After estimate; other lanes still get in', async () => {
  const limiter = createLimiter({ slots: 1, maxQueuedPerLane: 3, maxQueued: 100 });
  const started: string[] = [];
  const { task, open } = gated(started);
  const admitted = Array.from({ length: 4 }, (_, i) => limiter.run(lane('u1'), task(`a${i}`))); // 1 running + 3 waiting
  await assert.rejects(limiter.run(lane('u1'), task('refused')), (error: unknown) => {
    assert.ok(error instanceof QueueFullError);
    assert.ok(Number.isInteger(error.retryAfterSeconds) && error.retryAfterSeconds >= 1 && error.retryAfterSeconds <= 60);
    return true;
  });
  const other = limiter.run(lane('u2'), task('b0'));
  const unbounded = limiter.run(lane('import', false), task('i0'));
  await assert.rejects(limiter.runAll(lane('u1'), [task('x'), task('y')]), QueueFullError, 'all or none');
  for (const name of ['a0', 'b0', 'i0', 'a1', 'a2', 'a3']) {
    await turn();
    open(name);
  }
  await Promise.all([...admitted, other, unbounded]);
  assert.ok(!started.includes('refused') && !started.includes('x'));
});

test('createLimiter: the total bound across lanes, and unbound() lifting every bound', async () => {
  const limiter = createLimiter({ slots: 1, maxQueuedPerLane: 10, maxQueued: 4 });
  const started: string[] = [];
  const { task, open } = gated(started);
  const admitted = Array.from({ length: 5 }, (_, i) => limiter.run(lane(`u${i}`), task(`a${i}`)));
  await assert.rejects(limiter.run(lane('u9'), task('refused')), QueueFullError);
  limiter.unbound(true);
  const late = limiter.run(lane('u9'), task('late'));
  for (const name of ['a0', 'a1', 'a2', 'a3', 'a4', 'late']) {
    await turn();
    open(name);
  }
  await Promise.all([...admitted, late]);
});

test('createLimiter.resize: more slots start waiting tasks at once', async () => {
  const limiter = createLimiter({ slots: 1, ...roomy });
  const started: string[] = [];
  const { task, open } = gated(started);
  const tasks = ['a', 'b', 'c'].map((name, i) => limiter.run(lane(`l${i}`), task(name)));
  await turn();
  assert.equal(started.length, 1);
  limiter.resize(3);
  await turn();
  assert.equal(started.length, 3);
  for (const name of ['a', 'b', 'c']) open(name);
  await Promise.all(tasks);
});
