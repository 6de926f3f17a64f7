import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { DeletedObjectSchema, errorResponses } from '../../http/schemas.js';
import { forRequest } from '../../webhooks/events.js';
import { OrganizationIdParams } from '../schemas.js';
import { CreateDomainBody, DomainListQuery, DomainListSchema, DomainParams, DomainSchema, UpdateDomainBody } from './schemas.js';
import { changeDomain, createDomain, listOrganizationDomains, removeDomain } from './service.js';

const DomainResponse = { 200: DomainSchema, ...errorResponses };

/** /v1/organizations/{id}/domains: the Organization Domains tag. */
export async function organizationDomainsRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/organizations/:organization_id/domains', {
    schema: { params: OrganizationIdParams, body: CreateDomainBody, response: DomainResponse },
    handler: async (request) => createDomain(forRequest(deps, request), request.params.organization_id, request.body),
  });

  app.get('/organizations/:organization_id/domains', {
    schema: { params: OrganizationIdParams, querystring: DomainListQuery, response: { 200: DomainListSchema, ...errorResponses } },
    handler: async (request) => listOrganizationDomains(deps, request.params.organization_id, request.query),
  });

  app.patch('/organizations/:organization_id/domains/:domain_id', {
    schema: { params: DomainParams, body: UpdateDomainBody, response: DomainResponse },
    handler: async (request) => changeDomain(forRequest(deps, request), request.params.organization_id, request.params.domain_id, request.body),
  });

  app.delete('/organizations/:organization_id/domains/:domain_id', {
    schema: { params: DomainParams, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => removeDomain(forRequest(deps, request), request.params.organization_id, request.params.domain_id),
  });
}
