import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClerkError } from './clerk-error.js';
import type { ErrorCode } from './error-codes.js';
import { traceId } from './errors.js';
import { RAW_SECURITY_HEADERS, SECURITY_HEADERS } from './security-headers.js';

// Answers given before a request reaches a route, in Clerk's envelope like every other error (README,
// "Security"). Both are server options (see app.ts): Fastify's router errors (`frameworkErrors`) and
// what Node's HTTP parser refuses (`clientErrorHandler`), which otherwise answer in their own JSON shapes.

function envelope(code: ErrorCode, long_message?: string) {
  const error = new ClerkError(code, long_message ? { long_message } : {});
  return { status: error.status, body: { errors: error.entries, clerk_trace_id: traceId() } };
}

/**
 * Router errors: a path parameter longer than maxParamLength → 414; one whose percent-encoding does not
 * decode (not UTF-8) → 404, as no id can be spelt that way.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  const { status, body } =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? envelope('request_uri_too_long', 'A path parameter is longer than the server accepts.')
      : error.code === 'FST_ERR_BAD_URL'
        ? envelope('resource_not_found', `No resource matches ${path}: it is not valid percent-encoded UTF-8.`)
        : envelope('malformed_request');
  reply.headers(SECURITY_HEADERS).status(status).send(body);
}

/** The request line (method, URI, version) overflowed Node's header limit by itself: the URI is too long. */
function uriTooLong(error: ConnectionError): boolean {
  const raw = (error as unknown as { rawPacket?: Buffer }).rawPacket; // a Buffer in Node, whatever the type says
  if (!raw) return false;
  const end = raw.indexOf('\r\n');
  return end < 0 || end > 8192;
}

/**
 * What Node's HTTP parser refuses: headers past its limit (431, or 414 when it is the URI that is too long),
 * a request that timed out (408), anything else malformed (400). Written straight to the socket, which
 * is then closed, as Node and Fastify do.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? uriTooLong(error)
        ? 'request_uri_too_long'
        : 'request_header_fields_too_large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'malformed_request';
  const { status, body } = envelope(code);
  const text = JSON.stringify(body);
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[status] ?? 'Bad Request';
  this.log.info({ status, code }, 'request');
  if (socket.writable) {
    const headers = [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(text))],
      ['Connection', 'close'],
      ...RAW_SECURITY_HEADERS,
    ];
    socket.write(`HTTP/1.1 ${status} ${reason}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${text}`);
  }
  socket.destroy(error);
}
