import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of a computed hash and a stored one. Their lengths come from the digest,
 * which is not secret, so unequal lengths may return early.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two encoded checksums (e.g. phpass's own base64). */
export function equalText(a: string, b: string): boolean {
  return equalBytes(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
