import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import { SECURITY_HEADERS } from '../../http/security-headers.js';
import { notFound, SvixError, SvixValidationError, unauthorized, type SvixValidationItem } from '../svix-errors.js';

// The Svix-compatible API's own HTTP plumbing: Svix's bearer authentication (here, the instance's secret
// key) and Svix's error envelopes, for every route under /api/v1. The Backend API's Clerk envelopes do not
// apply here: the svix client parses `{code, detail}` and, for 422, `{detail: [{loc, msg, type}]}`.

const BEARER = /^Bearer (\S+)$/;

function validationItems(errors: FastifySchemaValidationError[], part: string): SvixValidationItem[] {
  return errors.map((error) => {
    const params = error.params as Record<string, unknown>;
    const path = error.instancePath.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (error.keyword === 'required') return { loc: [part, ...path, String(params.missingProperty)], msg: 'field required', type: 'value_error.missing' };
    return { loc: [part, ...path], msg: error.message ?? 'invalid value', type: `value_error${error.keyword === 'type' ? '.type' : ''}` };
  });
}

/**
 * A refusal of the app-wide input guards (http/input-guards.ts: NUL, lone surrogates, bad encodings, too
 * deep, too big), which run before any route here, in Svix's words: a 422 names its field.
 */
function fromClerkError(error: ClerkError): SvixError | SvixValidationError {
  const entry = error.entries[0]!;
  const param = (entry.meta as { param_name?: string } | undefined)?.param_name;
  if (error.status === 422) {
    const part = entry.code === 'form_param_format_invalid' ? 'body' : 'query';
    return new SvixValidationError([{ loc: param ? [part, param] : [part], msg: entry.long_message, type: 'value_error' }]);
  }
  return new SvixError(error.status, entry.code, entry.long_message);
}

function toSvixError(error: FastifyError): SvixError | SvixValidationError | undefined {
  if (error instanceof SvixError || error instanceof SvixValidationError) return error;
  if (error instanceof ClerkError) return fromClerkError(error);
  if (error.validation) {
    // Svix's loc names the part as its framework does: body, query, path.
    const parts: Record<string, string> = { querystring: 'query', params: 'path', headers: 'header' };
    const part = parts[error.validationContext ?? 'body'] ?? 'body';
    return new SvixValidationError(validationItems(error.validation, part));
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new SvixError(415, 'unsupported_media_type', 'Expected request with `Content-Type: application/json`');
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new SvixError(413, 'payload_too_large', 'Request payload is too large.');
  if (error.statusCode === 400 || error instanceof SyntaxError) return new SvixError(400, 'generic_error', 'Failed to parse the request body as JSON');
  return undefined;
}

/** Where the Svix-compatible API is served: router errors there answer in Svix's envelopes too. */
export const SVIX_API_PREFIX = '/api/v1/';

/**
 * Router errors under SVIX_API_PREFIX (a server option, so not scoped: app.ts routes them here): a path
 * parameter past maxParamLength → 414, one whose percent-encoding does not decode → 404, as Svix would.
 */
export function svixFrameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new SvixError(414, 'uri_too_long', 'A path parameter is too long.') : notFound();
  reply.headers(SECURITY_HEADERS).status(known.status).send(known.body);
}

/** Installs authentication, the error handler and the not-found handler on the /api/v1 scope. */
export function installSvixPlumbing(app: FastifyInstance, isValidKey: (key: string) => boolean): void {
  // A callback hook: nothing to await, and it runs on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url === '/api/v1/health' || request.url.startsWith('/api/v1/health/')) return done();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match?.[1] || !isValidKey(match[1])) return done(unauthorized());
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toSvixError(error);
    if (known) return reply.status(known.status).send(known.body);
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send({ code: 'server_error', detail: 'Internal Server Error' });
  });

  app.setNotFoundHandler((_request, reply) => {
    const error = notFound();
    return reply.status(404).send(error.body);
  });
}
