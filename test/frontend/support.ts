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

type FormValue = string | number | boolean | null | undefined | string[] | Record<string, unknown>;

/** clerk-js's form encoding (stringifyQueryParams): null → empty, arrays → the key repeated, objects → JSON, undefined left out. */
export function formBody(values: Record<string, FormValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, item);
      continue;
    }
    params.append(key, value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return params.toString();
}

/** A body sent as is (a multipart upload), rather than form-encoded. */
function isRaw(body: unknown): body is { raw: Buffer; contentType: string } {
  return typeof body === 'object' && body !== null && Buffer.isBuffer((body as { raw?: unknown }).raw);
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

  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body?: Record<string, FormValue> | { raw: Buffer; contentType: string },
    headers: Record<string, string> = {},
  ): Promise<FapiResponse> {
    const query = new URLSearchParams({ __clerk_api_version: '2025-04-10', _clerk_js_version: '5.59.3', ...this.extraQuery });
    // As clerk-js: only GET and POST on the wire, the real method in `_method`.
    if (method !== 'GET' && method !== 'POST') query.append('_method', method);
    if (this.sessionId && !path.startsWith('/v1/client')) query.append('_clerk_session_id', this.sessionId);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.ctx.fapi.inject({
      method: method === 'GET' ? 'GET' : 'POST',
      url: `${path}${path.includes('?') ? '&' : '?'}${query}`,
      headers: {
        ...(this.origin ? { origin: this.origin } : {}),
        ...(cookie ? { cookie } : {}),
        ...(method !== 'GET' ? { 'content-type': isRaw(body) ? body.contentType : 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(method !== 'GET' ? { payload: isRaw(body) ? body.raw : body ? formBody(body) : '' } : {}),
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
 * The code last emailed to `to` that is still waiting (read from the email.created events, as an app without
 * SMTP would). "Last" is decided by what is stored, not by timestamps: a frozen test clock gives many events
 * the same one. A code replaced by a newer one, or used up, is no longer stored.
 */
export async function lastEmailedCode(ctx: TestApp, to: string): Promise<string> {
  const events = await ctx.deps.db.selectFrom('events').select(['payload']).where('type', '=', 'email.created').execute();
  const sent = events
    .map((row) => (row.payload as { data: { to_email_address: string; data: { otp_code?: string } } }).data)
    .filter((email) => email.to_email_address === to && email.data.otp_code)
    .map((email) => email.data.otp_code!);
  const stored = new Set((await ctx.deps.db.selectFrom('verification_codes').select('code_sealed').execute()).map((r) => ctx.deps.secretBox.open(r.code_sealed)));
  const waiting = sent.filter((code) => stored.has(code));
  const code = waiting.at(-1) ?? sent.at(-1);
  assert.ok(code, `no code was emailed to ${to}`);
  return code;
}

/** The types of the events recorded so far, oldest first. */
export async function eventTypes(ctx: TestApp): Promise<string[]> {
  const rows = await ctx.deps.db.selectFrom('events').select(['type']).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.type);
}
