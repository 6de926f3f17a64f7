import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { deletedObject, Nullable, PageQueryFields } from '../../http/schemas.js';
import { acceptInvitation, listUserInvitations } from '../../organizations/invitations/service.js';
import { InvitationStatus } from '../../organizations/invitations/schemas.js';
import { withPublicOrganizationData } from '../../organizations/invitations/serialize.js';
import { listUserMemberships } from '../../organizations/members/list.js';
import { findMember, removeMember } from '../../organizations/members/service.js';
import { organizationView } from '../../organizations/serialize.js';
import { getOrganization } from '../../organizations/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { assertOrganizationsEnabled } from '../organizations/access.js';
import { frontendInvitation, frontendMembership } from '../organizations/serialize.js';
import { signedIn } from './auth.js';

// The signed-in user's side of organizations: their memberships (and leaving one), the invitations to
// their verified addresses (and accepting one), and suggestions, which need verified domains and are
// therefore always empty here. clerk-js's <OrganizationSwitcher /> reads all three when it mounts.


export async function meOrganizationRoutes(app: FastifyTypebox, deps: Deps) {
  const me = async (request: Parameters<typeof signedIn>[1]) => {
    const who = await signedIn(deps, request);
    await assertOrganizationsEnabled(deps);
    return who;
  };

  app.get(
    '/me/organization_memberships',
    { schema: { querystring: Type.Object({ ...PageQueryFields, paginated: Type.Optional(Nullable(Type.Boolean())) }) } },
    async (request, reply) => {
      const { user } = await me(request);
      const page = await listUserMemberships(deps, user.id, request.query);
      const data = page.data.map(frontendMembership);
      return envelope(deps, request, reply, request.query.paginated === true ? { data, total_count: page.total_count } : data);
    },
  );

  // Leaving an organization: the last admin cannot leave (organization_minimum_permissions_needed).
  app.delete('/me/organization_memberships/:organization_id', { schema: { params: Type.Object({ organization_id: Type.String({ maxLength: 128 }) }) } }, async (request, reply) => {
    const { user } = await me(request);
    const organization = await getOrganization(deps, request.params.organization_id);
    const membership = await findMember(deps.db, organization.id, user.id);
    if (!membership) throw new ClerkError('not_a_member_in_organization');
    await removeMember(forRequest(deps, request), organization.id, user.id);
    return envelope(deps, request, reply, deletedObject('organization_membership', membership.id));
  });

  app.get(
    '/me/organization_invitations',
    { schema: { querystring: Type.Object({ ...PageQueryFields, status: Type.Optional(Type.Array(InvitationStatus, { maxItems: 4 })) }) } },
    async (request, reply) => {
      const { user } = await me(request);
      const { limit, offset, status } = request.query;
      const page = await listUserInvitations(deps, user.id, { limit, offset, ...(status?.length === 1 ? { status: status[0] } : {}) });
      return envelope(deps, request, reply, { data: page.data.map(frontendInvitation), total_count: page.total_count });
    },
  );

  // Only the invitee (an invitation to one of their verified addresses) can accept; they become a member
  // with the invitation's role, through the same acceptInvitation as an invitation link's ticket.
  app.post(
    '/me/organization_invitations/:invitation_id/accept',
    { schema: { params: Type.Object({ invitation_id: Type.String({ maxLength: 128 }) }) } },
    async (request, reply) => {
      const { user } = await me(request);
      const { invitation } = await acceptInvitation(forRequest(deps, request), request.params.invitation_id, user.id);
      const organization = await getOrganization(deps, invitation.organization_id);
      return envelope(deps, request, reply, frontendInvitation(withPublicOrganizationData(invitation, organization, organizationView(deps))));
    },
  );

  app.get('/me/organization_suggestions', { schema: { querystring: Type.Object({ ...PageQueryFields, status: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 4 })) }) } }, async (request, reply) => {
    await me(request);
    return envelope(deps, request, reply, { data: [], total_count: 0 });
  });

  app.post('/me/organization_suggestions/:suggestion_id/accept', { schema: { params: Type.Object({ suggestion_id: Type.String({ maxLength: 128 }) }) } }, async (request) => {
    await me(request);
    throw new ClerkError('resource_not_found', { long_message: `No organization suggestion was found with id ${request.params.suggestion_id}.` });
  });
}
