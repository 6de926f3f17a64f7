import type { Deps } from '../deps.js';
import {
  addIdentification,
  deleteIdentification,
  getIdentification,
  identificationFormatErrors,
  updateIdentification,
} from '../identifications/service.js';
import { ClerkError } from '../http/clerk-error.js';
import type { CreatePhoneNumberInput, UpdatePhoneNumberInput } from './schemas.js';

type PhoneDeps = Pick<Deps, 'db' | 'clock'>;

/**
 * POST /v1/phone_numbers: E.164 only. A phone reserved for second factor must be verified, and becomes
 * the default second factor when the user has none.
 */
export async function createPhoneNumber(deps: PhoneDeps, input: CreatePhoneNumberInput) {
  const errors = identificationFormatErrors('phone_number', [input.phone_number]);
  if (errors.length) throw ClerkError.many(errors);
  return addIdentification(deps, 'phone_number', input.user_id, {
    value: input.phone_number,
    verified: input.verified ?? false,
    ...(input.primary != null ? { primary: input.primary } : {}),
    ...(input.reserved_for_second_factor != null ? { reserved_for_second_factor: input.reserved_for_second_factor } : {}),
  });
}

export const getPhoneNumber = (deps: PhoneDeps, id: string) => getIdentification(deps, 'phone_number', id);

export const updatePhoneNumber = (deps: PhoneDeps, id: string, input: UpdatePhoneNumberInput) =>
  updateIdentification(deps, 'phone_number', id, input);

export const deletePhoneNumber = (deps: PhoneDeps, id: string) => deleteIdentification(deps, 'phone_number', id);
