// Format rules for identifiers, as Clerk applies them (clerk/cli
// checks.ts mirrors clerk_go's validators). Each check returns a reason string, or undefined when fine.

// TLDs that can never receive mail (RFC 2606, RFC 6761, RFC 6762, ICANN's .internal).
const NON_ROUTABLE_TLDS = new Set(['local', 'localhost', 'invalid', 'example', 'test', 'arpa', 'internal', 'onion', 'home', 'lan', 'corp']);

export function emailAddressProblem(email: string): string | undefined {
  if (email.length > 254) return 'is longer than 254 characters';
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return 'must contain exactly one @ with a local part before it';
  if (/\s/.test(email)) return 'must not contain spaces';
  const local = email.slice(0, at);
  const host = email.slice(at + 1);
  if (Buffer.byteLength(local) > 64) return 'has a local part longer than 64 bytes';
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => l === '' || l.startsWith('-') || l.endsWith('-'))) {
    return 'must have a domain such as example.com';
  }
  const tld = labels.at(-1)!.toLowerCase();
  if (!/^(\p{L}{2,63}|xn--[a-z0-9-]{2,59})$/u.test(tld)) return 'must end with a valid top-level domain';
  if (NON_ROUTABLE_TLDS.has(tld)) return `uses the non-routable top-level domain .${tld}`;
  return undefined;
}

/** E.164: a plus sign, then up to 15 digits, the first not zero. */
export function phoneNumberProblem(phone: string): string | undefined {
  return /^\+[1-9]\d{5,14}$/.test(phone) ? undefined : 'must be in E.164 format, e.g. +15555550100';
}

/** Ethereum addresses: 0x and 40 hexadecimal digits. */
export function web3WalletProblem(wallet: string): string | undefined {
  return /^0x[0-9a-fA-F]{40}$/.test(wallet) ? undefined : 'must start with 0x followed by 40 hexadecimal characters';
}

export const USERNAME_MIN = 4;
export const USERNAME_MAX = 64;

export type UsernameProblem = 'length' | 'character' | 'needs_non_number';

export function usernameProblem(username: string): UsernameProblem | undefined {
  const length = [...username].length;
  if (length < USERNAME_MIN || length > USERNAME_MAX) return 'length';
  if (!/^[a-zA-Z0-9_-]+$/.test(username)) return 'character';
  if (/^\d+$/.test(username)) return 'needs_non_number';
  return undefined;
}

/** Names must not look like a phone number, a URL or HTML (abuse prevention, clerk/cli nameProblem). */
export function nameProblem(name: string): string | undefined {
  if (/[<>]/.test(name)) return 'it must not contain HTML';
  if (/(https?:\/\/|www\.)/i.test(name)) return 'it must not contain a URL';
  const digits = name.replace(/\D/g, '');
  if (/^\+?[\d\s().-]+$/.test(name) && digits.length >= 10 && digits.length <= 15) return 'it must not be a phone number';
  return undefined;
}

/** RFC 3339 date-time → Unix ms, or undefined when the string is not one. */
export function parseRfc3339(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
