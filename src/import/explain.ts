import type { ClerkErrorEntry } from '../http/clerk-error.js';
import { emailAddressProblem, phoneNumberProblem, web3WalletProblem } from '../lib/identifier-format.js';

// POST /v1/users answers a bad identifier with Clerk's words, `email_address must be a valid email
// address.`, naming neither the value nor the reason (as Clerk does). Someone fixing a rejects file needs
// both: which address of the row, and why. The HTTP answer stays Clerk's; the rejects file says more.

const PROBLEMS: Record<string, (value: string) => string | undefined> = {
  email_address: emailAddressProblem,
  phone_number: phoneNumberProblem,
  web3_wallet: web3WalletProblem,
};

/**
 * The entries with, for each format error on an identifier list, the index of the value, the value and
 * the reason (`email_address[1] "ada@example" must end with a valid top-level domain.`). POST reports
 * one entry per bad value, in the order of the list: the k-th entry is the k-th bad value.
 */
export function explainErrors(errors: ClerkErrorEntry[], body: Record<string, unknown>): ClerkErrorEntry[] {
  const seen: Record<string, number> = {};
  return errors.map((entry) => {
    const param = entry.meta?.param_name;
    const problem = typeof param === 'string' ? PROBLEMS[param] : undefined;
    const values = typeof param === 'string' ? body[param] : undefined;
    if (entry.code !== 'form_param_format_invalid' || !problem || !Array.isArray(values)) return entry;
    const bad = values.flatMap((v, index) => (typeof v === 'string' && problem(v) !== undefined ? [{ index, value: v, reason: problem(v)! }] : []));
    const which = bad[(seen[param as string] = (seen[param as string] ?? -1) + 1)];
    if (!which) return entry;
    return {
      ...entry,
      long_message: `${param}[${which.index}] ${JSON.stringify(which.value.slice(0, 320))} ${which.reason}. ${entry.long_message}`,
      meta: { ...entry.meta, index: which.index },
    };
  });
}
