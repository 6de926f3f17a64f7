import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkerPool } from '../../../src/lib/worker-pool.js';

// src/lib/worker-pool.ts exists for the hashers' loops (phpass, sha512_symfony), so it is tested here.

const HANDLER = `(task) => {
  if (task === 'throw') throw new Error('handler failed');
  if (task === 'exit') process.exit(3);
  const { createHash } = require('node:crypto');
  return { doubled: task * 2, md5: createHash('md5').update(String(task)).digest('hex') };
}`;

describe('WorkerPool', () => {
  test('runs more tasks than workers, each result going to its own caller', async (t) => {
    const pool = new WorkerPool<number, { doubled: number; md5: string }>(HANDLER, { size: 2 });
    t.after(() => pool.close());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.run(i)));
    assert.deepEqual(results.map((r) => r.doubled), Array.from({ length: 10 }, (_, i) => i * 2));
    assert.equal(results[1]?.md5, 'c4ca4238a0b923820dcc509a6f75849b'); // md5("1")
  });

  test('a throwing handler rejects only its own task', async (t) => {
    const pool = new WorkerPool<unknown, unknown>(HANDLER, { size: 1 });
    t.after(() => pool.close());
    const [failed, ok] = await Promise.allSettled([pool.run('throw'), pool.run(4)]);
    assert.equal(failed?.status, 'rejected');
    assert.match(String((failed as PromiseRejectedResult).reason), /handler failed/);
    assert.deepEqual(ok, { status: 'fulfilled', value: { doubled: 8, md5: 'a87ff679a2f3e71d9181a67b7542122c' } });
  });

  test('a dying worker rejects its task and is replaced', async (t) => {
    const pool = new WorkerPool<unknown, { doubled: number }>(HANDLER, { size: 1 });
    t.after(() => pool.close());
    await assert.rejects(pool.run('exit'), /exited with code 3/);
    assert.equal((await pool.run(21)).doubled, 42);
  });

  test('close() rejects queued and later tasks', async () => {
    const pool = new WorkerPool<number, unknown>(HANDLER, { size: 1 });
    const queued = Promise.allSettled([pool.run(1), pool.run(2), pool.run(3)]);
    await pool.close();
    const settled = await queued;
    assert.ok(settled.slice(1).every((s) => s.status === 'rejected'));
    await assert.rejects(pool.run(4), /closed/);
  });
});
