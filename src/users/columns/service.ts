// What other features call to write their columns of `users`: users/ is the only writer of the table,
// the caller decides the values (passwords/ the digest, mfa/ the sealed secret and code digests,
// lockout/ the thresholds, sessions/ the times, identifications/ which identification is primary).
// Each function takes the caller's executor, so it runs in the caller's transaction. This file imports
// only users/ stores (users/service.ts imports passwords/, mfa/ and sessions/: reaching users through it
// would be a cycle).

export { clearPasswordById, replacePasswordDigest, type StoredPassword } from './password-store.js';
export {
  activatePendingTotp,
  clearMfaById,
  consumeBackupCode,
  markTotpStepUsed,
  replaceBackupCodes,
  setPendingTotpSecret,
  stampMfaDisabledIfNone,
  type MfaPatch,
} from './second-factor-store.js';
export { findLockoutState, reserveAttempt, settleAttempt, type LockoutState } from './lockout-store.js';
export { touchUserActivity, touchUserSignIn } from './activity-store.js';
export { updatePrimaryIdentificationId } from '../store.js';
