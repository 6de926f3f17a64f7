import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { base32Decode, base32Encode } from '../../src/lib/base32.js';
import {
  generateTotpSecret,
  InvalidTotpSecretError,
  parseTotpSecret,
  timeStepAt,
  totpCode,
  verifyTotp,
} from '../../src/mfa/totp.js';

// RFC 6238 Appendix B, SHA1 rows: the seed is the ASCII string "12345678901234567890", codes are 8 digits.
const rfcSecret = Buffer.from('12345678901234567890', 'ascii');
const rfcVectors: Array<[unixSeconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('totpCode', () => {
  for (const [seconds, code] of rfcVectors) {
    test(`RFC 6238 SHA1 vector at T=${seconds} → ${code}`, () => {
      assert.equal(totpCode(rfcSecret, timeStepAt(seconds * 1000), 8), code);
    });
  }

  test('6 digits are the last 6 of the 8-digit value (same truncation, smaller modulus)', () => {
    for (const [seconds, code] of rfcVectors) {
      assert.equal(totpCode(rfcSecret, timeStepAt(seconds * 1000)), code.slice(-6));
    }
  });

  test('RFC 4226 Appendix D HOTP values (counters 0–9, 6 digits)', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => assert.equal(totpCode(rfcSecret, counter), code));
  });

  test('rejects bad steps and digit counts', () => {
    assert.throws(() => totpCode(rfcSecret, -1), RangeError);
    assert.throws(() => totpCode(rfcSecret, 1.5), RangeError);
    assert.throws(() => totpCode(rfcSecret, 1, 5), RangeError);
    assert.throws(() => totpCode(rfcSecret, 1, 9), RangeError);
  });
});

describe('timeStepAt', () => {
  test('30-second steps, floored', () => {
    assert.equal(timeStepAt(0), 0);
    assert.equal(timeStepAt(29_999), 0);
    assert.equal(timeStepAt(30_000), 1);
    assert.equal(timeStepAt(59_000), 1);
    assert.equal(timeStepAt(1111111109_000), 37037036);
  });

  test('rejects negative and non-finite times', () => {
    assert.throws(() => timeStepAt(-1), RangeError);
    assert.throws(() => timeStepAt(Number.NaN), RangeError);
    assert.throws(() => timeStepAt(Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('verifyTotp', () => {
  const secret = parseTotpSecret('6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ'); // Clerk's documented example secret
  const now = 1_700_000_015_000; // the middle of a step
  const step = timeStepAt(now);
  const codeAt = (offset: number) => totpCode(secret, step + offset);

  test('accepts the current code and returns its step', () => {
    assert.deepEqual(verifyTotp(secret, codeAt(0), now, null), { ok: true, step });
  });

  test('accepts one step of skew either way', () => {
    assert.deepEqual(verifyTotp(secret, codeAt(-1), now, null), { ok: true, step: step - 1 });
    assert.deepEqual(verifyTotp(secret, codeAt(+1), now, null), { ok: true, step: step + 1 });
  });

  test('rejects two steps of skew either way', () => {
    // Guard against the (1 in 10^6) chance that a ±2 code equals one inside the window.
    for (const offset of [-2, +2]) {
      const code = codeAt(offset);
      if ([-1, 0, 1].some((o) => codeAt(o) === code)) continue;
      assert.deepEqual(verifyTotp(secret, code, now, null), { ok: false });
    }
  });

  test('a code works only once: its step, and any older step, is refused after use', () => {
    const first = verifyTotp(secret, codeAt(0), now, null);
    assert.equal(first.ok, true);
    const lastUsed = first.ok ? first.step : null;
    assert.deepEqual(verifyTotp(secret, codeAt(0), now, lastUsed), { ok: false }, 'same code replayed');
    assert.deepEqual(verifyTotp(secret, codeAt(-1), now, lastUsed), { ok: false }, 'older code after a newer one');
    assert.deepEqual(verifyTotp(secret, codeAt(+1), now, lastUsed), { ok: true, step: step + 1 }, 'next step still works');
  });

  test('the replay guard also holds 30 s later, when the used code is the "previous" step', () => {
    const later = now + 30_000;
    assert.deepEqual(verifyTotp(secret, codeAt(0), later, step), { ok: false });
    assert.deepEqual(verifyTotp(secret, codeAt(1), later, step), { ok: true, step: step + 1 });
  });

  test('rejects wrong codes and anything that is not exactly 6 digits', () => {
    const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, '0');
    if (![-1, 0, 1].some((o) => codeAt(o) === wrong)) assert.deepEqual(verifyTotp(secret, wrong, now, null), { ok: false });
    for (const bad of ['', '12345', '1234567', ` ${codeAt(0)}`, `${codeAt(0)}\n`, '12a456', '１２３４５６']) {
      assert.deepEqual(verifyTotp(secret, bad, now, null), { ok: false }, JSON.stringify(bad));
    }
  });

  test('uses the injected time, not the wall clock', () => {
    const rfc = totpCode(rfcSecret, timeStepAt(59_000));
    assert.deepEqual(verifyTotp(rfcSecret, rfc, 59_000, null), { ok: true, step: 1 });
  });

  test('does not look at negative steps at the epoch', () => {
    assert.deepEqual(verifyTotp(rfcSecret, totpCode(rfcSecret, 0), 0, null), { ok: true, step: 0 });
  });
});

describe('parseTotpSecret', () => {
  test('accepts Clerk-style 32-character secrets, in any case, with spaces or padding', () => {
    const expected = base32Decode('6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ');
    assert.equal(expected.length, 20);
    assert.deepEqual(parseTotpSecret('6JHMXLT5H3WOF5PSHX7ALXXFX7NLTRBJ'), expected);
    assert.deepEqual(parseTotpSecret('6jhm xlt5 h3wo f5ps hx7a lxxf x7nl trbj'), expected);
  });

  test('accepts the minimum (16 characters, 80 bits) and the maximum (128 characters, 80 bytes)', () => {
    assert.equal(parseTotpSecret('JBSWY3DPEHPK3PXP').length, 10);
    assert.equal(parseTotpSecret('A'.repeat(128)).length, 80);
  });

  test('rejects secrets that are too short, too long, or not base32', () => {
    for (const bad of [
      '',
      'JBSWY3DPEHPK3PX', // 15 characters: 9 bytes
      'JBSWY3DPEHPK3P', // 14 characters
      'A'.repeat(136), // 85 bytes
      ' '.repeat(300) + 'JBSWY3DPEHPK3PXP', // absurd raw input
      'JBSWY3DPEHPK3PX1', // '1' is not base32
      'JBSWY3DPEHPK3PX8',
      'JBSWY3DPEHPK3PXP0',
      'JBSWY3DPEHPK3PXPQ', // 17 characters: impossible length
      'not a secret at all!',
    ]) {
      assert.throws(() => parseTotpSecret(bad), InvalidTotpSecretError, JSON.stringify(bad));
    }
  });
});

describe('generateTotpSecret', () => {
  test('returns 32 unpadded base32 characters (160 bits) that parse back', () => {
    const secret = generateTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(parseTotpSecret(secret).length, 20);
    assert.equal(base32Encode(parseTotpSecret(secret), { padding: false }), secret);
    assert.notEqual(generateTotpSecret(), secret);
  });
});
