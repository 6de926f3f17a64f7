import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { firstOrderBy } from '../../http/list-params.js';
import { errorResponses } from '../../http/schemas.js';
import { UserIdParams } from '../../users/schemas.js';
import { forRequest } from '../../webhooks/events.js';
import { OrganizationIdParams } from '../schemas.js';
import {
  CreateMembershipBody,
  InstanceMembershipListQuery,
  MembershipListQuery,
  MembershipListSchema,
  MembershipMetadataBody,
  MembershipParams,
  MembershipSchema,
  PageQuery,
  UpdateMembershipBody,
} from './schemas.js';
import { listInstanceMemberships, listOrganizationMemberships, listUserMemberships } from './list.js';
import { addMember, removeMember, updateMemberMetadata, updateMemberRole } from './service.js';

const MembershipResponse = { 200: MembershipSchema, ...errorResponses };
const ListResponse = { 200: MembershipListSchema, ...errorResponses };

/**
 * Organization memberships: /v1/organizations/{id}/memberships, the instance-wide /v1/organization_memberships
 * and a user's /v1/users/{id}/organization_memberships.
 */
export async function membershipsRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/organizations/:organization_id/memberships', {
    schema: { params: OrganizationIdParams, body: CreateMembershipBody, response: MembershipResponse },
    handler: async (request) =>
      addMember(forRequest(deps, request), request.params.organization_id, request.body.user_id, { role: request.body.role }),
  });

  app.get('/organizations/:organization_id/memberships', {
    schema: { params: OrganizationIdParams, querystring: MembershipListQuery, response: ListResponse },
    preValidation: firstOrderBy,
    handler: async (request) => listOrganizationMemberships(deps, request.params.organization_id, request.query),
  });

  app.patch('/organizations/:organization_id/memberships/:user_id', {
    schema: { params: MembershipParams, body: UpdateMembershipBody, response: MembershipResponse },
    handler: async (request) =>
      updateMemberRole(forRequest(deps, request), request.params.organization_id, request.params.user_id, request.body.role),
  });

  app.delete('/organizations/:organization_id/memberships/:user_id', {
    schema: { params: MembershipParams, response: MembershipResponse },
    handler: async (request) => removeMember(forRequest(deps, request), request.params.organization_id, request.params.user_id),
  });

  app.patch('/organizations/:organization_id/memberships/:user_id/metadata', {
    schema: { params: MembershipParams, body: MembershipMetadataBody, response: MembershipResponse },
    handler: async (request) =>
      updateMemberMetadata(forRequest(deps, request), request.params.organization_id, request.params.user_id, request.body),
  });

  app.get('/organization_memberships', {
    schema: { querystring: InstanceMembershipListQuery, response: ListResponse },
    preValidation: firstOrderBy,
    handler: async (request) => listInstanceMemberships(deps, request.query),
  });

  app.get('/users/:user_id/organization_memberships', {
    schema: { params: UserIdParams, querystring: PageQuery, response: ListResponse },
    handler: async (request) => listUserMemberships(deps, request.params.user_id, request.query),
  });
}
