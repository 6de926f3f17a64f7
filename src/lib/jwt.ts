import { createSign, type KeyObject } from 'node:crypto';

// Compact JWS with RS256, the only algorithm Clerk's session tokens use (and RS256/384/512 are all
// @clerk/backend's verifyToken accepts).

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function signJwtRs256(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}
