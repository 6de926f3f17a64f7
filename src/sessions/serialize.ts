import type { SessionRow } from '../db/schema.js';
import { effectiveStatus } from './status.js';

/** Row → Clerk's Session JSON. Do not rename the fields: @clerk/backend's Session.fromJSON reads them. */
export function serializeSession(row: SessionRow, nowMs: number) {
  return {
    object: 'session' as const,
    id: row.id,
    user_id: row.user_id,
    client_id: row.client_id,
    actor: null,
    status: effectiveStatus(row, nowMs),
    last_active_organization_id: row.last_active_organization_id,
    last_active_at: row.last_active_at,
    latest_activity: null,
    expire_at: row.expire_at,
    abandon_at: row.abandon_at,
    updated_at: row.updated_at,
    created_at: row.created_at,
    tasks: null,
  };
}
