import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { verify } from '@node-rs/bcrypt';

import {
  findBackupCode,
  generateBackupCodes,
  hashBackupCodes,
  InvalidBackupCodeError,
} from '../../src/mfa/backup-codes.js';

// Known digest of "U*U" from the crypt_blowfish (OpenBSD) test vectors: made by another implementation, cost 5.
const IMPORTED_PLAIN = 'U*U';
const IMPORTED_2A = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const IMPORTED_2Y = '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'; // PHP's prefix, same algorithm

describe('generateBackupCodes', () => {
  test('10 codes of 8 lower-case alphanumerics by default, all different', () => {
    const codes = generateBackupCodes();
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[a-z0-9]{8}$/);
    assert.equal(new Set(codes).size, 10);
  });

  test('honours count and refuses nonsense counts', () => {
    assert.equal(generateBackupCodes(3).length, 3);
    for (const bad of [0, -1, 1.5, 21, Number.NaN]) assert.throws(() => generateBackupCodes(bad), RangeError, String(bad));
  });

  test('uses the whole alphabet roughly evenly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const code of Array.from({ length: 250 }, () => generateBackupCodes(20)).flat()) {
      for (const ch of code) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    // 40 000 characters over 36 symbols: ≈1111 each; a biased generator drifts far outside ±25 %.
    assert.equal(counts.size, 36);
    for (const [ch, n] of counts) assert.ok(n > 833 && n < 1389, `${ch}: ${n}`);
  });
});

describe('hashBackupCodes', () => {
  test('hashes plain codes with bcrypt cost 10', async () => {
    const [digest] = await hashBackupCodes(['abcd1234']);
    assert.match(digest!, /^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    assert.equal(await verify('abcd1234', digest!), true);
  });

  test('keeps bcrypt digests as they are and keeps the order', async () => {
    const digests = await hashBackupCodes(['plain001', IMPORTED_2A, 'plain002', IMPORTED_2Y]);
    assert.equal(digests.length, 4);
    assert.equal(digests[1], IMPORTED_2A);
    assert.equal(digests[3], IMPORTED_2Y);
    assert.equal(await verify('plain001', digests[0]!), true);
    assert.equal(await verify('plain002', digests[2]!), true);
  });

  test('an empty list gives an empty list', async () => {
    assert.deepEqual(await hashBackupCodes([]), []);
  });

  test('rejects empty codes, more than 20 codes, and codes over 72 bytes', async () => {
    await assert.rejects(hashBackupCodes(['abcd1234', '']), InvalidBackupCodeError);
    await assert.rejects(hashBackupCodes(Array.from({ length: 21 }, (_, i) => `code${i}`)), InvalidBackupCodeError);
    await assert.rejects(hashBackupCodes(['a'.repeat(73)]), InvalidBackupCodeError);
    await assert.rejects(hashBackupCodes(['é'.repeat(37)]), InvalidBackupCodeError, '74 bytes in 37 characters');
    assert.equal((await hashBackupCodes(['a'.repeat(72)])).length, 1);
  });

  test('rejects malformed or too-costly bcrypt digests instead of hashing them as plain codes', async () => {
    for (const bad of [
      IMPORTED_2A.replace('$05$', '$13$'), // over the cost cap
      IMPORTED_2A.replace('$05$', '$03$'), // under bcrypt's minimum
      IMPORTED_2A.replace('$2a$', '$2x$'), // crypt_blowfish's buggy-variant prefix
      IMPORTED_2A.slice(0, -1), // 59 characters
      IMPORTED_2A + 'a', // 61 characters
      IMPORTED_2A.slice(0, -1) + '!', // outside bcrypt's base64
    ]) {
      await assert.rejects(hashBackupCodes([bad]), InvalidBackupCodeError, bad);
    }
    // Cost 12 is the limit and is accepted (checked by shape only; nothing is hashed).
    assert.deepEqual(await hashBackupCodes([IMPORTED_2A.replace('$05$', '$12$')]), [IMPORTED_2A.replace('$05$', '$12$')]);
  });

  test('bounds the work of one attempt: 10 digests of cost 12 or 20 of cost 11 pass, one more does not', async () => {
    const ofCost = (cost: number, n: number) => Array.from({ length: n }, () => IMPORTED_2A.replace('$05$', `$${cost}$`));
    assert.equal((await hashBackupCodes(ofCost(12, 10))).length, 10);
    assert.equal((await hashBackupCodes(ofCost(11, 20))).length, 20);
    assert.equal((await hashBackupCodes(ofCost(10, 20))).length, 20);
    await assert.rejects(hashBackupCodes(ofCost(12, 11)), /take too long to check/);
    await assert.rejects(hashBackupCodes([...ofCost(12, 10), 'plain001']), InvalidBackupCodeError, 'a plain code costs a cost-10 hash');
    // What issue 11 measured: 100 digests of cost 15, 126 s of hashing per attempt.
    await assert.rejects(hashBackupCodes(ofCost(15, 100)), InvalidBackupCodeError);
  });
});

describe('findBackupCode', () => {
  test('finds the matching digest, for generated codes and for an imported digest', async () => {
    const plain = ['aaaa1111', 'bbbb2222', 'cccc3333'];
    const digests = await hashBackupCodes([...plain, IMPORTED_2A]);
    assert.equal(await findBackupCode(digests, 'aaaa1111'), 0);
    assert.equal(await findBackupCode(digests, 'cccc3333'), 2);
    assert.equal(await findBackupCode(digests, IMPORTED_PLAIN), 3);
  });

  test('an imported $2y$ digest verifies with its plain code', async () => {
    assert.equal(await findBackupCode([IMPORTED_2Y], IMPORTED_PLAIN), 0);
  });

  test('returns -1 for a wrong code, an empty code, an over-long code, or no digests', async () => {
    const digests = await hashBackupCodes(['aaaa1111']);
    assert.equal(await findBackupCode(digests, 'aaaa1112'), -1);
    assert.equal(await findBackupCode(digests, 'AAAA1111'), -1, 'codes are compared as given');
    assert.equal(await findBackupCode(digests, ''), -1);
    assert.equal(await findBackupCode([], 'aaaa1111'), -1);
    // bcrypt would ignore everything after byte 72, so this would otherwise match.
    const long = 'x'.repeat(72);
    const [longDigest] = await hashBackupCodes([long]);
    assert.equal(await findBackupCode([longDigest!], long + 'tail'), -1);
    assert.equal(await findBackupCode([longDigest!], long), 0);
  });

  test('a malformed stored digest counts as no match rather than throwing', async () => {
    assert.equal(await findBackupCode(['not-a-digest', IMPORTED_2A], IMPORTED_PLAIN), 1);
  });

  test('when two digests match, the first index is returned', async () => {
    const digests = await hashBackupCodes(['dupe0000', 'dupe0000']);
    assert.equal(await findBackupCode(digests, 'dupe0000'), 0);
  });
});
