import { randomBytes } from 'node:crypto';

// Endpoint signing secrets as Svix makes them: `whsec_` + base64 of random bytes (24 by default). The
// secret is symmetric (HMAC-SHA256), so the receiver holds the same bytes; Gatehouse stores it sealed.

const PREFIX = 'whsec_';
/** Svix's EndpointSecret::KEY_SIZE: 24 random bytes is its generated and minimum size. */
const KEY_BYTES = 24;
/** Svix refuses longer keys (KEY_SIZE_MAX). */
const MAX_KEY_BYTES = 75;

export function generateSecret(): string {
  return `${PREFIX}${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * A secret given by the caller (EndpointIn.secret, EndpointSecretRotateIn.key) in Svix's format:
 * base64 of 24–75 bytes, optionally prefixed `whsec_`. Returns it as `whsec_…`, or undefined if invalid.
 */
export function parseSecret(input: string): string | undefined {
  const base64 = input.startsWith(PREFIX) ? input.slice(PREFIX.length) : input;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < KEY_BYTES || bytes.length > MAX_KEY_BYTES) return undefined;
  return `${PREFIX}${bytes.toString('base64')}`;
}
