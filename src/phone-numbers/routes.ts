import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { DeletedObjectSchema, deletedObject, errorResponses } from '../http/schemas.js';
import { serializePhoneNumber } from '../identifications/serialize.js';
import type { IdentificationRow } from '../identifications/service.js';
import { CreatePhoneNumberBody, PhoneNumberParams, PhoneNumberSchema, UpdatePhoneNumberBody } from './schemas.js';
import { createPhoneNumber, deletePhoneNumber, getPhoneNumber, updatePhoneNumber } from './service.js';

const PhoneResponse = { 200: PhoneNumberSchema, ...errorResponses };
const view = (row: IdentificationRow) => serializePhoneNumber({ ...row, phone_number: row.value });

/** /v1/phone_numbers. */
export async function phoneNumbersRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/phone_numbers', {
    schema: { body: CreatePhoneNumberBody, response: PhoneResponse },
    handler: async (request) => view(await createPhoneNumber(deps, request.body)),
  });

  app.get('/phone_numbers/:phone_number_id', {
    schema: { params: PhoneNumberParams, response: PhoneResponse },
    handler: async (request) => view(await getPhoneNumber(deps, request.params.phone_number_id)),
  });

  app.patch('/phone_numbers/:phone_number_id', {
    schema: { params: PhoneNumberParams, body: UpdatePhoneNumberBody, response: PhoneResponse },
    handler: async (request) => view(await updatePhoneNumber(deps, request.params.phone_number_id, request.body)),
  });

  app.delete('/phone_numbers/:phone_number_id', {
    schema: { params: PhoneNumberParams, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => {
      await deletePhoneNumber(deps, request.params.phone_number_id);
      return deletedObject('phone_number', request.params.phone_number_id);
    },
  });
}
