import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { routeCatalogue, type CatalogueEntry } from '../../src/http/route-catalogue.js';
import { assertErrorEnvelope, buildTestApp, call, createTestUser } from '../helper.js';
import { Browser, buildFrontendTestApp, createUserWithPassword, formBody } from '../frontend/support.js';

// Generated hostile input thrown at EVERY route of every listener: whatever arrives, the answer is never a
// 5xx, and every 4xx is Clerk's error envelope. The routes come from the app itself (http/route-catalogue.ts),
// so a route added later is covered without touching this file.
//
// A listener is one Fastify app with what its routes need (headers, ids of real objects), fresh for each
// route: a Frontend API route may sign its client out or delete its user, which must not hide the next
// route behind a 401.
//
// FUZZ_RUNS (default 12) sets the runs per route; a failure prints fast-check's seed and the shrunk request.

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

interface Caller {
  headers: Record<string, string>;
  /** Real values for path parameters, by name, so that some requests reach past the 404. */
  ids: Record<string, string>;
  /** Bodies may also be form-encoded (the Frontend API takes clerk-js's form bodies). */
  forms: boolean;
}

interface Listener {
  app: FastifyInstance;
  /** Headers and ids for the next route. */
  caller: () => Promise<Caller>;
}

const LISTENERS: { name: string; start: (t: TestContext) => Promise<Listener> }[] = [
  {
    name: 'Backend API',
    async start(t) {
      const ctx = await buildTestApp(t);
      const user = await createTestUser(ctx, { password: 'Fuzzing-Pass-Phrase-90', totp_secret: 'JBSWY3DPEHPK3PXP', backup_codes: ['fuzz0001'] });
      const session = await call(ctx, 'POST', '/v1/sessions', { user_id: user.id });
      const ids = { user_id: user.id, session_id: session.body.id, email_address_id: user.email_addresses[0].id, id: user.id };
      return { app: ctx.app as unknown as FastifyInstance, caller: async () => ({ headers: ctx.auth, ids, forms: false }) };
    },
  },
  {
    name: 'Frontend API',
    async start(t) {
      const ctx = await buildFrontendTestApp(t);
      return {
        app: ctx.fapi as unknown as FastifyInstance,
        // A signed-in browser of a new user (with a password and an email address), and a sign-in and a
        // sign-up of its client in progress.
        async caller() {
          const { user, email } = await createUserWithPassword(ctx);
          const browser = new Browser(ctx);
          const signIn = await browser.request('POST', '/v1/client/sign_ins', { identifier: email });
          const signUp = await new Browser(ctx).request('POST', '/v1/client/sign_ups', { email_address: `fuzz${Date.now()}@example.com` });
          const sessionId = await browser.signIn(email);
          const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
          return {
            headers: { origin: browser.origin!, cookie },
            ids: {
              session_id: sessionId,
              sign_in_id: signIn.body.response.id,
              sign_up_id: signUp.body.response.id,
              email_id: user.email_addresses[0].id,
            },
            forms: true,
          };
        },
      };
    },
  },
];

// ---- generators -----------------------------------------------------------------------------------------

/** Characters that have broken servers: NUL, lone surrogates, the replacement character, controls, RTL marks. */
const nasty = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufffd', '\u0007', '\u202e', '\ufeff', '%', '\\', '"', "'", '$', '{', '\u{1f600}');
const hostileText = fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 24 });

/** Numbers as JSON text that JSON.stringify cannot produce: beyond 64 bits, beyond doubles, signed zero. */
const RAW_NUMBERS = ['99999999999999999999999', '-99999999999999999999999', '1e400', '-1e400', '9007199254740993', '-0', '1e-400', '2147483648'];

/** Deep nesting, as text (too deep for JSON.stringify to have produced). */
const deepJson = fc.integer({ min: 200, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);

/** A JSON value in which some leaves are markers for raw text (RAW_NUMBERS, deep nesting). */
const raw = fc.oneof(fc.constantFrom(...RAW_NUMBERS), deepJson).map((text) => ({ __raw: text }));
const leaf = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), raw);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(hostileText, tie('value'), { maxKeys: 3 })),
})).value;

