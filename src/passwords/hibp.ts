import { createHash } from 'node:crypto';

/**
 * The online Have I Been Pwned range API (k-anonymity): only the first 5 hex digits of the password's
 * SHA-1 leave the server; the answer lists every breached suffix with that prefix.
 * https://haveibeenpwned.com/API/v3#PwnedPasswords
 */
export function createHibpCheck(baseUrl: string, timeoutMs = 3000) {
  return async function isPwnedOnline(password: string): Promise<boolean> {
    const sha1 = createHash('sha1').update(password).digest('hex').toUpperCase();
    const prefix = sha1.slice(0, 5);
    const suffix = sha1.slice(5);
    const url = baseUrl.endsWith('/') ? `${baseUrl}${prefix}` : `${baseUrl}/${prefix}`;
    const response = await fetch(url, { headers: { 'Add-Padding': 'true' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HIBP range API answered ${response.status}`);
    const body = await response.text();
    return body.split('\n').some((line) => {
      const [candidate, count] = line.trim().split(':');
      return candidate === suffix && Number(count) > 0; // padding entries have a count of 0
    });
  };
}

export type HibpCheck = ReturnType<typeof createHibpCheck>;
