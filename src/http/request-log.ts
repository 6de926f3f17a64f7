import type { FastifyInstance } from 'fastify';

/** What the error handler learnt about a failed request, for its log line. */
export interface RequestFailure {
  /** The Clerk error code the client was sent. */
  code: string;
  clerk_trace_id: string;
  /** The cause of a 500 (logged through logger.ts#safeError, never sent). */
  error?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by http/errors.ts when the request was answered with an error; read by the request log. */
    failure: RequestFailure | undefined;
  }
}

// A query-string key is logged when it looks like a parameter name; its value never is (emails, phone
// numbers and user ids travel there: GET /v1/users?email_address=…).
const PARAM_NAME = /^[A-Za-z0-9_.[\]-]{1,64}$/;

/** The path as sent, with every query-string value replaced by `…` (and odd-looking keys too). */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const keys = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${PARAM_NAME.test(pair.split('=')[0] ?? '') ? pair.split('=')[0] : '…'}=…`);
  return `${url.slice(0, mark)}?${keys.join('&')}`;
}

/**
 * One log line per request, written when the response has gone: method, path (query values removed),
 * status, time taken and, for an error, the Clerk code and trace id (and for a 500 its cause). Fastify's
 * own two lines per request must be off where the app is built (`disableRequestLogging: true`): they log
 * the raw URL.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.decorateRequest('failure', undefined);
  // A callback hook: it runs on every request and has nothing to await.
  app.addHook('onResponse', (request, reply, done) => {
    const failure = request.failure;
    const line = {
      method: request.method,
      url: loggableUrl(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(failure ? { code: failure.code, clerk_trace_id: failure.clerk_trace_id } : {}),
      ...(failure?.error !== undefined ? { err: failure.error } : {}),
    };
    if (reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request');
    done();
  });
}