/** JSON text for `body`, with the raw markers spliced in. */
function toJson(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_key, v) => {
    if (v && typeof v === 'object' && '__raw' in v) {
      raws.push((v as { __raw: string }).__raw);
      return `__RAW_${raws.length - 1}__`;
    }
    return v;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_m, i: string) => raws[Number(i)]!);
}

/** Bytes that are not UTF-8, inside an otherwise valid JSON string. */
const invalidUtf8 = fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]);

function propertiesOf(schema: unknown): string[] {
  return Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
}

/** A value of about the type `schema` asks for (so that it passes validation and reaches the service), or anything. */
function valueFor(schema: unknown): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as { type?: string | string[]; anyOf?: unknown[]; items?: unknown };
  const types = [s.type ?? (s.anyOf ?? []).map((a) => (a as { type?: string }).type)].flat();
  const typed: fc.Arbitrary<unknown>[] = [];
  if (types.includes('string')) typed.push(hostileText, hostileText.map((t) => `user${t}@example.com`));
  if (types.includes('integer') || types.includes('number')) typed.push(fc.integer(), raw.filter((r) => !r.__raw.startsWith('{')));
  if (types.includes('boolean')) typed.push(fc.boolean());
  if (types.includes('array')) typed.push(fc.array(valueFor(s.items), { maxLength: 3 }));
  if (types.includes('object')) typed.push(fc.dictionary(hostileText, value, { maxKeys: 3 }), fc.tuple(hostileText, deepJson).map(([k, d]) => ({ [k]: { __raw: d } })));
  return typed.length ? fc.oneof({ weight: 4, arbitrary: fc.oneof(...typed) }, value) : value;
}

/** A body for `route`: its own parameters with values of about their type, any names with hostile values, or hostile bytes. */
function bodyFor(route: CatalogueEntry): fc.Arbitrary<string | Buffer> {
  const properties = (route.schema?.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const names = [...Object.keys(properties), 'public_metadata', 'unknown_param'];
  const own = fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, valueFor(v)])), { requiredKeys: [] }).map(toJson);
  const any = fc.dictionary(fc.oneof(fc.constantFrom(...names), hostileText), value, { maxKeys: 4 }).map(toJson);
  const object = Object.keys(properties).length ? fc.oneof({ weight: 3, arbitrary: own }, any) : any;
  const param = fc.constantFrom(...names);
  const badBytes = fc
    .tuple(param, invalidUtf8)
    .map(([name, bytes]) => Buffer.concat([Buffer.from(`{"${name}":"x`), Buffer.from(bytes), Buffer.from('y"}')]));
  const deep = fc.tuple(param, deepJson).map(([name, text]) => `{"${name}":${text}}`);
  const broken = fc.constantFrom('{', '[', 'null', '"x"', '{"a":1,}', '{"__proto__":{"x":1}}', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}');
  return fc.oneof({ weight: 5, arbitrary: object }, badBytes, deep, broken);
}

