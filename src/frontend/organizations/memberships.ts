import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { Nullable, PageQueryFields } from '../../http/schemas.js';
import { listOrganizationMemberships } from '../../organizations/members/list.js';
import { addMember, removeMember, updateMemberRole } from '../../organizations/members/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn } from '../me/auth.js';
import { memberAccess } from './access.js';
import { frontendMembership } from './serialize.js';

// /v1/organizations/{id}/memberships: any member reads the members (org:sys_memberships:read); adding,
// changing a role and removing need org:sys_memberships:manage. The members service keeps the rules
// (room under max_allowed_memberships, at least one admin) and records organizationMembership.* events.

const Params = Type.Object({ organization_id: Type.String({ maxLength: 128 }) });
const MemberParams = Type.Object({ organization_id: Type.String({ maxLength: 128 }), user_id: Type.String({ maxLength: 128 }) });
const ListQuery = Type.Object({
  ...PageQueryFields,
  // clerk-js asks for { data, total_count } with paginated=true; without it the answer is a bare array.
  paginated: Type.Optional(Nullable(Type.Boolean())),
  role: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 20 })),
  query: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
});
const Role = Type.Object({ role: Type.String({ maxLength: 128 }) });

export async function organizationMembershipRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/organizations/:organization_id/memberships', { schema: { params: Params, querystring: ListQuery } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_memberships:read');
    const { limit, offset, paginated, role, query } = request.query;
    const page = await listOrganizationMemberships(deps, organization.id, {
      order_by: '-created_at',
      limit,
      offset,
      ...(role && role.length > 0 ? { role } : {}),
      ...(query ? { query } : {}),
    });
    const data = page.data.map(frontendMembership);
    return envelope(deps, request, reply, paginated === true ? { data, total_count: page.total_count } : data);
  });

  app.post(
    '/organizations/:organization_id/memberships',
    { schema: { params: Params, body: Type.Object({ user_id: Type.String({ maxLength: 128 }), role: Type.String({ maxLength: 128 }) }) } },
    async (request, reply) => {
      const me = await signedIn(deps, request);
      const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_memberships:manage');
      const json = await addMember(forRequest(deps, request), organization.id, request.body.user_id, { role: request.body.role });
      return envelope(deps, request, reply, frontendMembership(json));
    },
  );

  app.patch('/organizations/:organization_id/memberships/:user_id', { schema: { params: MemberParams, body: Role } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_memberships:manage');
    const json = await updateMemberRole(forRequest(deps, request), organization.id, request.params.user_id, request.body.role);
    return envelope(deps, request, reply, frontendMembership(json));
  });

  app.delete('/organizations/:organization_id/memberships/:user_id', { schema: { params: MemberParams } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_memberships:manage');
    const json = await removeMember(forRequest(deps, request), organization.id, request.params.user_id);
    return envelope(deps, request, reply, frontendMembership(json));
  });
}
