import { createHash } from 'node:crypto';
import type { Config } from '../config.js';

// Clerk's publishable key names the Frontend API: `pk_live_` (production) or `pk_test_` (development),
// then base64 of "<frontend api host>$". clerk-js decodes it to find the Frontend API; @clerk/backend's
// authenticateRequest needs it too. @clerk/shared (4.x, used by @clerk/backend 3.x) refuses a decoded
// host without a dot, so `localhost:3001` makes no valid key: use 127.0.0.1 or a dotted host name.
//
// Gatehouse's Frontend API is always a production instance to clerk-js, whatever the secret key: with a
// pk_test_ key, @clerk/backend's authenticateRequest treats every cookie-authenticated request without a
// development-browser token (`__clerk_db_jwt`) as signed out, and clerk-js only creates one when the
// Frontend API is on Clerk's own development hosts (`*.accounts.dev`…); it also sends telemetry to Clerk.

export type InstanceType = 'production';

export function instanceType(_config: Pick<Config, 'secretKey'>): InstanceType {
  return 'production';
}

/** The publishable key of this instance, from GATEHOUSE_FRONTEND_URL's host (with its port, if any). */
export function publishableKey(config: Pick<Config, 'frontendUrl'>): string {
  return `pk_live_${Buffer.from(`${new URL(config.frontendUrl).host}$`).toString('base64')}`;
}

/** Whether @clerk/backend and clerk-js accept the key (its host has a dot). */
export function publishableKeyUsable(config: Pick<Config, 'frontendUrl'>): boolean {
  return new URL(config.frontendUrl).hostname.includes('.');
}

/**
 * clerk-js and @clerk/backend also use cookies named `<name>_<suffix>`, the suffix derived from the
 * publishable key (@clerk/shared keys.ts#getCookieSuffix): base64url of its SHA-1, 8 characters.
 */
export function cookieSuffix(key: string): string {
  return createHash('sha1').update(key).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').slice(0, 8);
}
