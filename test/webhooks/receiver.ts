import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { Webhook } from 'svix';

// A real webhook receiver for tests: an HTTP server on a free port that records every delivery (headers
// and raw body), answers as told (a status per request, or holding the request open), and can go down and
// come back on the same port.

export interface Delivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  path: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  port: number;
  deliveries: Delivery[];
  /**
   * The answer to each request (default: 204): a status, a status with a body and headers, or 'hold' to
   * keep the request open until released.
   */
  respond: (delivery: Delivery) => number | 'hold' | { status: number; body?: string; headers?: Record<string, string> };
  /** Answers every held request with `status`. */
  releaseHeld(status?: number): void;
  /** Waits until `predicate` holds for the deliveries (polling), or fails after `timeoutMs`. */
  waitFor(predicate: (deliveries: Delivery[]) => boolean, timeoutMs?: number): Promise<Delivery[]>;
  /** Stops listening (connections are dropped): deliveries then fail with a connection error. */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
}

/** Verifies one delivery with the real svix package (it throws unless a signature matches); returns the parsed body. */
export function verifyWithSvix(secret: string, delivery: Delivery): any {
  new Webhook(secret).verify(delivery.body, {
    'svix-id': delivery.id,
    'svix-timestamp': delivery.timestamp,
    'svix-signature': delivery.signature,
  });
  return JSON.parse(delivery.body);
}

export async function startReceiver(t: TestContext, path = '/webhooks/clerk'): Promise<Receiver> {
  const held: http.ServerResponse[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const receiver: Receiver = {
    url: '',
    port: 0,
    deliveries: [],
    respond: () => 204,
    releaseHeld(status = 204) {
      for (const res of held.splice(0)) res.writeHead(status).end();
    },
    async waitFor(predicate, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.deliveries)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met after ${timeoutMs} ms (${receiver.deliveries.length} deliveries)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return receiver.deliveries;
    },
    down: async () => {
      for (const res of held.splice(0)) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () => new Promise<void>((resolve) => server.listen(receiver.port, '127.0.0.1', resolve)),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery: Delivery = {
        id: String(req.headers['svix-id'] ?? ''),
        timestamp: String(req.headers['svix-timestamp'] ?? ''),
        signature: String(req.headers['svix-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
        path: req.url ?? '',
        receivedAt: Date.now(),
      };
      receiver.deliveries.push(delivery);
      const answer = receiver.respond(delivery);
      if (answer === 'hold') held.push(res);
      else if (typeof answer === 'number') res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 204 ? undefined : `status ${answer}`);
      else res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}${path}`;
  t.after(async () => {
    for (const res of held.splice(0)) res.destroy();
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return receiver;
}
