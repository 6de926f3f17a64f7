import { Webhook } from 'standardwebhooks';

// Svix's signature (Standard Webhooks): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the
// endpoint's secret; while a rotated secret is in its grace period, a second `v1,…` signed with it,
// space-separated, so receivers holding either secret verify.

/** Webhook objects decode their secret once; an endpoint's secret is used for every delivery. */
const signers = new Map<string, Webhook>();
const MAX_CACHED = 1000;

function signer(secret: string): Webhook {
  let webhook = signers.get(secret);
  if (!webhook) {
    if (signers.size >= MAX_CACHED) signers.clear();
    webhook = new Webhook(secret);
    signers.set(secret, webhook);
  }
  return webhook;
}

/** The svix-* headers of one attempt: the same id on every attempt, the time of this one. */
export function signatureHeaders(msgId: string, body: string, secrets: string[], now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'svix-id': msgId,
    'svix-timestamp': String(timestamp),
    'svix-signature': secrets.map((secret) => signer(secret).sign(msgId, now, body)).join(' '),
  };
}
