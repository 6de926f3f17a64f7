import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { createBcryptPeppered } from '../../../src/passwords/hashers/bcrypt_peppered.js';
import { DigestFormatError } from '../../../src/passwords/hashers/hasher.js';
import { configureHashers, hashers } from '../../../src/passwords/hashers/index.js';
import { assertOverLimit, assertRejected, mutate, vectors } from './helpers.js';

// bcrypt_peppered has no published vector. Layout (Devise, as Clerk documents it): bcrypt over
// password ‖ pepper, the digest being `$2x$cost$<53 chars>$<pepper>`, or a plain bcrypt string whose
// pepper comes from configuration. Vectors:
//  - one independent vector: PHP's `password_hash('Password123!')` from password-digests.json is
//    bcrypt("Password" ‖ "123!"), i.e. password "Password" under pepper "123!";
//  - the others are hashed in this file with @node-rs/bcrypt's `hash`.

const php = vectors.find((v) => v.password === 'Password123!' && v.digest.startsWith('$2y$'));
assert.ok(php, 'the PHP bcrypt vector is missing');
const phpBcrypt = php.digest;

describe('bcrypt_peppered', () => {
  test('Clerk layout, pepper in the digest (PHP vector): accepts the password, rejects the wrong one', async () => {
    const digest = `${phpBcrypt}$123!`;
    hashers.bcrypt_peppered.parse(digest);
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'Password'), true);
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'password'), false);
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'Password123!'), false); // the pepper is appended, not typed
    await assertRejected(hashers.bcrypt_peppered, mutate(digest, 50), 'Password');
    await assertRejected(hashers.bcrypt_peppered, `${phpBcrypt}$124!`, 'Password');
  });

  test('a plain Devise digest uses the configured pepper', async (t) => {
    t.after(() => configureHashers({}));
    const pepper = 'a3f1c9e2-pepper-from-GATEHOUSE_BCRYPT_PEPPER';
    const digest = await bcryptHash(`correct horse battery staple${pepper}`, 4);
    configureHashers({ bcryptPepper: pepper });
    hashers.bcrypt_peppered.parse(digest);
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'correct horse battery staple'), true);
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'correcthorsebatterystaple'), false);
    await assertRejected(hashers.bcrypt_peppered, mutate(digest), 'correct horse battery staple');
    configureHashers({ bcryptPepper: 'another pepper' });
    assert.equal(await hashers.bcrypt_peppered.verify(digest, 'correct horse battery staple'), false);
  });

  test('a pepper in the digest wins over the configured one', async (t) => {
    t.after(() => configureHashers({}));
    configureHashers({ bcryptPepper: 'configured' });
    assert.equal(await hashers.bcrypt_peppered.verify(`${phpBcrypt}$123!`, 'Password'), true);
  });

  test('with no pepper configured, a plain bcrypt digest is refused by parse', async () => {
    configureHashers({ bcryptPepper: '' });
    const expected = { name: 'DigestFormatError', message: 'bcrypt_peppered needs GATEHOUSE_BCRYPT_PEPPER' };
    assert.throws(() => hashers.bcrypt_peppered.parse(phpBcrypt), expected);
    await assert.rejects(hashers.bcrypt_peppered.verify(phpBcrypt, 'Password123!'), expected);
    assert.throws(() => createBcryptPeppered(() => undefined).parse(phpBcrypt), DigestFormatError);
  });

  test('UTF-8 passwords and peppers', async () => {
    const hasher = createBcryptPeppered(() => 'pfeffer✓');
    const digest = await bcryptHash('pässwörd✓pfeffer✓', 4);
    assert.equal(await hasher.verify(digest, 'pässwörd✓'), true);
    assert.equal(await hasher.verify(digest, 'pässwörd✔'), false);
  });

  test('malformed digests and costs over the limit are refused', () => {
    for (const bad of [`${phpBcrypt}$`, `${phpBcrypt}x123`, phpBcrypt.slice(1), `bcrypt_sha256$${phpBcrypt}$p`]) {
      assert.throws(() => hashers.bcrypt_peppered.parse(bad), DigestFormatError, bad);
    }
    assertOverLimit(hashers.bcrypt_peppered, `${phpBcrypt.replace('$10$', '$16$')}$123!`);
  });
});
