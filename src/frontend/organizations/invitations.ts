import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { PageQueryFields } from '../../http/schemas.js';
import { InvitationStatus } from '../../organizations/invitations/schemas.js';
import { createInvitations, listOrganizationInvitations, revokeInvitation } from '../../organizations/invitations/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn } from '../me/auth.js';
import { memberAccess } from './access.js';
import { frontendInvitation } from './serialize.js';

// /v1/organizations/{id}/invitations: admins (org:sys_memberships:manage) list, invite and revoke, through
// the invitations service the Backend API uses, with the signed-in admin as the inviter. clerk-js sends no
// redirect URL, so no email goes out: the invitee finds the invitation under /v1/me/organization_invitations.

const Params = Type.Object({ organization_id: Type.String({ maxLength: 128 }) });
const InvitationParams = Type.Object({ organization_id: Type.String({ maxLength: 128 }), invitation_id: Type.String({ maxLength: 128 }) });
const ListQuery = Type.Object({
  ...PageQueryFields,
  // clerk-js sends `status=pending` (an array of one in its types).
  status: Type.Optional(Type.Array(InvitationStatus, { maxItems: 4 })),
});
const InviteBody = Type.Object({ email_address: Type.String({ maxLength: 320 }), role: Type.String({ maxLength: 128 }) });
const BulkBody = Type.Object({ email_address: Type.Array(Type.String({ maxLength: 320 }), { minItems: 1, maxItems: 100 }), role: Type.String({ maxLength: 128 }) });

export async function organizationInvitationRoutes(app: FastifyTypebox, deps: Deps) {
  const manage = 'org:sys_memberships:manage' as const;

  app.get('/organizations/:organization_id/invitations', { schema: { params: Params, querystring: ListQuery } }, async (request, reply) => {
    const { organization } = await memberAccess(deps, await signedIn(deps, request), request.params.organization_id, manage);
    const { limit, offset, status } = request.query;
    const page = await listOrganizationInvitations(deps, organization.id, { limit, offset, ...(status?.length === 1 ? { status: status[0] } : {}) });
    return envelope(deps, request, reply, { data: page.data.map(frontendInvitation), total_count: page.total_count });
  });

  app.post('/organizations/:organization_id/invitations', { schema: { params: Params, body: InviteBody } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, manage);
    const [json] = await createInvitations(forRequest(deps, request), organization.id, [{ ...request.body, inviter_user_id: me.user.id }]);
    return envelope(deps, request, reply, frontendInvitation(json!));
  });

  app.post('/organizations/:organization_id/invitations/bulk', { schema: { params: Params, body: BulkBody } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, manage);
    const { email_address, role } = request.body;
    const inputs = email_address.map((email) => ({ email_address: email, role, inviter_user_id: me.user.id }));
    const json = await createInvitations(forRequest(deps, request), organization.id, inputs);
    return envelope(deps, request, reply, json.map(frontendInvitation));
  });

  app.post('/organizations/:organization_id/invitations/:invitation_id/revoke', { schema: { params: InvitationParams } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, manage);
    const json = await revokeInvitation(forRequest(deps, request), organization.id, request.params.invitation_id, me.user.id);
    return envelope(deps, request, reply, frontendInvitation(json));
  });
}
