import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeUnsafe, findUnsafeValue, unsafeStringReason } from '../lib/json-inspect.js';
import { ClerkError } from './clerk-error.js';

// Input no route ever wants, refused in one place before validation, with Clerk's envelope naming the
// parameter (README, "Security"): NUL characters and lone surrogates anywhere (keys included), invalid
// percent-encoding or invalid UTF-8 in the query string, values nested too deep, and integers past what
// a 64-bit column (or a JavaScript number, exactly) holds in integer parameters. Without it each one
// reached PostgreSQL and came back as a 500, or was silently replaced by U+FFFD.

type Part = 'body' | 'query' | 'params';

/**
 * A body parameter gets the reason in its message; a query or path parameter Clerk's fixed "<param> is
 * invalid" (as http/validation.ts answers for every rule there).
 */
function refuse(part: Part, param: string, reason: string): ClerkError {
  return part === 'body'
    ? new ClerkError('form_param_format_invalid', { meta: { param_name: param }, long_message: `${param} ${reason}.` })
    : new ClerkError('form_param_value_invalid', { meta: { param_name: param }, long_message: `${param} is invalid` });
}

/** The error for the first NUL, lone surrogate, too deep or non-finite value in `value`, if any. */
export function checkUnsafe(part: Part, value: unknown): ClerkError | undefined {
  const found = findUnsafeValue(value);
  if (!found) return undefined;
  const param = found.path[0] ?? (part === 'params' ? 'path' : part);
  return refuse(part, param, describeUnsafe(found.reason));
}

/** `%` escapes that do not decode (a stray `%`, or bytes that are not UTF-8) in the raw query string. */
function checkRawQuery(url: string): ClerkError | undefined {
  const mark = url.indexOf('?');
  if (mark < 0 || !url.includes('%', mark)) return undefined;
  for (const pair of url.slice(mark + 1).split('&')) {
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const decode = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
    let key: string;
    try {
      key = decode(rawKey);
    } catch {
      return refuse('query', 'query', 'has a parameter name that is not valid percent-encoded UTF-8');
    }
    try {
      if (eq >= 0) decode(pair.slice(eq + 1));
    } catch {
      const named = unsafeStringReason(key) === undefined ? key : 'query';
      return refuse('query', named, 'is not valid percent-encoded UTF-8');
    }
  }
  return undefined;
}

/** JSON-schema `type` (a name or a list) includes "integer". */
function isIntegerSchema(schema: unknown): boolean {
  const s = schema as { type?: string | string[]; items?: unknown; anyOf?: unknown[] } | undefined;
  if (!s) return false;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('integer')) return true;
  if (types.includes('array')) return isIntegerSchema(s.items);
  return Array.isArray(s.anyOf) && s.anyOf.some(isIntegerSchema);
}

const integerParamsCache = new WeakMap<object, string[]>();

/** The properties of an object schema that hold integers (or arrays of them). */
function integerParams(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  let names = integerParamsCache.get(schema);
  if (!names) {
    const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
    names = Object.entries(properties).filter(([, s]) => isIntegerSchema(s)).map(([name]) => name);
    integerParamsCache.set(schema, names);
  }
  return names;
}

/**
 * An integer parameter whose value is a number beyond 2^53 (a JavaScript number no longer holds it exactly,
 * and past 2^63 no bigint column does): as text in the query string, as a number in a JSON body.
 */
function checkIntegers(part: 'query' | 'body', schema: unknown, values: unknown): ClerkError | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  for (const name of integerParams(schema)) {
    const given = (values as Record<string, unknown>)[name];
    for (const item of Array.isArray(given) ? given : [given]) {
      const n = typeof item === 'string' && item.trim() !== '' ? Number(item) : item;
      // NaN ("abc") is the validator's to refuse; Infinity ("1e400") and integers past 2^53 are refused here.
      if (typeof n === 'number' && !Number.isNaN(n) && (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n)))) {
        return refuse(part, name, `must be an integer from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}`);
      }
    }
  }
  return undefined;
}

export function checkRequest(request: FastifyRequest): ClerkError | undefined {
  const schema = request.routeOptions.schema;
  return (
    checkUnsafe('params', request.params) ??
    checkRawQuery(request.url) ??
    checkUnsafe('query', request.query) ??
    checkIntegers('query', schema?.querystring, request.query) ??
    checkUnsafe('body', request.body) ??
    checkIntegers('body', schema?.body, request.body)
  );
}

/** Refuses hostile input on every route of `app` (register before the routes), after authentication. */
export function installInputGuards(app: FastifyInstance): void {
  // A callback hook: it runs on every request and has nothing to await.
  app.addHook('preValidation', (request, _reply, done) => {
    done(checkRequest(request));
  });
}

