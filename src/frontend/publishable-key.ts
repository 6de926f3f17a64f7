import type { Config } from '../config.js';

// Clerk's publishable key names the Frontend API: `pk_test_` (development) or `pk_live_` (production),
// then base64 of "<frontend api host>$". clerk-js decodes it to find the Frontend API; @clerk/backend's
// authenticateRequest needs it too. @clerk/shared (4.x, used by @clerk/backend 3.x) refuses a decoded
// host without a dot, so `localhost:3001` makes no valid key: use 127.0.0.1 or a dotted host name.

export type InstanceType = 'development' | 'production';

/** A production instance is one whose secret key is an sk_live_ key; anything else is development. */
export function instanceType(config: Pick<Config, 'secretKey'>): InstanceType {
  return config.secretKey?.startsWith('sk_live_') ? 'production' : 'development';
}

/** The publishable key of this instance, from GATEHOUSE_FRONTEND_URL's host (with its port, if any). */
export function publishableKey(config: Pick<Config, 'secretKey' | 'frontendUrl'>): string {
  const prefix = instanceType(config) === 'production' ? 'pk_live_' : 'pk_test_';
  return `${prefix}${Buffer.from(`${new URL(config.frontendUrl).host}$`).toString('base64')}`;
}

/** Whether @clerk/backend and clerk-js accept the key (its host has a dot). */
export function publishableKeyUsable(config: Pick<Config, 'frontendUrl'>): boolean {
  return new URL(config.frontendUrl).hostname.includes('.');
}
