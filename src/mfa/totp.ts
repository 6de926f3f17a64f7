/**
 * RFC 6238 TOTP with the only parameters Clerk supports: HMAC-SHA1, 30-second steps, 6 digits.
 * Pure: the caller passes the time in (`nowMs` from `deps.clock`) and stores the last used step itself.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { base32Decode, base32Encode } from '../lib/base32.js';
import { safeEqual } from '../lib/constant-time.js';

export const TOTP_PERIOD_MS = 30_000;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now: RFC 6238 §5.2 recommends at most one step of clock drift. */
export const TOTP_SKEW_STEPS = 1;

/**
 * 10 bytes (16 base32 characters, 80 bits) is the shortest secret we import: that is what Google
 * Authenticator issued for years, so real exports contain it. RFC 4226 §4 asks for 128 bits; we generate 160.
 */
export const TOTP_SECRET_MIN_BYTES = 10;
/**
 * 80 bytes (128 base32 characters). HMAC-SHA1 hashes any key longer than its 64-byte block, so a longer
 * secret adds nothing; the cap keeps junk out of the database.
 */
export const TOTP_SECRET_MAX_BYTES = 80;
/** Raw input cap before decoding (spaces and padding included), so a huge string is refused cheaply. */
const TOTP_SECRET_MAX_INPUT_CHARS = 256;
/** 20 bytes = 160 bits, RFC 4226's recommended length; it encodes to 32 characters like Clerk's example. */
const TOTP_SECRET_GENERATED_BYTES = 20;

/** The service turns this into 422 `invalid_totp_secret_code`. */
export class InvalidTotpSecretError extends Error {
  override readonly name = 'InvalidTotpSecretError';
}

/** Validates a base32 TOTP secret (as sent in `totp_secret`) and returns its bytes. */
export function parseTotpSecret(secret: string): Buffer {
  if (secret.length > TOTP_SECRET_MAX_INPUT_CHARS) throw new InvalidTotpSecretError('TOTP secret is too long');
  let bytes: Buffer;
  try {
    bytes = base32Decode(secret);
  } catch (cause) {
    throw new InvalidTotpSecretError('TOTP secret is not valid base32', { cause });
  }
  if (bytes.length < TOTP_SECRET_MIN_BYTES) throw new InvalidTotpSecretError('TOTP secret is too short');
  if (bytes.length > TOTP_SECRET_MAX_BYTES) throw new InvalidTotpSecretError('TOTP secret is too long');
  return bytes;
}

/** A fresh random secret, base32 without padding (the form authenticator apps and `otpauth://` URIs use). */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(TOTP_SECRET_GENERATED_BYTES), { padding: false });
}

/** The RFC 6238 time step (counter) that contains `unixMs`. */
export function timeStepAt(unixMs: number): number {
  if (!Number.isFinite(unixMs) || unixMs < 0) throw new RangeError('unixMs must be a non-negative finite number');
  return Math.floor(unixMs / TOTP_PERIOD_MS);
}

/**
 * The HOTP value (RFC 4226 §5.3) for one time step. `digits` other than 6 exist only for the RFC test
 * vectors, which use 8; RFC 4226 allows 6 to 8.
 */
export function totpCode(secret: Buffer, timeStep: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(timeStep) || timeStep < 0) throw new RangeError('timeStep must be a non-negative integer');
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new RangeError('digits must be 6, 7 or 8');
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(timeStep));
  const mac = createHmac('sha1', secret).update(counter).digest();
  // Dynamic truncation: the low nibble of the last byte picks 4 bytes; the top bit is masked off so the
  // result reads the same as a signed or unsigned 31-bit integer.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return (binary % 10 ** digits).toString().padStart(digits, '0');
}

export type TotpVerification = { ok: true; step: number } | { ok: false };

/**
 * Checks a 6-digit code against the steps now-1, now and now+1.
 * - Replay: a step ≤ `lastUsedStep` is refused, so a code works once, and once a newer code has been used
 *   an older (still in-window) one no longer works. The caller stores the returned `step`.
 * - All three candidates are compared, each in constant time, so the time taken says nothing about which
 *   step (if any) matched.
 * A code that is not exactly 6 ASCII digits fails; the service checks the length first so that it can
 * answer `totp_invalid_length` instead of `totp_incorrect_code`.
 */
export function verifyTotp(secret: Buffer, code: string, nowMs: number, lastUsedStep: number | null): TotpVerification {
  if (!/^[0-9]{6}$/.test(code)) return { ok: false };
  const current = timeStepAt(nowMs);
  let matched: number | null = null;
  for (let step = current - TOTP_SKEW_STEPS; step <= current + TOTP_SKEW_STEPS; step++) {
    if (step < 0) continue;
    const equal = safeEqual(totpCode(secret, step), code);
    if (equal && matched === null && (lastUsedStep === null || step > lastUsedStep)) matched = step;
  }
  return matched === null ? { ok: false } : { ok: true, step: matched };
}
