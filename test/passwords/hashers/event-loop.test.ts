import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { test } from 'node:test';
import { hashers } from '../../../src/passwords/hashers/index.js';
import { encode64 } from '../../../src/passwords/hashers/portable-phpass.js';

// Verification must run off the event loop (worker pool, libuv). These check that, without timing
// anything (timing belongs in bench/): while the hashes run, the event loop keeps turning, which we see
// by counting how often a self-rescheduling setImmediate gets to run.

/** Enough loop turns that the work cannot have held the loop: a blocked loop turns about once. */
const MIN_TURNS = 50;

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

/** Runs `work` and counts the event-loop turns that happened while it ran. */
async function countTurns(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  running = false;
  return turns;
}

test('8 phpass, 8 pbkdf2 and 4 sha512_symfony verifications in flight do not block the event loop', async () => {
  const phpass = phpassDigest('Password123!', 'abcdefgh', 16);
  const pbkdf2 = `pbkdf2_sha512$200000$salt$${pbkdf2Sync('Password123!', 'salt', 200_000, 64, 'sha512').toString('hex')}`;
  const symfony = symfonyDigest('Password123!', 'salt', 50_000);

  let results: boolean[] = [];
  const turns = await countTurns(async () => {
    results = await Promise.all([
      ...Array.from({ length: 8 }, () => hashers.phpass.verify(phpass, 'Password123!')),
      ...Array.from({ length: 8 }, () => hashers.pbkdf2_sha512.verify(pbkdf2, 'Password123!')),
      ...Array.from({ length: 4 }, () => hashers.sha512_symfony.verify(symfony, 'Password123!')),
    ]);
  });

  assert.deepEqual(results, Array(20).fill(true));
  assert.ok(turns >= MIN_TURNS, `the event loop turned only ${turns} times while 20 verifications ran`);
});

test('the probe itself sees a blocked loop when the same kind of loop runs on the event loop', async () => {
  const turns = await countTurns(async () => {
    phpassDigest('Password123!', 'abcdefgh', 18); // ~0.4 s of synchronous MD5, on the event loop
  });
  assert.ok(turns < MIN_TURNS, `a blocking loop went unnoticed (${turns} turns)`);
});