/** A form body (clerk-js's encoding) of the route's own parameters and any names, with hostile values. */
function formFor(route: CatalogueEntry): fc.Arbitrary<string> {
  const names = [...propertiesOf(route.schema?.body), 'unsafe_metadata', '_method', 'unknown_param'];
  const formValue = fc.oneof(hostileText, value.map(toJson), fc.constantFrom(...RAW_NUMBERS, 'true', 'null', ''));
  const pairs = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, hostileText), formValue, { maxKeys: 4 });
  const encoded = pairs.map((values) => formBody(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v as string]))));
  // Escapes that do not decode, or decode to bytes that are not UTF-8.
  const raw = fc.tuple(fc.constantFrom(...names), urlText).map(([name, text]) => `${name}=${text}`);
  // URLSearchParams writes a lone surrogate as U+FFFD: put the surrogate's own (invalid) UTF-8 back.
  const surrogates = encoded.map((text) => text.replace(/%EF%BF%BD/g, '%ED%A0%80'));
  return fc.oneof({ weight: 3, arbitrary: surrogates }, raw);
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is written as the %-escape of its code unit. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.split('').map((c) => (/[A-Za-z0-9]/.test(c) ? c : `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
  }
}

/** Percent-encoded text for a URL: well-encoded hostile text, or encodings that do not decode. */
const urlText = fc.oneof(
  { weight: 3, arbitrary: hostileText.map(percentEncode) },
  fc.constantFrom('%00', '%FF', '%ED%A0%80', '%', '%zz', '%C3%28', 'a'.repeat(300), '..', '%2e%2e%2f', ...RAW_NUMBERS),
);

function pathFor(route: CatalogueEntry, ids: Record<string, string>): fc.Arbitrary<string> {
  // A wildcard route (CORS preflights: `OPTIONS *`) gets a path of real and hostile segments.
  const url = route.url === '*' ? '/*' : route.url;
  const wildcard = fc.array(fc.oneof(fc.constantFrom('v1', 'client', 'me', 'sign_ins'), urlText), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
  const params = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const values = params.map((name) => (ids[name] ? fc.oneof(fc.constant(ids[name]), urlText) : urlText));
  return fc.tuple(wildcard, ...values).map(([rest, ...chosen]) => {
    let i = 0;
    return url.replace(/:([A-Za-z0-9_]+)/g, () => chosen[i++]!).replace('*', rest);
  });
}

function queryFor(route: CatalogueEntry): fc.Arbitrary<string> {
  const names = [...propertiesOf(route.schema?.querystring), 'limit', 'offset'];
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, urlText), urlText).map(([k, v]) => `${k}=${v}`);
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));
}

function requestFor(route: CatalogueEntry, caller: Caller): fc.Arbitrary<InjectOptions> {
  const hasBody = !['GET', 'DELETE', 'OPTIONS'].includes(route.method);
  const json = bodyFor(route).map((payload) => ({ payload, type: 'application/json' }));
  const form = formFor(route).map((payload) => ({ payload, type: 'application/x-www-form-urlencoded' }));
  const body = caller.forms ? fc.oneof(json, form) : json;
  return fc.record({
    path: pathFor(route, caller.ids),
    query: queryFor(route),
    body: hasBody ? fc.option(body, { freq: 6 }) : fc.constant(null),
  }).map(({ path, query, body }) => ({
    method: route.method as InjectOptions['method'],
    url: `${path}${query}`,
    headers: { ...caller.headers, ...(body !== null ? { 'content-type': body.type } : {}) },
    ...(body !== null ? { payload: body.payload } : {}),
  }));
}

/** Svix's error bodies (svix-server src/error.rs): `{ code, detail }`, and for 422 `{ detail: [{ loc, msg, type }] }`. */
function assertSvixErrorEnvelope(status: number, body: any) {
  if (status === 422) {
    assert.deepEqual(Object.keys(body), ['detail'], JSON.stringify(body));
    assert.ok(Array.isArray(body.detail) && body.detail.length > 0, JSON.stringify(body));
    for (const item of body.detail) {
      assert.ok(Array.isArray(item.loc) && typeof item.msg === 'string' && typeof item.type === 'string', JSON.stringify(item));
    }
    return;
  }
  assert.deepEqual(Object.keys(body).sort(), ['code', 'detail'], JSON.stringify(body));
  assert.ok(typeof body.code === 'string' && typeof body.detail === 'string', JSON.stringify(body));
}

// ---- the property ---------------------------------------------------------------------------------------

for (const { name, start } of LISTENERS) {
  test(`${name}: generated hostile input at every route → never a 5xx, every 4xx in Clerk's envelope`, async (t) => {
    const listener = await start(t);
    const routes = routeCatalogue(listener.app);
    assert.ok(routes.length >= 20, `the route catalogue lists the app's routes (${routes.length})`);
    for (const route of routes) {
      await t.test(`${route.method} ${route.url}`, async () => {
        const caller = await listener.caller();
        await fc.assert(
          fc.asyncProperty(requestFor(route, caller), async (request) => {
            const res = await listener.app.inject(request);
            assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)}`);
            if (res.statusCode < 400) return;
            // The Svix-compatible API answers in Svix's envelopes, which the svix client parses.
            if (route.url.startsWith('/api/v1/')) assertSvixErrorEnvelope(res.statusCode, JSON.parse(res.body));
            else assertErrorEnvelope(JSON.parse(res.body));
          }),
          { numRuns: RUNS },
        );
      });
    }
  });
}
