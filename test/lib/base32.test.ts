import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { base32Decode, base32Encode, InvalidBase32Error } from '../../src/lib/base32.js';

// RFC 4648 §10 test vectors.
const vectors: Array<[string, string]> = [
  ['', ''],
  ['f', 'MY======'],
  ['fo', 'MZXQ===='],
  ['foo', 'MZXW6==='],
  ['foob', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI======'],
];

describe('base32Encode', () => {
  for (const [plain, encoded] of vectors) {
    test(`RFC 4648 vector ${JSON.stringify(plain)} → ${encoded}`, () => {
      assert.equal(base32Encode(Buffer.from(plain)), encoded);
    });
  }

  test('padding: false drops the trailing =', () => {
    assert.equal(base32Encode(Buffer.from('foobar'), { padding: false }), 'MZXW6YTBOI');
  });
});

describe('base32Decode', () => {
  for (const [plain, encoded] of vectors) {
    test(`RFC 4648 vector ${encoded} → ${JSON.stringify(plain)}`, () => {
      assert.equal(base32Decode(encoded).toString(), plain);
    });
  }

  test('is case-insensitive and tolerates missing padding and spaces', () => {
    assert.equal(base32Decode('mzxw6ytboi').toString(), 'foobar');
    assert.equal(base32Decode('MzXw 6YtB oI').toString(), 'foobar');
    assert.equal(base32Decode(' MZXW\t6YTB\nOI====== ').toString(), 'foobar');
  });

  test('round-trips random bytes of every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = randomBytes(n);
      assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
      assert.deepEqual(base32Decode(base32Encode(bytes, { padding: false }).toLowerCase()), bytes);
    }
  });

  test('ignores leftover bits in the last character (as Go does)', () => {
    // 'f' encodes as "MY" (leftover bits 00); "MZ" differs only in those two leftover bits.
    assert.equal(base32Decode('MZ').toString(), 'f');
  });

  test('throws on characters outside the alphabet', () => {
    for (const bad of ['MZXW6YT1', 'MZXW6YT8', 'MZXW0YTB', 'MZXW-YTB', 'MZXW6YTÉ', 'MZXW6YT!']) {
      assert.throws(() => base32Decode(bad), InvalidBase32Error, bad);
    }
  });

  test('throws on impossible lengths (1, 3 or 6 characters in the last group)', () => {
    for (const bad of ['M', 'MZX', 'MZXW6Y', 'MZXW6YTBO']) {
      assert.throws(() => base32Decode(bad), InvalidBase32Error, bad);
    }
  });

  test('throws on malformed padding', () => {
    for (const bad of ['MZ=XQ===', 'MZXQ===', 'MZXQ=====', 'MZXW6YTB========', '========', 'MY======MY======']) {
      assert.throws(() => base32Decode(bad), InvalidBase32Error, bad);
    }
  });
});
