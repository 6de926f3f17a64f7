import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { firstOrderBy } from '../http/list-params.js';
import { errorResponses } from '../http/schemas.js';
import { forRequest } from '../webhooks/events.js';
import { BulkInvitationBody, CreateInvitationBody, InvitationIdParams, InvitationListQuery, InvitationSchema } from './schemas.js';
import { createInvitations, listInstanceInvitations, revokeInvitation } from './service.js';

const InvitationResponse = { 200: InvitationSchema, ...errorResponses };
const InvitationList = Type.Array(InvitationSchema);

/** /v1/invitations: the Invitations tag of Clerk's Backend API 2025-03-12. */
export async function invitationsRoutes(app: FastifyTypebox, deps: Deps) {
  app.post('/invitations', {
    schema: { body: CreateInvitationBody, response: InvitationResponse },
    handler: async (request) => (await createInvitations(forRequest(deps, request), [request.body], false))[0]!,
  });

  app.post('/invitations/bulk', {
    schema: { body: BulkInvitationBody, response: { 200: InvitationList, ...errorResponses } },
    handler: async (request) => createInvitations(forRequest(deps, request), request.body, true),
  });

  app.get('/invitations', {
    schema: {
      querystring: InvitationListQuery,
      // A bare array (the spec's Invitation.List), or { data, total_count } with paginated=true.
      response: { 200: Type.Union([InvitationList, Type.Object({ data: InvitationList, total_count: Type.Integer() })]), ...errorResponses },
    },
    preValidation: firstOrderBy,
    handler: async (request) => listInstanceInvitations(deps, request.query),
  });

  app.post('/invitations/:invitation_id/revoke', {
    schema: { params: InvitationIdParams, response: InvitationResponse },
    handler: async (request) => revokeInvitation(forRequest(deps, request), request.params.invitation_id),
  });
}
