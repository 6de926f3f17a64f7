import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/**
 * A JSON body: empty parses as `{}`; `__proto__` and `constructor.prototype` keys are refused
 * (prototype poisoning through metadata) with a 400, as is anything that is not JSON.
 */
export function jsonBodyParser(_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void {
  const text = String(body);
  if (text.trim() === '') return done(null, {});
  try {
    done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
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
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);

  // A callback hook (every response passes through it): no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    done(null, payload);
  });
}
