import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashers, type PasswordHasherName } from '../../../src/passwords/hashers/index.js';
import { DIGEST_MAX_LENGTH } from '../../../src/passwords/hashers/limits.js';
import { assertOverLimit, assertRejected, mutate, vectors } from './helpers.js';

// Every vector in test/fixtures/password-digests.json: parse passes, the password verifies, the
// wrong password does not, and the digest with one hash character changed is refused.

/** Hashers with no published vector; each has its own test file with vectors computed there. */
const DEDICATED = ['md5_salted', 'sha256_salted', 'bcrypt_peppered'];

/** Where the hash part of a digest is, when it is not near the end. */
const HASH_AT: Partial<Record<string, number>> = { scrypt_firebase: 3 };

const first = (name: string): string => {
  const vector = vectors.find((v) => v.hasher === name);
  assert.ok(vector, `no vector for ${name}`);
  return vector.digest;
};

for (const v of vectors) {
  describe(`${v.hasher}: ${v.generator}`, () => {
    const hasher = hashers[v.hasher as PasswordHasherName];
    test('parse accepts the digest, verify accepts the password and rejects the wrong one', async () => {
      assert.ok(hasher, `${v.hasher} is not registered`);
      hasher.parse(v.digest);
      assert.equal(await hasher.verify(v.digest, v.password), true);
      assert.equal(await hasher.verify(v.digest, v.wrong_password), false);
    });
    test('the digest with one hash character changed is refused', async () => {
      const changed = mutate(v.digest, HASH_AT[v.hasher]);
      assert.notEqual(changed, v.digest);
      await assertRejected(hasher, changed, v.password);
    });
  });
}

