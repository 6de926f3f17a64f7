import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { identificationRoutes } from '../identifications/routes.js';
import { serializePhoneNumber } from '../identifications/serialize.js';
import { CreatePhoneNumberBody, PhoneNumberParams, PhoneNumberSchema, UpdatePhoneNumberBody } from './schemas.js';

/**
 * /v1/phone_numbers: create, get, update, delete. E.164 only; a phone reserved for second factor must be
 * verified, and becomes the default second factor when the user has none.
 */
export async function phoneNumbersRoutes(app: FastifyTypebox, deps: Deps) {
  await identificationRoutes(app, deps, {
    kind: 'phone_number',
    path: '/phone_numbers',
    idParam: 'phone_number_id',
    schemas: { params: PhoneNumberParams, create: CreatePhoneNumberBody, update: UpdatePhoneNumberBody, response: PhoneNumberSchema },
    view: (row) => serializePhoneNumber({ ...row, phone_number: row.value }),
  });
}
