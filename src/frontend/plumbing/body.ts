import type { FastifyInstance } from 'fastify';
import { jsonBodyParser } from '../../http/json.js';

// clerk-js posts application/x-www-form-urlencoded (the Frontend API is "a Form Based API"); native SDKs
// and scripts may post JSON. Both parse to a plain object that the route's TypeBox schema validates
// (with type coercion, since form values are text).

/** Keys that would reach Object.prototype if assigned on a plain object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A form body → an object. clerk-js sends `null` as an empty value (`active_organization_id=`), so an
 * empty value is null; a repeated key becomes an array.
 */
export function parseForm(text: string): Record<string, string | null | (string | null)[]> {
  const out: Record<string, string | null | (string | null)[]> = {};
  for (const [key, raw] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const value = raw === '' ? null : raw;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export function installFrontendBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(String(body)));
  });
  // clerk-js posts actions with no body at all (end, remove, tokens): that is an empty form.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === null || request.body === undefined) request.body = {};
    done();
  });
}
