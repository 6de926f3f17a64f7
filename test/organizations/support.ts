import assert from 'node:assert/strict';
import { findEventsAfter, type EventRecord } from '../../src/webhooks/store.js';
import { call, createTestUser, type TestApp } from '../helper.js';

// Shared by the organization tests: making organizations and members through the API, and reading the
// events a change recorded.

let counter = 0;
/** A name (and so a slug) no other test uses. */
export function uniqueName(prefix = 'Org'): string {
  counter += 1;
  return `${prefix} ${counter} ${Math.random().toString(36).slice(2, 8)}`;
}

/** POST /v1/organizations; fails the test unless 200. */
export async function createOrganization(ctx: TestApp, body: Record<string, unknown> = {}) {
  const res = await call(ctx, 'POST', '/v1/organizations', { name: uniqueName(), ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** An organization created by a new user, who is its admin; returns both. */
export async function organizationWithAdmin(ctx: TestApp, body: Record<string, unknown> = {}) {
  const admin = await createTestUser(ctx);
  const organization = await createOrganization(ctx, { created_by: admin.id, ...body });
  return { organization, admin };
}

/** POST /v1/organizations/{id}/memberships; fails the test unless 200. */
export async function addMember(ctx: TestApp, organizationId: string, userId: string, role = 'org:member') {
  const res = await call(ctx, 'POST', `/v1/organizations/${organizationId}/memberships`, { user_id: userId, role });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/**
 * Runs `change` and returns the events it recorded, in outbox order. Events recorded by one recordEvents
 * call keep their order; those of separate calls made in the same millisecond may come in either order
 * (their KSUIDs are random within a second), so tests compare those as sets (`typesOf`).
 */
export async function eventsOf(ctx: TestApp, change: () => Promise<unknown>): Promise<EventRecord[]> {
  const before = new Set((await findEventsAfter(ctx.deps.db, null, 1_000_000)).map((e) => e.id));
  await change();
  return (await findEventsAfter(ctx.deps.db, null, 1_000_000)).filter((e) => !before.has(e.id));
}

/** The events' types, sorted: for changes whose events come from separate calls. */
export const typesOf = (events: EventRecord[]) => events.map((e) => e.type).sort();

/** The first event of `type`. */
export const eventOf = (events: EventRecord[], type: string) => events.find((e) => e.type === type);

export const eventData = (event: EventRecord | undefined) => (event?.payload as { data: any }).data;
