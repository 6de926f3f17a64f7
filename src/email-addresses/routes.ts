import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { DeletedObjectSchema, deletedObject, errorResponses } from '../http/schemas.js';
import { serializeEmailAddress } from '../identifications/serialize.js';
import type { IdentificationRow } from '../identifications/service.js';
import { CreateEmailAddressBody, EmailAddressParams, EmailAddressSchema, UpdateEmailAddressBody } from './schemas.js';
import { createEmailAddress, deleteEmailAddress, getEmailAddress, updateEmailAddress } from './service.js';

const EmailResponse = { 200: EmailAddressSchema, ...errorResponses };
const view = (row: IdentificationRow) => serializeEmailAddress({ ...row, email_address: row.value });

/** /v1/email_addresses. */
export async function emailAddressesRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/email_addresses', {
    schema: { body: CreateEmailAddressBody, response: EmailResponse },
    handler: async (request) => view(await createEmailAddress(deps, request.body)),
  });

  app.get('/email_addresses/:email_address_id', {
    schema: { params: EmailAddressParams, response: EmailResponse },
    handler: async (request) => view(await getEmailAddress(deps, request.params.email_address_id)),
  });

  app.patch('/email_addresses/:email_address_id', {
    schema: { params: EmailAddressParams, body: UpdateEmailAddressBody, response: EmailResponse },
    handler: async (request) => view(await updateEmailAddress(deps, request.params.email_address_id, request.body)),
  });

  app.delete('/email_addresses/:email_address_id', {
    schema: { params: EmailAddressParams, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => {
      await deleteEmailAddress(deps, request.params.email_address_id);
      return deletedObject('email_address', request.params.email_address_id);
    },
  });
}
