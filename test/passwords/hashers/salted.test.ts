import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DigestFormatError } from '../../../src/passwords/hashers/hasher.js';
import { hashers } from '../../../src/passwords/hashers/index.js';
import { assertRejected, mutate } from './helpers.js';

// md5_salted and sha256_salted have no published vectors (they are not in Clerk's BAPI enum). Our
// layout is `salt$hexhash` with hash = H(salt ‖ password) over UTF-8. The literal vectors below were
// computed with Python's hashlib, outside this codebase:
//   hashlib.md5(b'NaCl' + 'pässwörd✓'.encode()).hexdigest()
//   hashlib.sha256(b'k3y$salt' + 'pässwörd✓'.encode()).hexdigest()
// and the rest are computed in this file with node:crypto.

const cases = [
  { name: 'md5_salted', algorithm: 'md5', literal: 'NaCl$174baab6d33cd70581ba183de031b66d', literalSalt: 'NaCl' },
  { name: 'sha256_salted', algorithm: 'sha256', literal: 'k3y$salt$27010ba48273ed1264547dbb910d19d2e20b05abe3fa20b4dacbe7a9675740b5', literalSalt: 'k3y$salt' },
] as const;

for (const { name, algorithm, literal } of cases) {
  const hasher = hashers[name];
  const make = (salt: string, password: string) => `${salt}$${createHash(algorithm).update(salt + password, 'utf8').digest('hex')}`;

  describe(name, () => {
    test('a hashlib vector: accepts the password, rejects the wrong one and a changed digest', async () => {
      hasher.parse(literal);
      assert.equal(await hasher.verify(literal, 'pässwörd✓'), true);
      assert.equal(await hasher.verify(literal, 'pässwörd✔'), false);
      await assertRejected(hasher, mutate(literal), 'pässwörd✓');
    });
    test('vectors computed with node:crypto, including CJK, spaces and `$` in salt and password', async () => {
      for (const [salt, password, wrong] of [
        ['a1b2c3', 'Password123!', 'password123!'],
        ['s a l t', '密码🔑パスワード', '密码🔑パスワー'],
        ['x', 'p@$$w0rd$with{braces}:colons', 'p@$$w0rd$with{braces}:colon'],
      ] as const) {
        const digest = make(salt, password);
        hasher.parse(digest);
        assert.equal(await hasher.verify(digest, password), true);
        assert.equal(await hasher.verify(digest, wrong), false);
        // The order is salt first: the same bytes as password ‖ salt must not verify.
        const reversed = `${salt}$${createHash(algorithm).update(password + salt, 'utf8').digest('hex')}`;
        assert.equal(await hasher.verify(reversed, password), false);
      }
    });
    test('hex is accepted in upper case', async () => {
      const [salt, hex] = [literal.slice(0, literal.lastIndexOf('$')), literal.slice(literal.lastIndexOf('$') + 1)];
      assert.equal(await hasher.verify(`${salt}$${hex.toUpperCase()}`, 'pässwörd✓'), true);
    });
    test('malformed digests are refused', () => {
      const hex = literal.slice(literal.lastIndexOf('$') + 1);
      for (const bad of [hex, `$${hex}`, `salt$${hex}0`, `salt$${hex.slice(1)}`, `salt$${hex.slice(1)}g`, '', 'salt$']) {
        assert.throws(() => hasher.parse(bad), DigestFormatError, bad);
      }
    });
  });
}
