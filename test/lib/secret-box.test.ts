import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { createSecretBox, deriveKey, SecretBoxError } from '../../src/lib/secret-box.js';

const key = randomBytes(32);

/** Flips one bit of one base64url character-decoded segment and re-encodes it. */
function flipBit(sealed: string, segment: 1 | 2, byteIndex: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[segment]!, 'base64url');
  bytes[byteIndex] = bytes[byteIndex]! ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createSecretBox', () => {
  test('round-trips text, including empty and non-ASCII text', () => {
    const box = createSecretBox(key);
    for (const plain of ['JBSWY3DPEHPK3PXP', '', 'ünïcødé 🔐', 'x'.repeat(10_000)]) {
      assert.equal(box.open(box.seal(plain)), plain);
    }
  });

  test('the sealed form is v1.<iv>.<ciphertext+tag> in base64url, with a fresh IV each time', () => {
    const box = createSecretBox(key);
    const a = box.seal('same text');
    const b = box.seal('same text');
    assert.match(a, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b);
    // 9 bytes of text + 16 bytes of tag.
    assert.equal(Buffer.from(a.split('.')[2]!, 'base64url').length, 9 + 16);
    assert.ok(!a.includes('same text'));
  });

  test('detects tampering with the ciphertext, the tag or the IV', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    assert.throws(() => box.open(flipBit(sealed, 2, 0)), SecretBoxError, 'ciphertext');
    assert.throws(() => box.open(flipBit(sealed, 2, 16 + 15)), SecretBoxError, 'tag');
    assert.throws(() => box.open(flipBit(sealed, 1, 0)), SecretBoxError, 'iv');
  });

  test('refuses malformed sealed values', () => {
    const box = createSecretBox(key);
    const sealed = box.seal('secret');
    const [, iv, body] = sealed.split('.');
    for (const bad of [
      '',
      'secret',
      `v2.${iv}.${body}`,
      `v1.${iv}`,
      `v1.${iv}.${body}.extra`,
      `v1..${body}`,
      `v1.${iv}.`,
      `v1.${iv}.${body}!`, // Buffer would silently skip the '!'
      `v1.${iv}.${body!.slice(0, 10)}`, // shorter than a tag
      `v1.${iv!.slice(0, -2)}.${body}`, // IV not 12 bytes
      sealed.replace('v1', 'V1'),
    ]) {
      assert.throws(() => box.open(bad), SecretBoxError, JSON.stringify(bad));
    }
  });

  test('a value sealed with one key does not open with another', () => {
    const sealed = createSecretBox(key).seal('secret');
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed), SecretBoxError);
  });

  test('keeps its own copy of the key', () => {
    const mine = Buffer.from(key);
    const box = createSecretBox(mine);
    const sealed = box.seal('secret');
    mine.fill(0);
    assert.equal(box.open(sealed), 'secret');
  });

  test('requires a 32-byte key', () => {
    assert.throws(() => createSecretBox(randomBytes(16)), RangeError);
    assert.throws(() => createSecretBox(randomBytes(33)), RangeError);
  });
});

describe('deriveKey', () => {
  test('64 hex characters are used as the key bytes', () => {
    const hex = key.toString('hex');
    assert.deepEqual(deriveKey(hex), key);
    assert.deepEqual(deriveKey(hex.toUpperCase()), key);
  });

  test('base64 and base64url of 32 bytes are used as the key bytes', () => {
    assert.deepEqual(deriveKey(key.toString('base64')), key); // 44 characters with '='
    assert.deepEqual(deriveKey(key.toString('base64').replace(/=$/, '')), key);
    assert.deepEqual(deriveKey(key.toString('base64url')), key);
  });

  test('any other long string goes through HKDF-SHA256, deterministically', () => {
    const material = 'correct horse battery staple, but much longer than that';
    const derived = deriveKey(material);
    assert.equal(derived.length, 32);
    assert.deepEqual(deriveKey(material), derived);
    assert.notDeepEqual(deriveKey(material + '!'), derived);
    // A derived key works in a box, and a box built from the same material opens it.
    const sealed = createSecretBox(derived).seal('secret');
    assert.equal(createSecretBox(deriveKey(material)).open(sealed), 'secret');
  });

  test('hex of the wrong length is not mistaken for a raw key', () => {
    const derived = deriveKey('ab'.repeat(40)); // 80 hex characters: HKDF path
    assert.equal(derived.length, 32);
    assert.notDeepEqual(derived, Buffer.from('ab'.repeat(32), 'hex'));
  });

  test('refuses short material', () => {
    for (const bad of ['', 'changeme', 'x'.repeat(31)]) assert.throws(() => deriveKey(bad), RangeError, JSON.stringify(bad));
    assert.equal(deriveKey('x'.repeat(32)).length, 32);
  });
});
