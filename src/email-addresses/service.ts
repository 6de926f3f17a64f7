import type { Deps } from '../deps.js';
import {
  addIdentification,
  deleteIdentification,
  getIdentification,
  identificationFormatErrors,
  updateIdentification,
} from '../identifications/service.js';
import { ClerkError } from '../http/clerk-error.js';
import type { CreateEmailAddressInput, UpdateEmailAddressInput } from './schemas.js';

type EmailDeps = Pick<Deps, 'db' | 'clock'>;

/** POST /v1/email_addresses: unverified unless `verified`; primary when asked or when it is the first. */
export async function createEmailAddress(deps: EmailDeps, input: CreateEmailAddressInput) {
  const errors = identificationFormatErrors('email_address', [input.email_address]);
  if (errors.length) throw ClerkError.many(errors);
  return addIdentification(deps, 'email_address', input.user_id, {
    value: input.email_address,
    verified: input.verified ?? false,
    ...(input.primary != null ? { primary: input.primary } : {}),
  });
}

export const getEmailAddress = (deps: EmailDeps, id: string) => getIdentification(deps, 'email_address', id);

export const updateEmailAddress = (deps: EmailDeps, id: string, input: UpdateEmailAddressInput) =>
  updateIdentification(deps, 'email_address', id, input);

export const deleteEmailAddress = (deps: EmailDeps, id: string) => deleteIdentification(deps, 'email_address', id);
