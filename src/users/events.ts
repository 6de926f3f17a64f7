import type { Deps } from '../deps.js';
import type { EventDeps } from '../webhooks/record.js';
import { recordEvents } from '../webhooks/record.js';
import { deletedObject } from '../http/schemas.js';
import { serializeUser, userViewContext, type UserJson } from './serialize.js';
import { findFullUsersByIds, type FullUserRow } from './store.js';

// The users feature's events (src/webhooks/): user.created, user.updated and user.deleted, each carrying
// what GET /v1/users/{id} answers at that moment. Services call these at the end of the transaction that
// changed the user; other features (identifications, MFA, sessions) call them for the user they changed.

/** What a user event needs: the transaction, the request, and what the User JSON is computed from. */
export type UserEventDeps = EventDeps & Pick<Deps, 'settings' | 'config'>;

/** Users as they are in this transaction, in the order of `ids`, with their Backend API JSON. */
export async function userSnapshots(deps: UserEventDeps, ids: string[]): Promise<{ row: FullUserRow; json: UserJson }[]> {
  const found = new Map((await findFullUsersByIds(deps.db, ids)).map((user) => [user.id, user]));
  const view = userViewContext(deps);
  return ids.map((id) => {
    const row = found.get(id);
    if (!row) throw new Error(`user ${id} was written in this transaction but cannot be read back`);
    return { row, json: serializeUser(row, view) };
  });
}

/**
 * Records user.created or user.updated for these users (one statement however many), in the caller's
 * transaction, and returns their rows as they now are.
 */
export async function recordUserEvents(deps: UserEventDeps, type: 'user.created' | 'user.updated', ids: string[]): Promise<FullUserRow[]> {
  const users = await userSnapshots(deps, ids);
  await recordEvents(deps, users.map((user) => ({ type, data: user.json })));
  return users.map((user) => user.row);
}

/** user.deleted: `data` is the deleted object DELETE /v1/users/{id} answers. */
export async function recordUserDeleted(deps: EventDeps, id: string): Promise<void> {
  await recordEvents(deps, [{ type: 'user.deleted', data: deletedObject('user', id) }]);
}
