import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ClerkError } from './clerk-error.js';
import { validationError } from './validation.js';
// The request.failure decoration this handler fills (installRequestLog declares it).
import type {} from './request-log.js';

/** Clerk's trace ids are 32 lowercase hex digits. */
export function traceId(): string {
  return randomBytes(16).toString('hex');
}

/** Maps Fastify's own errors (bad JSON, wrong content type…) and everything else to a ClerkError. */
function toClerkError(error: FastifyError): ClerkError | undefined {
  if (error instanceof ClerkError) return error;
  if (error.validation) return validationError(error.validation, error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ClerkError('unsupported_content_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ClerkError('request_body_invalid');
  }
  // secure-json-parse and JSON.parse failures, __proto__ poisoning included.
  if (error.statusCode === 400 || error instanceof SyntaxError) return new ClerkError('request_body_invalid');
  return undefined;
}

/**
 * The only place errors leave the server. A ClerkError becomes Clerk's envelope; anything else is a
 * bug: 500 with a generic message, its cause in the log only.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const clerk_trace_id = traceId();
    const known = toClerkError(error);
    if (known) {
      request.failure = { code: known.entries[0]!.code, clerk_trace_id };
      if (known.retryAfter !== undefined) reply.header('retry-after', String(known.retryAfter));
      return reply.status(known.status).send({ errors: known.entries, clerk_trace_id });
    }
    // The cause goes into the request's one log line (http/request-log.ts), through logger.ts#safeError.
    request.failure = { code: 'internal_clerk_error', clerk_trace_id, error };
    const internal = new ClerkError('internal_clerk_error');
    return reply.status(500).send({ errors: internal.entries, clerk_trace_id });
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ClerkError('resource_not_found', {
      long_message: `No route matches ${request.method} ${request.url.split('?')[0]}.`,
    });
    const clerk_trace_id = traceId();
    request.failure = { code: 'resource_not_found', clerk_trace_id };
    return reply.status(404).send({ errors: error.entries, clerk_trace_id });
  });
}
