import type { IncomingMessage } from 'node:http';

// clerk-js sends only GET and POST ("a known Safari bug regarding CORS requests": any other method
// needs a preflight, which breaks cookie dropping) and names the real method in `_method`
// (clerk-js fapiClient.ts#buildQueryString). Fastify routes on the request's method, so the method is
// changed before routing, in the one hook that runs then: rewriteUrl.

const OVERRIDABLE = new Set(['PATCH', 'PUT', 'DELETE']);
const METHOD_PARAM = /(?:^|&)_method=([A-Za-z]+)(?:&|$)/;

/** Fastify's `rewriteUrl`: returns the URL unchanged; a POST with `_method=PATCH|PUT|DELETE` becomes that method. */
export function overrideMethod(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (req.method !== 'POST') return url;
  const query = url.indexOf('?');
  if (query < 0) return url;
  const method = METHOD_PARAM.exec(url.slice(query + 1))?.[1]?.toUpperCase();
  if (method && OVERRIDABLE.has(method)) req.method = method;
  return url;
}
