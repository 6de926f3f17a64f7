import type { Executor } from '../db/database.js';
import { ClerkError } from '../http/clerk-error.js';
import type { LockoutSettings } from '../instance/settings.js';
import { incrementFailedAttempts, resetFailedAttempts, type LockoutState } from './store.js';

// Brute-force lockout shared by verify_password and verify_totp: failures count in the database,
// so every server process sees the same counter.

export function isLocked(state: LockoutState, nowMs: number): boolean {
  return state.locked_at !== null && (state.lockout_expires_at === null || state.lockout_expires_at > nowMs);
}

/** Throws 403 user_locked while the user is locked (by an admin or after too many failures). */
export function assertNotLocked(state: LockoutState, nowMs: number): void {
  if (!isLocked(state, nowMs)) return;
  const seconds = state.lockout_expires_at === null ? null : Math.ceil((state.lockout_expires_at - nowMs) / 1000);
  const long_message =
    seconds === null
      ? 'Your account is locked. For more information, please contact support.'
      : `Your account is locked. You will be able to try again in ${Math.max(1, Math.ceil(seconds / 60))} minutes. For more information, contact support.`;
  throw new ClerkError('user_locked', { long_message, meta: { lockout_expires_in_seconds: seconds } });
}

/** Counts a failed verification; a no-op when lockout is off (max_attempts 0). */
export async function recordFailedVerification(db: Executor, userId: string, settings: LockoutSettings, nowMs: number) {
  if (settings.max_attempts <= 0) return;
  const until = settings.lockout_duration === null ? null : nowMs + settings.lockout_duration * 1000;
  await incrementFailedAttempts(db, userId, settings.max_attempts, nowMs, until);
}

/** A successful verification clears the failure count. */
export async function recordSuccessfulVerification(db: Executor, userId: string) {
  await resetFailedAttempts(db, userId);
}
