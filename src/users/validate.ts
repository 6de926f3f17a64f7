import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { identificationFormatErrors } from '../identifications/service.js';
import { nameProblem, parseRfc3339, usernameProblem } from '../lib/identifier-format.js';
import { describeUnsafe, findUnsafeValue } from '../lib/json-inspect.js';

// Field checks shared by create and update. Each returns error entries; the service throws them
// together, so a request with three bad fields hears about all three at once.

/** Clerk caps each metadata object at 8 KB of serialized JSON (docs: metadata-callout). */
export const METADATA_MAX_BYTES = 8192;

export function metadataErrors(fields: Record<string, unknown>): ClerkErrorEntry[] {
  const errors: ClerkErrorEntry[] = [];
  for (const param of ['public_metadata', 'private_metadata', 'unsafe_metadata']) {
    const value = fields[param];
    if (value === undefined || value === null) continue;
    // Before JSON.stringify, which overflows the stack on deep values: the import reaches here without http/input-guards.
    const unsafe = findUnsafeValue(value);
    if (unsafe) {
      errors.push(clerkErrorEntry('form_param_format_invalid', { meta: { param_name: param }, long_message: `${param} ${describeUnsafe(unsafe.reason)}.` }));
    } else if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) {
      const text = `The given ${param} exceeds the maximum allowed size of ${METADATA_MAX_BYTES} bytes (8 KB).`;
      errors.push(clerkErrorEntry('form_param_exceeds_allowed_size', { meta: { param_name: param }, message: text, long_message: text }));
    }
  }
  return errors;
}

export function usernameErrors(username: string | null | undefined): ClerkErrorEntry[] {
  if (username === undefined || username === null || username === '') return [];
  const problem = usernameProblem(username);
  if (!problem) return [];
  const meta = { param_name: 'username' };
  const code = {
    length: 'form_username_invalid_length',
    character: 'form_username_invalid_character',
    needs_non_number: 'form_username_needs_non_number_char',
  } as const;
  return [clerkErrorEntry(code[problem], { meta })];
}

export function nameErrors(fields: { first_name?: string | null; last_name?: string | null }): ClerkErrorEntry[] {
  const errors: ClerkErrorEntry[] = [];
  for (const param of ['first_name', 'last_name'] as const) {
    const value = fields[param];
    if (!value) continue;
    const problem = nameProblem(value);
    if (problem) {
      const human = param === 'first_name' ? 'first name' : 'last name';
      errors.push(
        clerkErrorEntry('form_param_value_invalid', {
          meta: { param_name: param },
          message: `invalid ${human}`,
          long_message: `The ${human} is invalid: ${problem}.`,
        }),
      );
    }
  }
  return errors;
}

/** Parses an RFC 3339 field to Unix ms; null stays null, undefined stays undefined. */
export function timestampField(
  value: string | null | undefined,
  param: string,
  errors: ClerkErrorEntry[],
): number | null | undefined {
  if (value === undefined || value === null) return value;
  const ms = parseRfc3339(value);
  if (ms === undefined) errors.push(clerkErrorEntry('form_param_invalid_time', { meta: { param_name: param } }));
  return ms;
}

export function identifierListErrors(fields: { email_address?: string[]; phone_number?: string[]; web3_wallet?: string[] }) {
  return [
    ...identificationFormatErrors('email_address', fields.email_address ?? []),
    ...identificationFormatErrors('phone_number', fields.phone_number ?? []),
    ...identificationFormatErrors('web3_wallet', fields.web3_wallet ?? []),
  ];
}

export function throwIfAny(errors: ClerkErrorEntry[]): void {
  if (errors.length > 0) throw ClerkError.many(errors);
}
