import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { isCommonBreachedPassword } from '../../src/passwords/breached.js';
import {
  checkPassword,
  defaultPasswordPolicy,
  PASSWORD_SPECIAL_CHARACTERS,
  type PasswordPolicy,
} from '../../src/passwords/policy.js';

const STRONG = 'Kettle-Orbit-Lantern-42';
const policy = (overrides: Partial<PasswordPolicy>): PasswordPolicy => ({ ...defaultPasswordPolicy, ...overrides });
const codeOf = (password: string, p: PasswordPolicy = defaultPasswordPolicy) => checkPassword(password, p)?.code;

describe('defaultPasswordPolicy', () => {
  test("has Clerk's defaults", () => {
    assert.deepEqual(defaultPasswordPolicy, {
      min_length: 8,
      max_length: 72,
      require_special_char: false,
      require_numbers: false,
      require_uppercase: false,
      require_lowercase: false,
      disable_hibp: false,
      show_zxcvbn: false,
      min_zxcvbn_strength: 0,
      enforce_hibp_on_sign_in: false,
    });
  });

  test('a long uncommon password passes', () => {
    assert.equal(checkPassword(STRONG, defaultPasswordPolicy), undefined);
  });

  test('common breached passwords fail with form_password_pwned', () => {
    for (const p of ['password', '12345678', 'PASSWORD', 'Password', 'qwertyuiop', 'iloveyou']) {
      assert.deepEqual(checkPassword(p, defaultPasswordPolicy), {
        code: 'form_password_pwned',
        message: 'Password has been found in an online data breach. For account safety, please use a different password.',
      }, p);
    }
  });
});

describe('length', () => {
  test('7 characters → form_password_length_too_short with the minimum in the message', () => {
    assert.deepEqual(checkPassword('Kx7-qZp', defaultPasswordPolicy), {
      code: 'form_password_length_too_short',
      message: 'Passwords must be 8 characters or more.',
    });
    assert.equal(codeOf(''), 'form_password_length_too_short');
  });

  test('exactly the minimum passes; a raised minimum is reported with its value', () => {
    assert.equal(codeOf('Kx7-qZp!'), undefined);
    assert.deepEqual(checkPassword(STRONG, policy({ min_length: 24 })), {
      code: 'form_password_length_too_short',
      message: 'Passwords must be 24 characters or more.',
    });
  });

  test('counts code points, not UTF-16 units', () => {
    // 7 emoji are 14 UTF-16 units but 7 characters: still too short.
    assert.equal(codeOf('🔐'.repeat(7)), 'form_password_length_too_short');
    assert.equal(codeOf('🔐'.repeat(8)), undefined);
  });

  test('over max_length → form_password_length_too_long; exactly max_length passes', () => {
    const p = policy({ max_length: 30 });
    assert.equal(codeOf('Kettle-Orbit-Lantern-42-abcdef', p), undefined); // 30 characters
    assert.deepEqual(checkPassword('Kettle-Orbit-Lantern-42-abcdefg', p), {
      code: 'form_password_length_too_long',
      message: 'Passwords must be less than 30 characters.',
    });
    assert.equal(codeOf('Kettle-Orbit-Lantern-42'.padEnd(72, 'x')), undefined, 'the default maximum, 72, is allowed');
    assert.equal(codeOf('Kettle-Orbit-Lantern-42'.padEnd(73, 'x')), 'form_password_length_too_long');
  });

  test('a password within 72 characters but over 72 UTF-8 bytes → form_password_size_in_bytes_exceeded', () => {
    const p = 'Kettle-Orbit-' + 'é'.repeat(30); // 43 characters, 73 bytes
    assert.equal([...p].length, 43);
    assert.equal(Buffer.byteLength(p), 73);
    assert.deepEqual(checkPassword(p, defaultPasswordPolicy), {
      code: 'form_password_size_in_bytes_exceeded',
      message:
        'Your password has exceeded the maximum number of bytes allowed, please shorten it or remove some special characters.',
    });
    assert.equal(codeOf('Kettle-Orbit-é' + 'é'.repeat(28)), undefined, '72 bytes is allowed');
  });

  test('length is checked before bytes, bytes before classes and the breach list', () => {
    assert.equal(codeOf('é'.repeat(73)), 'form_password_length_too_long');
    const strict = policy({ require_uppercase: true, require_numbers: true });
    assert.equal(codeOf('é'.repeat(40), strict), 'form_password_size_in_bytes_exceeded');
    assert.equal(codeOf('password', strict), 'form_password_no_uppercase');
  });
});