describe('cost limits: a digest over the limit throws DigestFormatError in parse', () => {
  const swap = (name: string, from: string | RegExp, to: string): string => {
    const digest = first(name);
    const swapped = digest.replace(from, to);
    assert.notEqual(swapped, digest, `${name}: nothing to replace`);
    return swapped;
  };
  const hex64 = 'ab'.repeat(32);
  const cases: Record<string, string[]> = {
    argon2i: [swap('argon2i', 'm=4096', 'm=131072'), swap('argon2i', 't=3', 't=11'), swap('argon2i', 'p=1', 'p=17')],
    argon2id: [swap('argon2id', 'm=64', 'm=131072'), swap('argon2id', 't=4', 't=11'), swap('argon2id', 'p=8', 'p=17')],
    bcrypt: [swap('bcrypt', '$10$', '$16$'), swap('bcrypt', '$10$', '$31$')],
    bcrypt_sha256_django: [swap('bcrypt_sha256_django', '$04$', '$16$')],
    pbkdf2_sha1: [swap('pbkdf2_sha1', '$1000$', '$2000001$'), `pbkdf2_sha1$1000$NaCl$${'ab'.repeat(65)}$65`],
    pbkdf2_sha256: [swap('pbkdf2_sha256', '$1000$', '$2000001$'), `pbkdf2_sha256$1000$c2FsdA==$${Buffer.alloc(65, 1).toString('base64')}`],
    pbkdf2_sha256_django: [swap('pbkdf2_sha256_django', '$260000$', '$2000001$')],
    pbkdf2_sha512: [swap('pbkdf2_sha512', '$1000$', '$2000001$'), `pbkdf2_sha512$1000$salt$${'ab'.repeat(65)}`],
    pbkdf2_sha512_hex: [swap('pbkdf2_sha512_hex', '$1000$', '$2000001$')],
    // The rounds character's index is log2(rounds): 'H' is 2^19 (the limit, accepted), 'I' is 2^20.
    phpass: [swap('phpass', /^\$P\$B/, '$P$I'), swap('phpass', /^\$P\$B/, '$P$z')],
    md5_phpass: [swap('md5_phpass', /^\$H\$9/, '$H$I')],
    scrypt_werkzeug: [swap('scrypt_werkzeug', 'scrypt:32768:8:1', 'scrypt:131072:8:1'), swap('scrypt_werkzeug', 'scrypt:32768:8:1', 'scrypt:32768:8:5')],
    scrypt_firebase: [swap('scrypt_firebase', /\$8\$14$/, '$8$17'), swap('scrypt_firebase', /\$8\$14$/, '$64$14'), swap('scrypt_firebase', /\$8\$14$/, '$8$31')],
    sha512_symfony: [swap('sha512_symfony', '$5000$', '$100001$')],
    // No cost parameter: the only lever is the digest's size (a long salt or payload).
    md5: ['a'.repeat(DIGEST_MAX_LENGTH + 1)],
    sha256: ['a'.repeat(DIGEST_MAX_LENGTH + 1)],
    ldap_ssha: [`{SSHA}${Buffer.alloc(800, 7).toString('base64')}`],
    md5_salted: [`${'s'.repeat(DIGEST_MAX_LENGTH)}$${hex64.slice(0, 32)}`],
    sha256_salted: [`${'s'.repeat(DIGEST_MAX_LENGTH)}$${hex64}`],
    bcrypt_peppered: [`${swap('bcrypt', '$10$', '$16$')}$pepper`, `${first('bcrypt')}$${'p'.repeat(DIGEST_MAX_LENGTH)}`],
  };

  test('every registered hasher has an over-limit case', () => {
    assert.deepEqual(Object.keys(cases).sort(), Object.keys(hashers).sort());
  });
  for (const [name, digests] of Object.entries(cases)) {
    test(name, () => {
      for (const digest of digests) assertOverLimit(hashers[name as PasswordHasherName], digest);
    });
  }
  test('the highest accepted values still parse', () => {
    hashers.phpass.parse(swap('phpass', /^\$P\$B/, '$P$H'));
    hashers.pbkdf2_sha256_django.parse(swap('pbkdf2_sha256_django', '$260000$', '$2000000$'));
    hashers.sha512_symfony.parse(swap('sha512_symfony', '$5000$', '$100000$'));
    hashers.scrypt_werkzeug.parse(swap('scrypt_werkzeug', 'scrypt:32768:8:1', 'scrypt:65536:8:4'));
    hashers.bcrypt.parse(swap('bcrypt', '$10$', '$15$'));
  });
  test('every hasher refuses a digest longer than DIGEST_MAX_LENGTH', () => {
    for (const hasher of Object.values(hashers)) assertOverLimit(hasher, `${first('bcrypt')}$${'x'.repeat(DIGEST_MAX_LENGTH)}`);
  });
});

describe('registry', () => {
  test('holds every hasher Gatehouse promises, each under its Clerk wire name', () => {
    const promised = [
      'bcrypt', 'bcrypt_sha256_django', 'md5', 'pbkdf2_sha1', 'pbkdf2_sha256', 'pbkdf2_sha256_django', 'pbkdf2_sha512',
      'pbkdf2_sha512_hex', 'phpass', 'md5_phpass', 'scrypt_firebase', 'scrypt_werkzeug', 'sha256', 'ldap_ssha',
      'sha512_symfony', 'argon2i', 'argon2id', 'md5_salted', 'sha256_salted', 'bcrypt_peppered',
    ];
    assert.deepEqual(Object.keys(hashers).sort(), promised.sort());
    for (const [key, hasher] of Object.entries(hashers)) assert.equal(hasher.name, key);
  });
  test('every hasher has at least one vector or a dedicated test, and every vector a hasher', () => {
    const withVectors = new Set(vectors.map((v) => v.hasher));
    for (const name of Object.keys(hashers)) assert.ok(withVectors.has(name) || DEDICATED.includes(name), `${name} is untested`);
    for (const name of withVectors) assert.ok(Object.hasOwn(hashers, name), `vector for unknown hasher ${name}`);
  });
});
