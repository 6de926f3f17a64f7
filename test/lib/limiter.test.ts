import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLimiter } from '../../src/lib/limiter.js';

test('createLimiter: never more than `slots` tasks at once, all run, in order of arrival', async () => {
  const limit = createLimiter(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await sleep(5);
        running -= 1;
        return i * 2;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i * 2));
  assert.deepEqual(started, [...started].sort((a, b) => a - b));
});

test('createLimiter: a failing task frees its slot and rejects only its own caller', async () => {
  const limit = createLimiter(1);
  const failed = limit(async () => {
    throw new Error('boom');
  });
  const ok = limit(async () => 'fine');
  await assert.rejects(failed, /boom/);
  assert.equal(await ok, 'fine');
  // A new caller arriving after the queue drained still gets a slot.
  assert.equal(await limit(async () => 'again'), 'again');
});

test('createLimiter.resize: more slots start waiting tasks at once; fewer slots close as tasks finish', async () => {
  const limit = createLimiter(1);
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const task = () =>
    limit(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
    });
  const tasks = Array.from({ length: 6 }, task);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 1);
  limit.resize(3);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 3, 'two waiting tasks started when the limit grew');
  limit.resize(1);
  gates.splice(0).forEach((open) => open()); // the three running finish
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 1, 'after shrinking, only one task runs');
  while (gates.length > 0) {
    gates.splice(0).forEach((open) => open());
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(running <= 1);
  }
  await Promise.all(tasks);
  assert.equal(peak, 3);
});
