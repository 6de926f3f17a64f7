import { inTransaction } from '../db/transaction.js';
import { ClerkError, paramError } from '../http/clerk-error.js';
import { userNotFound } from '../users/errors.js';
import { recordUserEvents, type UserEventDeps } from '../users/events.js';
import type { SecretBox } from '../lib/secret-box.js';
import { generateBackupCodes, hashBackupCodes } from './backup-codes.js';
import { findEnrollmentState } from './store.js';
import { activatePendingTotp, replaceBackupCodes, setPendingTotpSecret } from '../users/columns/service.js';
import { generateTotpSecret, parseTotpSecret, verifyTotp } from './totp.js';

// A user turning on their own second factors (the Frontend API's /v1/me/totp and /v1/me/backup_codes):
// a TOTP secret is enrolled in two steps, shown once and then confirmed with a code from the app; backup
// codes are shown once and stored only as bcrypt digests. What the Backend API imports (totp_secret,
// backup_codes on POST/PATCH /v1/users) goes through service.ts#prepareTotpSecret/prepareBackupCodes.

type EnrollDeps = UserEventDeps & { secretBox: SecretBox };


/** POST /v1/me/totp: a new secret to show (as a key and an otpauth:// URI); not active until verified. */
export async function startTotpEnrollment(deps: EnrollDeps, userId: string): Promise<{ secret: string }> {
  return inTransaction(deps.db, async (db) => {
    const user = await findEnrollmentState(db, userId);
    if (!user) throw userNotFound(userId);
    if (user.totp_secret !== null) throw new ClerkError('totp_already_enabled');
    const secret = generateTotpSecret();
    await setPendingTotpSecret(db, userId, deps.secretBox.seal(secret));
    return { secret };
  });
}

/**
 * POST /v1/me/totp/attempt_verification: a code from the enrolled secret turns TOTP on (user.updated).
 * With `withBackupCodes` and no backup codes yet, a first set is made too and returned, to show once.
 */
export async function confirmTotpEnrollment(
  deps: EnrollDeps,
  userId: string,
  code: string,
  options: { withBackupCodes: boolean },
): Promise<{ backupCodes: string[] | undefined }> {
  const user = await findEnrollmentState(deps.db, userId);
  if (!user) throw userNotFound(userId);
  if (user.totp_secret !== null) throw new ClerkError('totp_already_enabled');
  if (user.totp_pending_secret === null) throw new ClerkError('verification_missing');
  const result = verifyTotp(parseTotpSecret(deps.secretBox.open(user.totp_pending_secret)), code.replace(/\s+/g, ''), deps.clock.now(), null);
  if (!result.ok) throw paramError('form_code_incorrect', 'code');
  const plain = options.withBackupCodes && user.backup_codes === null ? generateBackupCodes() : undefined;
  const digests = plain ? await hashBackupCodes(plain) : undefined;
  return inTransaction(deps.db, async (db) => {
    const now = deps.clock.now();
    // Confirmed against the secret read above: a concurrent restart of the enrolment makes this lose.
    if (!(await activatePendingTotp(db, userId, user.totp_pending_secret!, result.step, now))) throw new ClerkError('verification_missing');
    if (digests) await replaceBackupCodes(db, userId, digests, now);
    await recordUserEvents({ ...deps, db }, 'user.updated', [userId]);
    return { backupCodes: plain };
  });
}

/**
 * POST /v1/me/backup_codes: a fresh set replaces the old one. Clerk allows backup codes only next to
 * another second factor, so a user without TOTP gets 400 backup_codes_not_available.
 */
export async function regenerateBackupCodes(deps: EnrollDeps, userId: string): Promise<string[]> {
  const plain = generateBackupCodes();
  const digests = await hashBackupCodes(plain);
  return inTransaction(deps.db, async (db) => {
    const user = await findEnrollmentState(db, userId);
    if (!user) throw userNotFound(userId);
    if (user.totp_secret === null) throw new ClerkError('backup_codes_not_available');
    await replaceBackupCodes(db, userId, digests, deps.clock.now());
    await recordUserEvents({ ...deps, db }, 'user.updated', [userId]);
    return plain;
  });
}
