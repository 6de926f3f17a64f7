import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { containsText } from '../lib/json-inspect.js';
import { ClerkError } from './clerk-error.js';

// Bodies are decoded strictly: invalid UTF-8 is an error, never U+FFFD stored in its place.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Rejects __proto__ and constructor.prototype keys (prototype poisoning through metadata). */
const parseJson = (text: string) => secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

/**
 * A body that is not UTF-8: 422 naming the top-level parameter whose text holds the bad bytes (found by
 * decoding leniently and looking for the replacement character), or 400 when that cannot be told.
 */
function invalidUtf8(body: Buffer): ClerkError {
  let parsed: unknown;
  try {
    parsed = parseJson(new TextDecoder('utf-8').decode(body));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    for (const [param, value] of Object.entries(parsed)) {
      if (containsText({ [param]: value }, '\uFFFD')) {
        return new ClerkError('form_param_format_invalid', { meta: { param_name: param }, long_message: `${param} is not valid UTF-8.` });
      }
    }
  }
  return new ClerkError('request_body_invalid', { long_message: 'The request body is not valid UTF-8.' });
}

/**
 * A JSON body (both APIs): strict UTF-8, empty parses as `{}`; `__proto__` and `constructor.prototype`
 * keys are refused (prototype poisoning through metadata) with a 400, as is anything that is not JSON.
 */
export function jsonBodyParser(_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return done(invalidUtf8(bytes), undefined);
  }
  if (text.trim() === '') return done(null, {});
  try {
    done(null, parseJson(text));
  } catch (error) {
    const bad = error as Error & { statusCode?: number };
    bad.statusCode = 400;
    done(bad, undefined);
  }
}

/**
 * JSON in and out the way @clerk/backend needs it:
 * - it labels body-less calls (ban, lock, every DELETE…) `Content-Type: application/json` with an empty
 *   body, which Fastify's parser would refuse with a 400: an empty body parses as `{}`;
 * - it parses a response only when `Content-Type` is exactly `application/json`, so the
 *   `; charset=utf-8` Fastify adds must go (JSON is UTF-8 by definition, RFC 8259 §8.1).
 */
export function installJson(app: FastifyInstance): void {
  // JSON is the only body type the API takes. Fastify also parses text/plain by default, which would
  // turn a mislabelled body into a string and a confusing 422; without it, it is 415 unsupported_content_type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonBodyParser);

  // A callback hook (every response passes through it): no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    done(null, payload);
  });
}
