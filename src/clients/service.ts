import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.js';
import type { ClientRow } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { sha256Hex } from '../lib/constant-time.js';
import { newId } from '../lib/ids.js';
import { findClientById, findClientByTokenHash, insertClient, updateClientById } from './store.js';

type ClientDeps = { db: Executor; clock: Clock };

/**
 * A new client. With `withToken`, also the token that identifies it from now on (32 random bytes,
 * base64url): returned once, stored only as its SHA-256, so a copy of the database opens no client.
 */
export async function createClient(deps: ClientDeps, options: { withToken: boolean }): Promise<{ client: ClientRow; token: string | undefined }> {
  const now = deps.clock.now();
  const token = options.withToken ? randomBytes(32).toString('base64url') : undefined;
  const id = newId('client', now);
  await insertClient(deps.db, { id, token_hash: token === undefined ? null : sha256Hex(token), created_at: now });
  return { client: (await findClientById(deps.db, id))!, token };
}

/**
 * The client a token identifies, if any. The lookup is by hash through a unique index: the token is
 * never compared character by character, so its timing reveals nothing about stored tokens.
 */
export async function findClientByToken(deps: { db: Executor }, token: string): Promise<ClientRow | undefined> {
  if (token.length === 0 || token.length > 256) return undefined;
  return findClientByTokenHash(deps.db, sha256Hex(token));
}

export async function getClientById(deps: { db: Executor }, id: string): Promise<ClientRow | undefined> {
  return findClientById(deps.db, id);
}

/** Marks the client changed now; `lastActiveSessionId` (when given) becomes its last active session. */
export async function clientChanged(deps: ClientDeps, id: string, lastActiveSessionId?: string | null): Promise<void> {
  await updateClientById(deps.db, id, deps.clock.now(), lastActiveSessionId);
}