describe('character classes', () => {
  const cases: Array<[keyof PasswordPolicy, string, string, string]> = [
    ['require_uppercase', 'kettle-orbit-lantern-42', 'form_password_no_uppercase', 'Passwords must contain at least one uppercase character.'],
    ['require_lowercase', 'KETTLE-ORBIT-LANTERN-42', 'form_password_no_lowercase', 'Passwords must contain at least one lowercase character.'],
    ['require_numbers', 'Kettle-Orbit-Lantern-xy', 'form_password_no_number', 'Passwords must contain at least one number.'],
    [
      'require_special_char',
      'KettleOrbitLantern42',
      'form_password_no_special_char',
      `Passwords must contain at least one of the following special characters: ${PASSWORD_SPECIAL_CHARACTERS}.`,
    ],
  ];

  for (const [rule, failing, code, message] of cases) {
    test(`${rule}: fails with ${code}, passes when present, ignored when off`, () => {
      const on = policy({ [rule]: true });
      assert.deepEqual(checkPassword(failing, on), { code, message });
      assert.equal(checkPassword(STRONG, on), undefined);
      assert.equal(checkPassword(failing, defaultPasswordPolicy), undefined);
    });
  }

  test("the special characters are Clerk's 32 ASCII punctuation marks", () => {
    assert.equal(PASSWORD_SPECIAL_CHARACTERS.length, 32);
    const on = policy({ require_special_char: true });
    for (const ch of PASSWORD_SPECIAL_CHARACTERS) assert.equal(codeOf(`KettleOrbit42${ch}`, on), undefined, ch);
    for (const ch of [' ', '€', '§', '¿', '🔐']) assert.equal(codeOf(`KettleOrbit42${ch}`, on), 'form_password_no_special_char', ch);
  });

  test('letters and digits from other scripts count', () => {
    assert.equal(codeOf('ÉCLAIR-orbit-9', policy({ require_uppercase: true })), undefined);
    assert.equal(codeOf('éclair-ORBIT-9', policy({ require_lowercase: true })), undefined);
    assert.equal(codeOf('Kettle-Orbit-٤', policy({ require_numbers: true })), undefined);
  });

  test('classes are reported in order: uppercase, lowercase, number, special', () => {
    const all = policy({ require_uppercase: true, require_lowercase: true, require_numbers: true, require_special_char: true });
    assert.equal(codeOf('kettleorbit', all), 'form_password_no_uppercase');
    assert.equal(codeOf('KETTLEORBIT', all), 'form_password_no_lowercase');
    assert.equal(codeOf('KettleOrbit', all), 'form_password_no_number');
    assert.equal(codeOf('KettleOrbit42', all), 'form_password_no_special_char');
    assert.equal(codeOf(STRONG, all), undefined);
  });
});

describe('breach list', () => {
  test('disable_hibp turns the check off', () => {
    assert.equal(codeOf('password', policy({ disable_hibp: true })), undefined);
    assert.equal(codeOf('12345678', policy({ disable_hibp: true })), undefined);
  });

  test('isCommonBreachedPassword is case-insensitive and exact', () => {
    assert.equal(isCommonBreachedPassword('password'), true);
    assert.equal(isCommonBreachedPassword('PaSsWoRd'), true);
    assert.equal(isCommonBreachedPassword('123456'), true);
    assert.equal(isCommonBreachedPassword('password-but-longer'), false);
    assert.equal(isCommonBreachedPassword(STRONG), false);
    assert.equal(isCommonBreachedPassword(''), false);
  });

  test('zxcvbn settings are accepted but not enforced', () => {
    assert.equal(codeOf('Kx7-qZp!', policy({ show_zxcvbn: true, min_zxcvbn_strength: 4 })), undefined);
  });
});
