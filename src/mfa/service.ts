import type { Executor } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import { paramError, ClerkError } from '../http/clerk-error.js';
import { userNotFound } from '../users/errors.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import { assertNotLocked, attemptVerification, type AttemptOutcome } from '../lockout/service.js';
import { hashingAll, userLane, type Lane } from '../passwords/service.js';
import { recordUserEvents, type UserEventDeps } from '../users/events.js';
import { findBackupCode, hashBackupCodes, InvalidBackupCodeError } from './backup-codes.js';
import { findMfaCredentials, hasSecondFactor } from './store.js';
import { clearSecondFactorPhones } from '../identifications/service.js';
import { clearMfaById, consumeBackupCode, markTotpStepUsed, stampMfaDisabledIfNone, type MfaPatch } from '../users/columns/service.js';
import { InvalidTotpSecretError, parseTotpSecret, verifyTotp } from './totp.js';

/** Validates an imported TOTP secret and seals it for storage; null removes it. */
export function prepareTotpSecret(secretBox: SecretBox, secret: string | null): string | null {
  if (secret === null) return null;
  try {
    parseTotpSecret(secret);
  } catch (error) {
    if (!(error instanceof InvalidTotpSecretError)) throw error;
    throw new ClerkError('invalid_totp_secret_code', { meta: { param_name: 'totp_secret' } });
  }
  // Stored normalised (upper case, no spaces or padding), so verification decodes one form only.
  return secretBox.seal(secret.replace(/[\s=]/g, '').toUpperCase());
}

/** Hashes imported backup codes (plain or bcrypt digests) for storage, through the hashing limiter. */
export async function prepareBackupCodes(codes: string[], lane: Lane): Promise<string[]> {
  try {
    return await hashBackupCodes(codes, (tasks) => hashingAll(lane, tasks));
  } catch (error) {
    if (!(error instanceof InvalidBackupCodeError)) throw error;
    throw paramError('form_param_format_invalid', 'backup_codes', `backup_codes: ${error.message}`);
  }
}

export interface MfaDeps {
  db: Executor;
  clock: Clock;
  secretBox: SecretBox;
}

export type CodeType = 'totp' | 'backup_code';


/**
 * POST /v1/users/{id}/verify_totp: a 6-digit TOTP code (±1 step of skew, never twice for the same
 * step) or one of the user's backup codes (used up by verifying it). One attempt under the lockout
 * (lockout/service#attemptVerification): counted before it is checked. A replay of a code that was just
 * accepted is refused but not counted: it is not a guess. `only` restricts it to one kind (the Frontend
 * API's second factor names its strategy): a backup code is then never used up by a `totp` attempt.
 */
export async function verifyTotpOrBackupCode(deps: MfaDeps, userId: string, rawCode: string, only?: CodeType): Promise<CodeType> {
  const user = await findMfaCredentials(deps.db, userId);
  if (!user) throw userNotFound(userId);
  assertNotLocked(user, deps.clock.now()); // early, for the clearer answer; the reservation checks again, atomically
  const totpSecret = only === 'backup_code' ? null : user.totp_secret;
  const backupCodes = only === 'totp' ? [] : (user.backup_codes ?? []);
  if (totpSecret === null && backupCodes.length === 0) throw new ClerkError('totp_disabled');
  const code = rawCode.replace(/\s+/g, '');
  if (backupCodes.length === 0 && code.length !== 6) throw paramError('totp_invalid_length', 'code');

  const candidate = { ...user, totp_secret: totpSecret };
  const result = await attemptVerification(deps, user, () => matchCode(deps, candidate, code, backupCodes));
  if (result.outcome !== 'success') throw paramError('totp_incorrect_code', 'code');
  return result.value;
}

async function matchCode(
  deps: MfaDeps,
  user: { id: string; totp_secret: string | null; totp_last_used_step: number | null },
  code: string,
  backupCodes: string[],
): Promise<AttemptOutcome<CodeType>> {
  let replay = false;
  if (user.totp_secret !== null && /^\d{6}$/.test(code)) {
    const secret = parseTotpSecret(deps.secretBox.open(user.totp_secret));
    // Checked without the last used step first, so that a replay (a right code, already used) is told apart.
    const result = verifyTotp(secret, code, deps.clock.now(), null);
    if (result.ok) {
      if (await markTotpStepUsed(deps.db, user.id, result.step)) return { outcome: 'success', value: 'totp' };
      replay = true;
    }
  }
  if (backupCodes.length > 0) {
    const index = await findBackupCode(backupCodes, code, (tasks) => hashingAll(userLane(user.id), tasks));
    if (index >= 0) {
      const remaining = backupCodes.filter((_, i) => i !== index);
      if (await consumeBackupCode(deps.db, user.id, backupCodes, remaining)) return { outcome: 'success', value: 'backup_code' };
      replay = true; // used up by a concurrent request a moment ago
    }
  }
  return replay ? { outcome: 'uncounted' } : { outcome: 'failure' };
}

/**
 * DELETE /v1/users/{id}/totp, /backup_code and /mfa. mfa_disabled_at is stamped only when the user had a
 * second factor before and has none after, as PATCH /v1/users/{id} does: deleting what was never there
 * (or deleting it twice) does not move it.
 */
export async function disableMfa(deps: MfaDeps & UserEventDeps, userId: string, what: 'totp' | 'backup_code' | 'all'): Promise<void> {
  await inTransaction(deps.db, async (db) => {
    const now = deps.clock.now();
    const hadMfa = await hasSecondFactor(db, userId);
    if (hadMfa === undefined) throw userNotFound(userId);
    const patch: MfaPatch = what === 'totp' ? { totp_secret: null } : what === 'backup_code' ? { backup_codes: null } : { totp_secret: null, backup_codes: null };
    if (!(await clearMfaById(db, userId, patch, now))) throw userNotFound(userId);
    if (what === 'all') await clearSecondFactorPhones(db, userId, now);
    if (hadMfa) await stampMfaDisabledIfNone(db, userId, now);
    await recordUserEvents({ ...deps, db }, 'user.updated', [userId]);
  });
}
