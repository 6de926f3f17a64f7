import type { Deps } from '../../deps.js';
import { uniqueViolation } from '../../db/errors.js';
import { inTransaction } from '../../db/transaction.js';
import type { OldSecret } from '../../db/schema.js';
import { newId, newTimeOrderedId } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { endpointUrlProblem } from '../delivery/targets.js';
import { requeueFailedDeliveries } from '../delivery/store.js';
import { EVENT_TYPES } from '../events.js';
import { notifyDeliverer } from '../store.js';
import { conflict, invalid, notFound, SvixError } from '../svix-errors.js';
import { generateSecret, parseSecret } from './secrets.js';
import {
  deleteEndpointById,
  deleteEveryEndpoint,
  findEndpointByIdOrUid,
  findEndpointsPage,
  insertEndpoint,
  updateEndpointById,
  type EndpointPatch,
  type EndpointRow,
} from './store.js';

// Webhook endpoints as Svix manages them (svix-server v1/endpoints/endpoint): create, update (PUT,
// creating when absent), patch, delete, the signing secret and its rotation, recovery of failed messages.

type EndpointDeps = Pick<Deps, 'db' | 'clock' | 'secretBox' | 'config'>;

/** EndpointIn / EndpointUpdate / EndpointPatch fields (camelCase on the wire, as Svix's). */
export interface EndpointFields {
  url?: string;
  description?: string;
  uid?: string | null;
  disabled?: boolean;
  eventTypes?: string[] | null;
  channels?: string[] | null;
  throttleRate?: number | null;
  metadata?: Record<string, string>;
}

/** Svix keeps at most 10 rotated secrets alive at once (ExpiringSigningKeys::MAX_OLD_KEYS). */
const MAX_OLD_SECRETS = 10;
/** Svix's default grace period for a rotated secret: it keeps signing for 24 hours. */
const DEFAULT_GRACE_SECONDS = 86_400;
const MAX_GRACE_SECONDS = 7 * 86_400;
/** endpoint.recover reaches back at most 14 days (plus 5 minutes for clock skew), as on Svix. */
const MAX_RECOVER_MS = (14 * 86_400 + 300) * 1000;

const KNOWN_EVENT_TYPES = new Set<string>(EVENT_TYPES);

/** Svix's rules for the fields given (the shapes are checked by the routes' schemas). */
function checkFields(fields: EndpointFields, blockPrivate: boolean): void {
  if (fields.url !== undefined) {
    const problem = endpointUrlProblem(fields.url, blockPrivate);
    if (problem) throw invalid('body', 'url', problem);
  }
  if (fields.eventTypes) {
    if (fields.eventTypes.length === 0) throw invalid('body', 'eventTypes', "eventTypes can't be empty, it must have at least one item.");
    const missing = [...new Set(fields.eventTypes)].filter((t) => !KNOWN_EVENT_TYPES.has(t));
    if (missing.length > 0) throw invalid('body', 'eventTypes', `The following event types don't exist: ${missing.join(', ')}`);
  }
  if (fields.channels && (fields.channels.length < 1 || fields.channels.length > 10)) {
    throw invalid('body', 'channels', 'Channels must have at least 1 and at most 10 items, or be set to null.');
  }
  if (fields.uid?.startsWith('ep_')) throw invalid('body', 'uid', 'Uids are not allowed to have the same prefix as the ID. Prefix with _?');
}

/** A taken uid is Svix's 409 conflict. */
async function withUniqueUid<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolation(error) !== undefined) throw conflict();
    throw error;
  }
}

function columns(fields: EndpointFields): EndpointPatch {
  const patch: EndpointPatch = {};
  if (fields.url !== undefined) patch.url = fields.url;
  if (fields.description !== undefined) patch.description = fields.description;
  if (fields.uid !== undefined) patch.uid = fields.uid;
  if (fields.disabled !== undefined) patch.disabled = fields.disabled;
  if (fields.eventTypes !== undefined) patch.event_types = fields.eventTypes === null ? null : JSON.stringify([...new Set(fields.eventTypes)]);
  if (fields.channels !== undefined) patch.channels = fields.channels === null ? null : JSON.stringify([...new Set(fields.channels)]);
  if (fields.throttleRate !== undefined) patch.throttle_rate = fields.throttleRate;
  if (fields.metadata !== undefined) patch.metadata = JSON.stringify(fields.metadata);
  // Re-enabling an endpoint starts a new count towards the 5-day automatic disable.
  if (fields.disabled === false) patch.failing_since = null;
  return patch;
}

export async function getEndpoint(deps: Pick<Deps, 'db'>, idOrUid: string): Promise<EndpointRow> {
  const row = await findEndpointByIdOrUid(deps.db, idOrUid);
  if (!row) throw notFound();
  return row;
}

export async function listEndpoints(deps: Pick<Deps, 'db'>, page: { iterator: string | undefined; ascending: boolean; limit: number }) {
  return findEndpointsPage(deps.db, page);
}

/** POST /endpoint (201): a generated whsec_ secret unless one is given. */
export async function createEndpoint(deps: EndpointDeps, fields: EndpointFields & { url: string; secret?: string | null }): Promise<EndpointRow> {
  checkFields(fields, deps.config.webhooks.blockPrivateNetworks);
  let secret = generateSecret();
  if (fields.secret != null) {
    const given = parseSecret(fields.secret);
    if (!given) throw invalid('body', 'secret', 'secret length invalid');
    secret = given;
  }
  const now = deps.clock.now();
  return withUniqueUid(() =>
    insertEndpoint(deps.db, {
      id: newTimeOrderedId('ep', now),
      uid: null,
      description: '',
      disabled: false,
      event_types: null,
      channels: null,
      throttle_rate: null,
      metadata: '{}',
      ...columns(fields),
      url: fields.url,
      secret_sealed: deps.secretBox.seal(secret),
      old_secrets: '[]',
      failing_since: null,
      created_at: now,
      updated_at: now,
    }),
  );
}

