import type { Executor } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { deleteStale, hit } from './store.js';

/**
 * Clerk's Frontend API limits, per IP address (docs: backend-requests/resources/rate-limits, 2025):
 * creating a sign-in or a sign-up, 5 requests per 10 seconds; attempting a sign-in factor or a sign-up
 * verification, 3 per 10 seconds.
 */
export const RATE_LIMITS = Object.freeze({
  sign_in_create: { limit: 5, windowMs: 10_000 },
  sign_up_create: { limit: 5, windowMs: 10_000 },
  sign_in_attempt: { limit: 3, windowMs: 10_000 },
  sign_up_attempt: { limit: 3, windowMs: 10_000 },
});

export type RateLimitRule = keyof typeof RATE_LIMITS;

export type RateLimitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counters older than this are deleted now and then (the longest window is 10 s). */
const STALE_AFTER_MS = 60 * 60_000;
let lastSweep = 0;

/** Counts one request of `ip` under `rule`; over the limit, says how long until the window ends. */
export async function consumeRateLimit(deps: { db: Executor; clock: Clock }, rule: RateLimitRule, ip: string): Promise<RateLimitOutcome> {
  const { limit, windowMs } = RATE_LIMITS[rule];
  const now = deps.clock.now();
  if (now - lastSweep > 60_000) {
    lastSweep = now;
    await deleteStale(deps.db, now - STALE_AFTER_MS);
  }
  const { window_start, hits } = await hit(deps.db, `${rule}:${ip}`, now, windowMs);
  if (hits <= limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window_start + windowMs - now) / 1000)) };
}
