/**
 * Backup codes: one-time codes stored only as bcrypt digests. Clerk's `backup_codes` import accepts each code
 * "in plain format or the corresponding bcrypt digest", so a digest passes through unchanged and a plain code
 * is hashed. Using a code up (deleting its digest) is the service's job.
 *
 * Hashing uses @node-rs/bcrypt's async functions, which run on the libuv thread pool rather than the event loop,
 * each one through the caller's `run` (the process's hashing limiter: passwords/hashing.ts).
 */
import { randomInt } from 'node:crypto';

import { hash, verify } from '@node-rs/bcrypt';

/** Clerk's shape (best guess, CLERK-BEHAVIOUR §3): 10 codes of 8 lower-case alphanumerics, ≈41 bits each. */
export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 8;
const BACKUP_CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Every verify checks all digests, so the list length bounds the work of one attempt. Clerk makes 10 codes,
 * GitHub 16, devise-two-factor 5 by default: 20 leaves room for each.
 */
export const BACKUP_CODES_MAX = 20;
/** bcrypt ignores input past 72 bytes; a longer code would match any code sharing its first 72 bytes. */
export const BACKUP_CODE_MAX_BYTES = 72;
/** Cost for new digests: bcrypt's default. Codes are random, so the cost only slows offline guessing. */
export const BACKUP_CODE_BCRYPT_COST = 10;
/**
 * Highest cost of an imported digest. Each step doubles the time, and every attempt verifies every digest:
 * 100 digests at cost 15 (the limit before) tied up the hashing pool for two minutes per attempt.
 * 12 is the highest default among common frameworks (Devise, Laravel).
 */
export const BACKUP_CODE_BCRYPT_MAX_COST = 12;
/**
 * The work of one attempt, in bcrypt cost-10 verifies (2^(cost − 10) each): at most that of 10 codes at
 * cost 12, about 1–3 s of one core. Ten codes at cost 12 fit (devise-two-factor's codes with Devise's
 * production stretches), as do 20 at cost 10 (Clerk's cost); 20 at cost 12 do not.
 */
export const BACKUP_CODES_MAX_WORK = 10 * 2 ** (12 - 10);
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
export async function hashBackupCodes(codes: string[], run: RunHashes = runDirectly): Promise<string[]> {
  if (codes.length > BACKUP_CODES_MAX) throw new InvalidBackupCodeError(`at most ${BACKUP_CODES_MAX} backup codes are allowed`);
  let work = 0;
  for (const [i, code] of codes.entries()) {
    if (code.length === 0) throw new InvalidBackupCodeError(`backup code ${i} is empty`);
    if (looksLikeBcrypt(code)) {
      work += 2 ** (parseBcryptDigest(code, i) - 10);
    } else if (Buffer.byteLength(code, 'utf8') > BACKUP_CODE_MAX_BYTES) {
      throw new InvalidBackupCodeError(`backup code ${i} is longer than ${BACKUP_CODE_MAX_BYTES} bytes`);
    } else {
      work += 2 ** (BACKUP_CODE_BCRYPT_COST - 10);
    }
  }
  if (work > BACKUP_CODES_MAX_WORK) {
    throw new InvalidBackupCodeError(
      `these bcrypt digests take too long to check: at most ${BACKUP_CODES_MAX_WORK / 4} codes of cost 12, ${BACKUP_CODES_MAX_WORK / 2} of cost 11 or ${BACKUP_CODES_MAX} of cost 10 or less`,
    );
  }
  const plain = codes.filter((code) => !looksLikeBcrypt(code));
  const hashed = await run(plain.map((code) => () => hash(code, BACKUP_CODE_BCRYPT_COST)));
  return codes.map((code) => (looksLikeBcrypt(code) ? code : hashed.shift()!));
}

/** Runs a list of hashes, all of them (the service passes the hashing limiter's runAll). */
export type RunHashes = <T>(tasks: (() => Promise<T>)[]) => Promise<T[]>;
const runDirectly: RunHashes = (tasks) => Promise.all(tasks.map((task) => task()));

/**
 * Index of the digest that `code` matches, or -1. Every digest is verified (in parallel) even after a match,
 * so the time taken does not reveal the position of the matching code.
 */
export async function findBackupCode(digests: string[], code: string, run: RunHashes = runDirectly): Promise<number> {
  // bcrypt would truncate an over-long input, letting a long string match on its first 72 bytes alone.
  const usable = code.length > 0 && Buffer.byteLength(code, 'utf8') <= BACKUP_CODE_MAX_BYTES;
  if (!usable) return -1;
  const results = await run(digests.map((digest) => () => verify(code, digest).catch(() => false)));
  return results.indexOf(true);
}

/** `$2$`, `$2a$`, `$2x$`…: anything with a bcrypt prefix is judged as a digest, so `$2x$` is refused, not hashed. */
function looksLikeBcrypt(code: string): boolean {
  return /^\$2[a-z]?\$/.test(code);
}

/** The digest's cost; throws when it is not a bcrypt digest within the limits. */
function parseBcryptDigest(digest: string, index: number): number {
  const match = BCRYPT_DIGEST.exec(digest);
  const cost = match ? Number(match[1]) : NaN;
  if (!(cost >= BCRYPT_MIN_COST && cost <= BACKUP_CODE_BCRYPT_MAX_COST)) {
    throw new InvalidBackupCodeError(
      `backup code ${index} is not a valid bcrypt digest ($2a$/$2b$/$2y$, cost ${BCRYPT_MIN_COST}–${BACKUP_CODE_BCRYPT_MAX_COST})`,
    );
  }
  return cost;
}
