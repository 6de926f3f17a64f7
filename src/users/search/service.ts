import type { Executor } from '../../db/database.js';
import { refreshSearchDocuments } from './store.js';

// What other features call when they change a value GET /v1/users?query= searches (an identification
// added or removed): the users' search documents follow, in the caller's transaction.

export async function refreshUserSearch(deps: { db: Executor }, userIds: readonly string[]): Promise<void> {
  await refreshSearchDocuments(deps.db, userIds);
}
