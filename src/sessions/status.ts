import type { SessionRow, SessionStatus } from '../db/schema.js';

/**
 * The status a client sees: an active session past its expiry or abandonment reads as such. The first
 * deadline reached decides, and sticks: an expired session does not turn abandoned later (nor does a
 * session that reaches a max lifetime over 30 days, where abandon_at = expire_at, read abandoned).
 * Keep in step with statusCondition in store.ts.
 */
export function effectiveStatus(row: SessionRow, nowMs: number): SessionStatus {
  if (row.status !== 'active') return row.status;
  if (row.expire_at <= nowMs && row.expire_at <= row.abandon_at) return 'expired';
  if (row.abandon_at <= nowMs) return 'abandoned';
  return 'active';
}
