import http from 'node:http';
import https from 'node:https';
import { BlockedAddressError, guardedLookup, isInternalAddress } from './targets.js';

// One HTTP POST of a webhook, as Svix makes it: success is a 2xx answer within the timeout; a redirect
// is a failure (never followed: the signature is for the endpoint's URL); the first bytes of the answer
// are kept for the attempt log.

/** Svix keeps the start of each response; more is noise in a log and a cost per attempt. */
export const RESPONSE_SNIPPET_BYTES = 4096;
const USER_AGENT = 'Gatehouse-Webhooks/1.0 (Svix-compatible)';

export interface SendResult {
  ok: boolean;
  /** 0 when no HTTP answer came back (refused, timed out, blocked). */
  statusCode: number;
  response: string;
  durationMs: number;
  /** Why no (good) answer: a network error, the timeout, a blocked address; null for any HTTP answer. */
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  blockPrivateNetworks: boolean;
  /** Aborts the request (shutdown): the result then reports the abort, and the caller records nothing. */
  signal?: AbortSignal;
}

// Keep-alive: a busy endpoint gets many deliveries a second, and a TLS handshake for each would dominate.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export function postWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (error: string) => finish({ ok: false, statusCode: 0, response: '', error });

    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return fail('invalid URL');
    }
    if (options.blockPrivateNetworks && isInternalAddress(target.hostname)) return fail('blocked: internal address');
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(target, {
      method: 'POST',
      agent: target.protocol === 'https:' ? agents.https : agents.http,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': USER_AGENT },
      ...(options.blockPrivateNetworks ? { lookup: guardedLookup as never } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error) => {
      if (error instanceof BlockedAddressError) return fail(`blocked: ${error.message}`);
      fail(error.message || 'request failed');
    });
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        // PostgreSQL text cannot hold NUL; a snippet may end inside a UTF-8 sequence (decoded as U+FFFD).
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8').replace(/\u0000/g, '');
        finish({ ok: statusCode >= 200 && statusCode < 300, statusCode, response: text, error: null });
      };
      response.on('data', (chunk: Buffer) => {
        if (size >= RESPONSE_SNIPPET_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough kept: stop reading (the connection is dropped rather than drained).
        if (size >= RESPONSE_SNIPPET_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', () => done());
      response.on('aborted', () => done());
    });
    request.end(body);
  });
}
