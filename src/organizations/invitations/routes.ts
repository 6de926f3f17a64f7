import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { firstOrderBy } from '../../http/list-params.js';
import { errorResponses } from '../../http/schemas.js';
import { UserIdParams } from '../../users/schemas.js';
import { forRequest } from '../../webhooks/events.js';
import { OrganizationIdParams } from '../schemas.js';
import {
  BulkInvitationBody,
  CreateInvitationBody,
  InstanceInvitationListQuery,
  InvitationListQuery,
  InvitationListSchema,
  InvitationParams,
  OrganizationInvitationSchema,
  PendingListQuery,
  RevokeInvitationBody,
} from './schemas.js';
import {
  createInvitations,
  getInvitation,
  listInstanceInvitations,
  listOrganizationInvitations,
  listUserInvitations,
  revokeInvitation,
} from './service.js';

const InvitationResponse = { 200: OrganizationInvitationSchema, ...errorResponses };
const ListResponse = { 200: InvitationListSchema, ...errorResponses };

/**
 * Organization invitations: /v1/organizations/{id}/invitations, the instance-wide /v1/organization_invitations
 * and a user's /v1/users/{id}/organization_invitations.
 */
export async function organizationInvitationsRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/organizations/:organization_id/invitations', {
    schema: { params: OrganizationIdParams, body: CreateInvitationBody, response: InvitationResponse },
    handler: async (request) => (await createInvitations(forRequest(deps, request), request.params.organization_id, [request.body]))[0]!,
  });

  app.post('/organizations/:organization_id/invitations/bulk', {
    schema: { params: OrganizationIdParams, body: BulkInvitationBody, response: ListResponse },
    handler: async (request) => {
      const data = await createInvitations(forRequest(deps, request), request.params.organization_id, request.body);
      return { data, total_count: data.length };
    },
  });

  app.get('/organizations/:organization_id/invitations', {
    schema: { params: OrganizationIdParams, querystring: InvitationListQuery, response: ListResponse },
    handler: async (request) => listOrganizationInvitations(deps, request.params.organization_id, request.query),
  });

  // Deprecated by Clerk: the list with status=pending.
  app.get('/organizations/:organization_id/invitations/pending', {
    schema: { params: OrganizationIdParams, querystring: PendingListQuery, response: ListResponse },
    handler: async (request) => listOrganizationInvitations(deps, request.params.organization_id, { ...request.query, status: 'pending' }),
  });

  app.get('/organizations/:organization_id/invitations/:invitation_id', {
    schema: { params: InvitationParams, response: InvitationResponse },
    handler: async (request) => getInvitation(deps, request.params.organization_id, request.params.invitation_id),
  });

  app.post('/organizations/:organization_id/invitations/:invitation_id/revoke', {
    schema: { params: InvitationParams, body: RevokeInvitationBody, response: InvitationResponse },
    // The body is optional (no Content-Type, no body): the same as `{}`.
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) =>
      revokeInvitation(forRequest(deps, request), request.params.organization_id, request.params.invitation_id, request.body.requesting_user_id),
  });

  app.get('/organization_invitations', {
    schema: { querystring: InstanceInvitationListQuery, response: ListResponse },
    preValidation: firstOrderBy,
    handler: async (request) => listInstanceInvitations(deps, request.query),
  });

  app.get('/users/:user_id/organization_invitations', {
    schema: { params: UserIdParams, querystring: InvitationListQuery, response: ListResponse },
    handler: async (request) => listUserInvitations(deps, request.params.user_id, request.query),
  });
}
