import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { buildFrontendApp } from '../../src/frontend/app.js';
import type { Clock } from '../../src/lib/clock.js';
import { buildTestApp, call, uniqueEmail, type TestApp } from '../helper.js';

// The Frontend API under test: the Backend API app (to make users as an admin would), the Frontend API
// app on the same deps, and a small "browser" that talks to it the way clerk-js 5.59 does: form bodies,
// `_method` for PATCH/DELETE, clerk-js's query parameters, an Origin, and a cookie jar.

export const APP_ORIGIN = 'http://localhost:5173';
export const PASSWORD = 'Kettle-Orbit-Lantern-42';

export interface FrontendTestApp extends TestApp {
  fapi: Awaited<ReturnType<typeof buildFrontendApp>>;
}

export async function buildFrontendTestApp(t: TestContext, options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): Promise<FrontendTestApp> {
  const ctx = await buildTestApp(t, {
    ...(options.clock ? { clock: options.clock } : {}),
    env: { GATEHOUSE_FRONTEND_ORIGINS: APP_ORIGIN, GATEHOUSE_RATE_LIMITS: 'off', ...options.env },
  });
  const fapi = await buildFrontendApp(ctx.deps, { logger: false });
  t.after(() => fapi.close());
  return { ...ctx, fapi };
}

export interface FapiResponse {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

type FormValue = string | number | boolean | null | undefined | Record<string, unknown>;

/** clerk-js's form encoding (stringifyQueryParams): null → empty, objects → JSON, undefined left out. */
export function formBody(values: Record<string, FormValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    params.append(key, value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return params.toString();
}

/** A browser running clerk-js on APP_ORIGIN: one cookie jar, one client. */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Query parameters added to every request (e.g. `__clerk_db_jwt`). */
  readonly extraQuery: Record<string, string> = {};
  sessionId: string | undefined;

  constructor(
    private readonly ctx: FrontendTestApp,
    readonly origin: string | undefined = APP_ORIGIN,
  ) {}

  async request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: Record<string, FormValue>, headers: Record<string, string> = {}): Promise<FapiResponse> {
    const query = new URLSearchParams({ __clerk_api_version: '2025-04-10', _clerk_js_version: '5.59.3', ...this.extraQuery });
    // As clerk-js: only GET and POST on the wire, the real method in `_method`.
    if (method !== 'GET' && method !== 'POST') query.append('_method', method);
    if (this.sessionId && !path.startsWith('/v1/client')) query.append('_clerk_session_id', this.sessionId);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.ctx.fapi.inject({
      method: method === 'GET' ? 'GET' : 'POST',
      url: `${path}?${query}`,
      headers: {
        ...(this.origin ? { origin: this.origin } : {}),
        ...(cookie ? { cookie } : {}),
        ...(method !== 'GET' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(method !== 'GET' ? { payload: body ? formBody(body) : '' } : {}),
    });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers as FapiResponse['headers'] };
  }

  /** Signs in with email and password; returns the created session id (asserting the sign-in completed). */
  async signIn(identifier: string, password = PASSWORD): Promise<string> {
    const res = await this.request('POST', '/v1/client/sign_ins', { identifier, password, strategy: 'password' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.response.status, 'complete', JSON.stringify(res.body.response));
    this.sessionId = res.body.response.created_session_id;
    return this.sessionId!;
  }
}

/** A user made through the Backend API, with a password. */
export async function createUserWithPassword(ctx: TestApp, body: Record<string, unknown> = {}) {
  const email = uniqueEmail('fapi');
  const res = await call(ctx, 'POST', '/v1/users', { email_address: [email], password: PASSWORD, ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { id: res.body.id as string, email, user: res.body };
}

/**
 * The newest code emailed to `to` (read from its email.created event, as an app without SMTP would).
 * Newest by insertion order: a frozen test clock gives many events the same timestamp.
 */
export async function lastEmailedCode(ctx: TestApp, to: string): Promise<string> {
  const rows = (await ctx.deps.db.selectFrom('events').select(['payload']).where('type', '=', 'email.created').execute()).reverse();
  for (const row of rows) {
    const data = (row.payload as { data: { to_email_address: string; data: { otp_code?: string } } }).data;
    if (data.to_email_address === to && data.data.otp_code) return data.data.otp_code;
  }
  assert.fail(`no code was emailed to ${to}`);
}

/** The types of the events recorded so far, oldest first. */
export async function eventTypes(ctx: TestApp): Promise<string[]> {
  const rows = await ctx.deps.db.selectFrom('events').select(['type']).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.type);
}
