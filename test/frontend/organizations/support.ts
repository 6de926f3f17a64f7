import assert from 'node:assert/strict';
import { call } from '../../helper.js';
import { Browser, createUserWithPassword, type FrontendTestApp } from '../support.js';

// Shared by the Frontend API's organization tests: users signed in on their own browser, and
// organizations they create through the Frontend API as clerk-js does.

let counter = 0;
/** A name (and so a slug) no other test uses. */
export function uniqueName(prefix = 'Org'): string {
  counter += 1;
  return `${prefix} ${counter} ${Math.random().toString(36).slice(2, 8)}`;
}

/** A user (made through the Backend API with `body`) signed in on a new browser. */
export async function signedInUser(ctx: FrontendTestApp, body: Record<string, unknown> = {}) {
  const user = await createUserWithPassword(ctx, body);
  const browser = new Browser(ctx);
  const sessionId = await browser.signIn(user.email);
  return { ...user, browser, sessionId };
}

export type SignedInUser = Awaited<ReturnType<typeof signedInUser>>;

/** POST /v1/organizations as `user` (clerk.createOrganization); fails the test unless 200. */
export async function createOrganizationAs(user: SignedInUser, name = uniqueName()) {
  const res = await user.browser.request('POST', '/v1/organizations', { name });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.response;
}

/** Adds `user` to the organization through the Backend API. */
export async function addMemberByBackend(ctx: FrontendTestApp, organizationId: string, userId: string, role = 'org:member') {
  const res = await call(ctx, 'POST', `/v1/organizations/${organizationId}/memberships`, { user_id: userId, role });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
