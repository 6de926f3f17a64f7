import type { TObject } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { ClerkError } from '../http/clerk-error.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { forRequest } from '../webhooks/events.js';
import { DeletedObjectSchema, deletedObject, errorResponses } from '../http/schemas.js';
import {
  addIdentification,
  deleteIdentification,
  getIdentification,
  identificationFormatErrors,
  updateIdentification,
  type IdentificationKind,
  type IdentificationRow,
} from './service.js';

/** What distinguishes /v1/email_addresses from /v1/phone_numbers: the rest is the same four endpoints. */
export interface IdentificationResource {
  kind: Extract<IdentificationKind, 'email_address' | 'phone_number'>;
  /** `/email_addresses` */
  path: string;
  /** `email_address_id` */
  idParam: string;
  schemas: { params: TObject; create: TObject; update: TObject; response: TObject };
  view: (row: IdentificationRow) => Record<string, unknown>;
}

interface CreateBody {
  user_id: string;
  verified?: boolean | null;
  primary?: boolean | null;
  reserved_for_second_factor?: boolean | null;
  [value: string]: unknown;
}

/** POST, GET, PATCH and DELETE for one kind of identification, with the rules of identifications/. */
export async function identificationRoutes(app: FastifyTypebox, deps: Deps, resource: IdentificationResource) {
  const { kind, path, idParam, schemas, view } = resource;
  const response = { 200: schemas.response, ...errorResponses };
  const idOf = (params: unknown) => (params as Record<string, string>)[idParam]!;

  app.post(path, {
    schema: { body: schemas.create, response },
    handler: async (request) => {
      const body = request.body as CreateBody;
      const value = String(body[kind]);
      const errors = identificationFormatErrors(kind, [value]);
      if (errors.length) throw ClerkError.many(errors);
      // Unverified unless `verified`; primary when asked, or when the user has none of this kind yet.
      return view(
        await addIdentification(forRequest(deps, request), kind, body.user_id, {
          value,
          verified: body.verified ?? false,
          ...(body.primary != null ? { primary: body.primary } : {}),
          ...(body.reserved_for_second_factor != null ? { reserved_for_second_factor: body.reserved_for_second_factor } : {}),
        }),
      );
    },
  });

  app.get(`${path}/:${idParam}`, {
    schema: { params: schemas.params, response },
    handler: async (request) => view(await getIdentification(deps, kind, idOf(request.params))),
  });

  app.patch(`${path}/:${idParam}`, {
    schema: { params: schemas.params, body: schemas.update, response },
    handler: async (request) => view(await updateIdentification(forRequest(deps, request), kind, idOf(request.params), request.body as object)),
  });

  app.delete(`${path}/:${idParam}`, {
    schema: { params: schemas.params, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => {
      const id = idOf(request.params);
      await deleteIdentification(forRequest(deps, request), kind, id);
      return deletedObject(kind, id);
    },
  });
}
