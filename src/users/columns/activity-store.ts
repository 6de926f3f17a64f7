import type { Executor } from '../../db/database.js';

// The activity columns of users (last_sign_in_at, last_active_at), written for sessions/, which
// decides when a sign-in or an activity happened and how coarse last_active_at is (one day).

/** A sign-in: both the last sign-in and the last activity move. */
export async function touchUserSignIn(db: Executor, userId: string, nowMs: number, activeDayMs: number) {
  await db.updateTable('users').set({ last_sign_in_at: nowMs, last_active_at: activeDayMs }).where('id', '=', userId).execute();
}

/** Activity (a session token was minted): last_active_at moves forward, never back. */
export async function touchUserActivity(db: Executor, userId: string, activeDayMs: number) {
  await db
    .updateTable('users')
    .set({ last_active_at: activeDayMs })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<', activeDayMs)]))
    .execute();
}
