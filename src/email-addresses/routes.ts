import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { identificationRoutes } from '../identifications/routes.js';
import { serializeEmailAddress } from '../identifications/serialize.js';
import { CreateEmailAddressBody, EmailAddressParams, EmailAddressSchema, UpdateEmailAddressBody } from './schemas.js';

/** /v1/email_addresses: create, get, update (verified, primary), delete. */
export async function emailAddressesRoutes(app: FastifyTypebox, deps: Deps) {
  await identificationRoutes(app, deps, {
    kind: 'email_address',
    path: '/email_addresses',
    idParam: 'email_address_id',
    schemas: { params: EmailAddressParams, create: CreateEmailAddressBody, update: UpdateEmailAddressBody, response: EmailAddressSchema },
    view: (row) => serializeEmailAddress({ ...row, email_address: row.value }),
  });
}
