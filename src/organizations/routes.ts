import type { Deps } from '../deps.js';
import type { OrganizationRow } from '../db/schema.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { firstOrderBy } from '../http/list-params.js';
import { ClerkErrorsSchema, errorResponses } from '../http/schemas.js';
import { readImageUpload } from '../images/upload.js';
import { forRequest } from '../webhooks/events.js';
import { deleteOrganizationLogo, uploadOrganizationLogo } from './logo.js';
import {
  CreateOrganizationBody,
  DeletedOrganizationSchema,
  OrganizationGetQuery,
  OrganizationIdParams,
  OrganizationListQuery,
  OrganizationListSchema,
  OrganizationMetadataBody,
  OrganizationSchema,
  UpdateOrganizationBody,
} from './schemas.js';
import { organizationView, serializeOrganization, serializeOrganizationWithLogo } from './serialize.js';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  organizationJson,
  updateOrganization,
  updateOrganizationMetadata,
} from './service.js';

const OrganizationResponse = { 200: OrganizationSchema, ...errorResponses };

/** /v1/organizations: the Organizations tag of Clerk's Backend API 2025-03-12. */
export async function organizationsRoutes(app: FastifyTypebox, deps: Deps) {
  const view = (row: OrganizationRow) => serializeOrganization(row, organizationView(deps));

  app.get('/organizations', {
    schema: { querystring: OrganizationListQuery, response: { 200: OrganizationListSchema, ...errorResponses } },
    preValidation: firstOrderBy,
    handler: async (request) => listOrganizations(deps, request.query),
  });

  app.post('/organizations', {
    schema: { body: CreateOrganizationBody, response: OrganizationResponse },
    handler: async (request) => view(await createOrganization(forRequest(deps, request), request.body)),
  });

  app.get('/organizations/:organization_id', {
    schema: { params: OrganizationIdParams, querystring: OrganizationGetQuery, response: OrganizationResponse },
    handler: async (request) =>
      organizationJson(deps, await getOrganization(deps, request.params.organization_id), request.query.include_members_count === true),
  });

  app.patch('/organizations/:organization_id', {
    schema: { params: OrganizationIdParams, body: UpdateOrganizationBody, response: OrganizationResponse },
    handler: async (request) => view(await updateOrganization(forRequest(deps, request), request.params.organization_id, request.body)),
  });

  app.delete('/organizations/:organization_id', {
    schema: { params: OrganizationIdParams, response: { 200: DeletedOrganizationSchema, ...errorResponses } },
    handler: async (request) => deleteOrganization(forRequest(deps, request), request.params.organization_id),
  });

  app.patch('/organizations/:organization_id/metadata', {
    schema: { params: OrganizationIdParams, body: OrganizationMetadataBody, response: OrganizationResponse },
    handler: async (request) =>
      view(await updateOrganizationMetadata(forRequest(deps, request), request.params.organization_id, request.body, 'merge')),
  });

  // Not in 2025-03-12, but @clerk/backend 3.x sends updateOrganization({ publicMetadata }) here.
  app.put('/organizations/:organization_id/metadata', {
    schema: { params: OrganizationIdParams, body: OrganizationMetadataBody, response: OrganizationResponse },
    handler: async (request) =>
      view(await updateOrganizationMetadata(forRequest(deps, request), request.params.organization_id, request.body, 'replace')),
  });

  app.put('/organizations/:organization_id/logo', {
    schema: { params: OrganizationIdParams, response: { ...OrganizationResponse, 413: ClerkErrorsSchema } },
    handler: async (request) => {
      const { file } = await readImageUpload(request);
      const row = await uploadOrganizationLogo(forRequest(deps, request), request.params.organization_id, file);
      return serializeOrganizationWithLogo(row, organizationView(deps));
    },
  });

  app.delete('/organizations/:organization_id/logo', {
    schema: { params: OrganizationIdParams, response: OrganizationResponse },
    handler: async (request) => view(await deleteOrganizationLogo(forRequest(deps, request), request.params.organization_id)),
  });
}
