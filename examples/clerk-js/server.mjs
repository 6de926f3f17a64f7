// A minimal app that signs users in with Clerk's own browser SDK (@clerk/clerk-js) against Gatehouse:
// one static page, clerk-js served from node_modules (never a CDN), and one backend route that asks
// @clerk/backend's authenticateRequest whether the browser's __session cookie is a signed-in session.
//
//   GATEHOUSE_FRONTEND_URL=http://127.0.0.1:3001 GATEHOUSE_API_URL=http://127.0.0.1:3000 \
//   GATEHOUSE_SECRET_KEY=sk_test_… node examples/clerk-js/server.mjs
//
// Plain node:http and no build step, so the whole app fits in this file and public/.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClerkClient } from '@clerk/backend';

const here = dirname(fileURLToPath(import.meta.url));
const clerkJsDist = join(dirname(createRequire(import.meta.url).resolve('@clerk/clerk-js/package.json')), 'dist');

/**
 * Clerk's publishable key for a Frontend API URL: `pk_live_` + base64("<host[:port]>$"). Gatehouse prints
 * the same key at start. pk_live, not pk_test: with a pk_test key @clerk/backend wants Clerk's
 * development-browser cookie, which clerk-js only creates for Clerk's own hosts (see README).
 */
export function publishableKeyFor(frontendUrl) {
  return `pk_live_${Buffer.from(`${new URL(frontendUrl).host}$`).toString('base64')}`;
}

function readConfig(env) {
  const missing = ['GATEHOUSE_FRONTEND_URL', 'GATEHOUSE_API_URL', 'GATEHOUSE_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`set ${missing.join(', ')} (see examples/clerk-js/README.md)`);
  const frontendUrl = env.GATEHOUSE_FRONTEND_URL.replace(/\/+$/, '');
  return {
    frontendUrl,
    apiUrl: env.GATEHOUSE_API_URL,
    secretKey: env.GATEHOUSE_SECRET_KEY,
    publishableKey: env.GATEHOUSE_PUBLISHABLE_KEY || publishableKeyFor(frontendUrl),
    host: env.HOST || '127.0.0.1',
    port: Number(env.PORT ?? 4000),
    // The origin people open the page at: session tokens name it in azp, and only it is accepted.
    appOrigin: env.APP_ORIGIN,
  };
}

const escapeAttribute = (value) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page: clerk.browser.js reads the publishable key and proxyUrl from its script tag's data attributes. */
async function renderPage(config) {
  const template = await readFile(join(here, 'public', 'index.html'), 'utf8');
  return template
    .replace('{{publishableKey}}', escapeAttribute(config.publishableKey))
    .replace('{{proxyUrl}}', escapeAttribute(config.frontendUrl));
}

/** A Fetch API Request (what authenticateRequest takes) from a node:http request. */
function toFetchRequest(req, origin) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return new Request(new URL(req.url ?? '/', origin), { method: req.method, headers });
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
  res.end(body);
}

/** authenticateRequest's response headers (a redirect, cookies to set) as node:http headers. */
function headersOf(state) {
  const headers = {};
  for (const [name, value] of state.headers) if (name !== 'set-cookie') headers[name] = value;
  const cookies = state.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

const escapeHtml = (value) => String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Starts the app; resolves to its URL and a close function. */
export async function startExample(env = process.env) {
  const config = readConfig(env);
  const clerk = createClerkClient({
    secretKey: config.secretKey,
    publishableKey: config.publishableKey,
    apiUrl: config.apiUrl,
    telemetry: { disabled: true },
  });
  let origin = '';

  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/' || path === '/sign-up' || path === '/organizations') {
        return send(res, 200, 'text/html; charset=utf-8', await renderPage(config));
      }
      if (path === '/app.js') {
        return send(res, 200, 'text/javascript', await readFile(join(here, 'public', 'app.js')));
      }
      // clerk.browser.js loads its chunks (sign-in, sign-up, …) from the directory it was loaded from.
      const asset = /^\/clerk-js\/([\w.-]+\.js)$/.exec(path);
      if (asset) {
        const file = await readFile(join(clerkJsDist, asset[1])).catch(() => undefined);
        if (!file) return send(res, 404, 'text/plain', 'not found\n');
        // The file names carry the version, so the browser may keep them.
        return send(res, 200, 'text/javascript', file, { 'cache-control': 'public, max-age=3600' });
      }
      // The whole point of the example: the app's backend trusts the __session cookie only after
      // @clerk/backend has verified it (signature via Gatehouse's JWKS, expiry, azp = this app's origin).
      // proxyUrl: where a handshake goes (without it, https://<host in the publishable key>).
      const authenticate = () =>
        clerk.authenticateRequest(toFetchRequest(req, origin), { authorizedParties: [origin], proxyUrl: config.frontendUrl });
      if (path === '/api/me') {
        // Called with fetch() from the page: always a plain signed-in or signed-out answer.
        const state = await authenticate();
        const auth = state.toAuth();
        // With an active organization, the token's org_id and org_role (clerk.setActive({ organization })).
        const organization = auth.orgId ? { orgId: auth.orgId, orgRole: auth.orgRole } : {};
        const body = state.isSignedIn
          ? { signedIn: true, userId: auth.userId, sessionId: auth.sessionId, ...organization }
          : { signedIn: false, reason: state.reason };
        return send(res, 200, 'application/json', JSON.stringify(body));
      }
      if (path === '/server') {
        // A server-rendered page, without clerk-js. When its __session is missing or expired (the tab
        // slept), @clerk/backend answers `handshake`: a redirect through Gatehouse's
        // /v1/client/handshake, which sends the browser back with fresh cookies to set.
        const state = await authenticate();
        if (state.status === 'handshake') return send(res, 307, 'text/plain', '', headersOf(state));
        const auth = state.toAuth();
        const text = state.isSignedIn ? `Signed in as ${auth.userId} (server-rendered).` : `Signed out (${state.reason}).`;
        const html = `<!doctype html><title>Server-rendered</title><p id="server-status">${escapeHtml(text)}</p><p><a href="/">Back</a></p>`;
        return send(res, 200, 'text/html; charset=utf-8', html, headersOf(state));
      }
      return send(res, 404, 'text/plain', 'not found\n');
    } catch (error) {
      process.stderr.write(`example: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address();
  origin = config.appOrigin ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    url: origin,
    publishableKey: config.publishableKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// Run directly: start and say where.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startExample().then(
    ({ url, publishableKey }) => {
      process.stdout.write(`clerk-js example listening on ${url} (publishable key ${publishableKey})\n`);
    },
    (error) => {
      process.stderr.write(`clerk-js example: ${error.message}\n`);
      process.exit(1);
    },
  );
}
