import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { hashers } from '../../../src/passwords/hashers/index.js';
import { encode64 } from '../../../src/passwords/hashers/portable-phpass.js';

// Verification must run off the event loop (worker pool, libuv). These are correctness checks of
// that, not benchmarks: the bound is generous, and the slow digests are built before measuring.

const MAX_DELAY_MS = 200;

/** A reference phpass, run synchronously here to build a slow (2^16-round) digest. */
function phpassDigest(password: string, salt: string, log2: number): string {
  const pw = Buffer.from(password, 'utf8');
  let h = createHash('md5').update(salt).update(pw).digest();
  for (let i = 0; i < 2 ** log2; i++) h = createHash('md5').update(h).update(pw).digest();
  return `$P$${'./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.charAt(log2)}${salt}${encode64(h)}`;
}

function symfonyDigest(password: string, salt: string, iterations: number): string {
  const s = Buffer.from(`${password}{${salt}}`, 'utf8');
  let d = createHash('sha512').update(s).digest();
  for (let i = 1; i < iterations; i++) d = createHash('sha512').update(d).update(s).digest();
  return `sha512_symfony$${iterations}$${salt}$${d.toString('base64')}`;
}

/** Runs `work` while sampling the event loop; returns the longest stall and how many 5 ms timer ticks ran. */
async function measure(work: () => Promise<unknown>): Promise<{ maxDelayMs: number; ticks: number; elapsedMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  histogram.enable();
  await work();
  histogram.disable();
  clearInterval(timer);
  return { maxDelayMs: histogram.max / 1e6, ticks, elapsedMs: performance.now() - started };
}

test('8 phpass, 8 pbkdf2 and 4 sha512_symfony verifications in flight do not block the event loop', async () => {
  const phpass = phpassDigest('Password123!', 'abcdefgh', 16);
  const pbkdf2 = `pbkdf2_sha512$200000$salt$${pbkdf2Sync('Password123!', 'salt', 200_000, 64, 'sha512').toString('hex')}`;
  const symfony = symfonyDigest('Password123!', 'salt', 50_000);

  let results: boolean[] = [];
  const { maxDelayMs, ticks, elapsedMs } = await measure(async () => {
    results = await Promise.all([
      ...Array.from({ length: 8 }, () => hashers.phpass.verify(phpass, 'Password123!')),
      ...Array.from({ length: 8 }, () => hashers.pbkdf2_sha512.verify(pbkdf2, 'Password123!')),
      ...Array.from({ length: 4 }, () => hashers.sha512_symfony.verify(symfony, 'Password123!')),
    ]);
  });

  assert.deepEqual(results, Array(20).fill(true));
  assert.ok(maxDelayMs < MAX_DELAY_MS, `event loop stalled ${maxDelayMs.toFixed(0)} ms`);
  // A 5 ms timer kept firing while the hashes ran (at least one tick per 50 ms).
  assert.ok(ticks >= Math.floor(elapsedMs / 50), `${ticks} timer ticks in ${elapsedMs.toFixed(0)} ms`);
});

test('the probe itself sees a stall when the same kind of loop runs on the event loop', async () => {
  const { maxDelayMs } = await measure(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    phpassDigest('Password123!', 'abcdefgh', 18); // ~0.4 s of synchronous MD5
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  assert.ok(maxDelayMs >= MAX_DELAY_MS, `a blocking loop went unnoticed (max delay ${maxDelayMs.toFixed(0)} ms)`);
});
