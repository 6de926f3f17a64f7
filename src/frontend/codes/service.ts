import { randomInt } from 'node:crypto';
import type { Executor } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { safeEqual } from '../../lib/constant-time.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { ClerkError } from '../../http/clerk-error.js';
import { consumeCode, deleteCode, deleteExpiredCodes, findCode, takeAttempt, upsertCode } from './store.js';

// Six-digit one-time codes sent by email. A code lives 10 minutes and allows 5 attempts, after which the
// verification has failed and a new code must be prepared (both unsourced: best guesses, Clerk documents
// neither number). Codes are sealed at rest and compared in constant time; using one deletes it.

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/**
 * A new code for the same thing waits this long while the last one is still usable (Clerk's
 * verification_code_too_many_requests: "wait at least 30 seconds"), so a form cannot be made to send mail in a loop.
 */
export const RESEND_AFTER_MS = 30_000;

type CodeDeps = { db: Executor; clock: Clock; secretBox: SecretBox };

/** Codes of abandoned attempts are dropped a day after they expired, checked at most once a minute. */
let lastSweep = 0;
async function sweepExpired(deps: { db: Executor }, nowMs: number) {
  if (nowMs - lastSweep < 60_000) return;
  lastSweep = nowMs;
  await deleteExpiredCodes(deps.db, nowMs - 24 * 3600 * 1000);
}

export interface IssuedCode {
  code: string;
  expireAt: number;
}

/**
 * A fresh code for `key` (replacing any earlier one). The caller sends it. While the previous code is less
 * than 30 s old and still usable: 429 verification_code_too_many_requests.
 */
export async function issueCode(deps: CodeDeps, key: string): Promise<IssuedCode> {
  const now = deps.clock.now();
  const previous = await findCode(deps.db, key);
  if (previous && previous.created_at > now - RESEND_AFTER_MS && previous.expire_at > now && previous.attempts < CODE_MAX_ATTEMPTS) {
    throw new ClerkError('verification_code_too_many_requests');
  }
  await sweepExpired(deps, now);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expireAt = now + CODE_TTL_MS;
  await upsertCode(deps.db, { key, code_sealed: deps.secretBox.seal(code), expire_at: expireAt, created_at: now });
  return { code, expireAt };
}

export type CodeOutcome =
  /** Correct: the code is used up. */
  | { result: 'verified'; attempts: number }
  /** Wrong; `attempts` made so far. */
  | { result: 'incorrect'; attempts: number }
  /** No attempts left. */
  | { result: 'failed'; attempts: number }
  | { result: 'expired'; attempts: number }
  /** No code was prepared (or it was already used). */
  | { result: 'missing'; attempts: number };

/** Checks `code` against the code stored for `key`, counting the attempt. */
export async function checkCode(deps: CodeDeps, key: string, code: string): Promise<CodeOutcome> {
  const row = await findCode(deps.db, key);
  if (!row) return { result: 'missing', attempts: 0 };
  if (row.expire_at <= deps.clock.now()) return { result: 'expired', attempts: row.attempts };
  const attempts = await takeAttempt(deps.db, key, CODE_MAX_ATTEMPTS);
  if (attempts === undefined) return { result: 'failed', attempts: CODE_MAX_ATTEMPTS };
  if (safeEqual(deps.secretBox.open(row.code_sealed), code.trim())) {
    return (await consumeCode(deps.db, key, row.code_sealed)) ? { result: 'verified', attempts } : { result: 'missing', attempts };
  }
  return { result: attempts >= CODE_MAX_ATTEMPTS ? 'failed' : 'incorrect', attempts };
}

/** Forgets any code for `key` (the attempt it belonged to moved on). */
export async function discardCode(deps: { db: Executor }, key: string): Promise<void> {
  await deleteCode(deps.db, key);
}

/** The state of the code waiting under `key`, if any: how many attempts were made, and when it expires. */
export async function pendingCode(deps: { db: Executor }, key: string): Promise<{ attempts: number; expireAt: number } | undefined> {
  const row = await findCode(deps.db, key);
  return row ? { attempts: row.attempts, expireAt: row.expire_at } : undefined;
}
