/**
 * Backup codes: one-time codes stored only as bcrypt digests. Clerk's `backup_codes` import accepts each code
 * "in plain format or the corresponding bcrypt digest", so a digest passes through unchanged and a plain code
 * is hashed. Using a code up (deleting its digest) is the service's job.
 *
 * Hashing uses @node-rs/bcrypt's async functions, which run on the libuv thread pool rather than the event loop.
 */
import { randomInt } from 'node:crypto';

import { hash, verify } from '@node-rs/bcrypt';

/** Clerk's shape (best guess, CLERK-BEHAVIOUR §3): 10 codes of 8 lower-case alphanumerics, ≈41 bits each. */
export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 8;
const BACKUP_CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Every verify checks all digests, so the list length bounds the work of one attempt. */
export const BACKUP_CODES_MAX = 100;
/** bcrypt ignores input past 72 bytes; a longer code would match any code sharing its first 72 bytes. */
export const BACKUP_CODE_MAX_BYTES = 72;
/** Cost for new digests: bcrypt's default. Codes are random, so the cost only slows offline guessing. */
export const BACKUP_CODE_BCRYPT_COST = 10;
/**
 * Highest cost of an imported digest: Clerk's own limit for bcrypt imports. Each step doubles the time, and
 * every attempt verifies every digest, so cost 31 digests could tie up the thread pool for hours.
 */
export const BACKUP_CODE_BCRYPT_MAX_COST = 15;
/** bcrypt's smallest cost. */
const BCRYPT_MIN_COST = 4;

/** `$2a$`/`$2b$`/`$2y$`, two-digit cost, 22-character salt + 31-character hash in bcrypt's base64: 60 characters. */
const BCRYPT_DIGEST = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** The service turns this into 422 `form_param_format_invalid` on `backup_codes`. */
export class InvalidBackupCodeError extends Error {
  override readonly name = 'InvalidBackupCodeError';
}

/** Fresh plain codes to show the user once. `randomInt` uses rejection sampling, so every character is equally likely. */
export function generateBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  if (!Number.isInteger(count) || count < 1 || count > BACKUP_CODES_MAX) {
    throw new RangeError(`count must be an integer from 1 to ${BACKUP_CODES_MAX}`);
  }
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < BACKUP_CODE_LENGTH; i++) code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
    return code;
  });
}

/**
 * Turns imported or generated codes into digests to store. A string that starts like a bcrypt digest is
 * treated as one and must be well-formed with cost ≤ 15; it is never hashed as if it were a plain code.
 * An empty list gives an empty list. Codes are used as given (no trimming or case folding), because an
 * imported digest's plain code cannot be normalised after the fact.
 */
export async function hashBackupCodes(codes: string[]): Promise<string[]> {
  if (codes.length > BACKUP_CODES_MAX) throw new InvalidBackupCodeError(`at most ${BACKUP_CODES_MAX} backup codes are allowed`);
  for (const [i, code] of codes.entries()) {
    if (code.length === 0) throw new InvalidBackupCodeError(`backup code ${i} is empty`);
    if (looksLikeBcrypt(code)) {
      parseBcryptDigest(code, i);
    } else if (Buffer.byteLength(code, 'utf8') > BACKUP_CODE_MAX_BYTES) {
      throw new InvalidBackupCodeError(`backup code ${i} is longer than ${BACKUP_CODE_MAX_BYTES} bytes`);
    }
  }
  return Promise.all(codes.map((code) => (looksLikeBcrypt(code) ? code : hash(code, BACKUP_CODE_BCRYPT_COST))));
}

/**
 * Index of the digest that `code` matches, or -1. Every digest is verified (in parallel) even after a match,
 * so the time taken does not reveal the position of the matching code.
 */
export async function findBackupCode(digests: string[], code: string): Promise<number> {
  // bcrypt would truncate an over-long input, letting a long string match on its first 72 bytes alone.
  const usable = code.length > 0 && Buffer.byteLength(code, 'utf8') <= BACKUP_CODE_MAX_BYTES;
  const results = await Promise.all(
    digests.map((digest) => (usable ? verify(code, digest).catch(() => false) : Promise.resolve(false))),
  );
  return results.indexOf(true);
}

/** `$2$`, `$2a$`, `$2x$`…: anything with a bcrypt prefix is judged as a digest, so `$2x$` is refused, not hashed. */
function looksLikeBcrypt(code: string): boolean {
  return /^\$2[a-z]?\$/.test(code);
}

function parseBcryptDigest(digest: string, index: number): void {
  const match = BCRYPT_DIGEST.exec(digest);
  const cost = match ? Number(match[1]) : NaN;
  if (!(cost >= BCRYPT_MIN_COST && cost <= BACKUP_CODE_BCRYPT_MAX_COST)) {
    throw new InvalidBackupCodeError(
      `backup code ${index} is not a valid bcrypt digest ($2a$/$2b$/$2y$, cost ${BCRYPT_MIN_COST}–${BACKUP_CODE_BCRYPT_MAX_COST})`,
    );
  }
}