/**
 * PUT /endpoint/{id} (Svix's update, the client's `upsert`): replaces every field (absent ones take
 * their defaults); an endpoint that does not exist is created, as on Svix. `created` says which happened.
 */
export async function upsertEndpoint(deps: EndpointDeps, idOrUid: string, fields: EndpointFields & { url: string }) {
  checkFields(fields, deps.config.webhooks.blockPrivateNetworks);
  const full: EndpointFields = {
    description: '',
    uid: null,
    disabled: false,
    eventTypes: null,
    channels: null,
    throttleRate: null,
    metadata: {},
    ...fields,
  };
  return inTransaction(deps.db, async (db) => {
    const existing = await findEndpointByIdOrUid(db, idOrUid, true);
    if (!existing) return { created: true, endpoint: await createEndpoint({ ...deps, db }, full as EndpointFields & { url: string }) };
    const row = await withUniqueUid(() => updateEndpointById(db, existing.id, { ...columns(full), updated_at: deps.clock.now() }));
    return { created: false, endpoint: row! };
  });
}

/** PATCH /endpoint/{id}: only the fields given; null clears a nullable one. */
export async function patchEndpoint(deps: EndpointDeps, idOrUid: string, fields: EndpointFields): Promise<EndpointRow> {
  checkFields(fields, deps.config.webhooks.blockPrivateNetworks);
  return inTransaction(deps.db, async (db) => {
    const existing = await findEndpointByIdOrUid(db, idOrUid, true);
    if (!existing) throw notFound();
    return (await withUniqueUid(() => updateEndpointById(db, existing.id, { ...columns(fields), updated_at: deps.clock.now() })))!;
  });
}

/** DELETE /endpoint/{id}: its pending deliveries and its attempt log go with it. */
export async function deleteEndpoint(deps: Pick<Deps, 'db'>, idOrUid: string): Promise<void> {
  const row = await getEndpoint(deps, idOrUid);
  if (!(await deleteEndpointById(deps.db, row.id))) throw notFound();
}

/** DELETE /v1/webhooks/svix (Clerk's "delete the Svix app"): every endpoint, with its deliveries and attempts. */
export async function deleteAllEndpoints(deps: Pick<Deps, 'db'>): Promise<void> {
  await deleteEveryEndpoint(deps.db);
}

export async function getEndpointSecret(deps: Pick<Deps, 'db' | 'secretBox'>, idOrUid: string): Promise<string> {
  return deps.secretBox.open((await getEndpoint(deps, idOrUid)).secret_sealed);
}

/**
 * POST /endpoint/{id}/secret/rotate: a new secret (given or generated) signs from now on; the previous one
 * keeps signing too until its grace period (default 24 h) ends, so receivers can switch without a gap.
 */
export async function rotateEndpointSecret(deps: EndpointDeps, idOrUid: string, input: { key?: string | null; gracePeriodSeconds?: number | null }) {
  let next = generateSecret();
  if (input.key != null) {
    const given = parseSecret(input.key);
    if (!given) throw invalid('body', 'key', 'secret length invalid');
    next = given;
  }
  const grace = input.gracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  if (grace < 0 || grace > MAX_GRACE_SECONDS) throw invalid('body', 'gracePeriodSeconds', 'Duration must be between 0 and 7 days');
  await inTransaction(deps.db, async (db) => {
    const existing = await findEndpointByIdOrUid(db, idOrUid, true);
    if (!existing) throw notFound();
    const now = deps.clock.now();
    const old = (existing.old_secrets as OldSecret[]).filter((s) => s.expires_at > now);
    if (grace > 0) old.push({ sealed: existing.secret_sealed, expires_at: now + grace * 1000 });
    old.sort((a, b) => a.expires_at - b.expires_at);
    if (old.length > MAX_OLD_SECRETS) {
      throw new SvixError(400, 'limit_reached', `You can only rotate a key ${MAX_OLD_SECRETS} times; please wait for old keys to expire. Your next key expires at ${new Date(old[0]!.expires_at).toISOString()}.`);
    }
    await updateEndpointById(db, existing.id, { secret_sealed: deps.secretBox.seal(next), old_secrets: JSON.stringify(old), updated_at: now });
  });
}

/** The secrets that sign a delivery now: the current one, then rotated ones still in their grace period. */
export function signingSecrets(secretBox: SecretBox, endpoint: { secret_sealed: string; old_secrets: OldSecret[] }, now: number): string[] {
  return [endpoint.secret_sealed, ...endpoint.old_secrets.filter((s) => s.expires_at > now).map((s) => s.sealed)].map((sealed) => secretBox.open(sealed));
}

/** POST /endpoint/{id}/recover: the endpoint's messages that failed in [since, until) are sent again. */
export async function recoverEndpoint(deps: EndpointDeps, idOrUid: string, window: { since: number; until: number | undefined }) {
  const now = deps.clock.now();
  const until = window.until ?? now;
  if (window.since < until - MAX_RECOVER_MS) throw invalid('body', 'since', 'Cannot recover more than 14 days of messages');
  const endpoint = await getEndpoint(deps, idOrUid);
  const count = await requeueFailedDeliveries(deps.db, endpoint.id, window.since, until, now);
  await notifyDeliverer(deps.db);
  return { id: newId('qtask', now), count, updatedAt: now };
}
