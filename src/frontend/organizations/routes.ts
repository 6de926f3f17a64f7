import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import type { OrganizationRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { Nullable, PageQueryFields } from '../../http/schemas.js';
import { readImageUpload } from '../../images/upload.js';
import { deleteOrganizationLogo, uploadOrganizationLogo } from '../../organizations/logo.js';
import { createOrganization, deleteOrganization, organizationWithCounts, updateOrganization } from '../../organizations/service.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { signedIn } from '../me/auth.js';
import { assertOrganizationsEnabled, memberAccess } from './access.js';
import { organizationInvitationRoutes } from './invitations.js';
import { organizationMembershipRoutes } from './memberships.js';
import { frontendOrganization, serializeRoles } from './serialize.js';

// /v1/organizations on the Frontend API: what <CreateOrganization />, <OrganizationSwitcher /> and
// <OrganizationProfile /> call. Every write goes through the organizations service the Backend API uses
// (same rules, same organization.* events); what is added here is who may: see access.ts.

const Params = Type.Object({ organization_id: Type.String({ maxLength: 128 }) });
const Text = (max = 256) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const CreateBody = Type.Object({ name: Type.String({ maxLength: 256 }), slug: Text() });
const UpdateBody = Type.Object({ name: Text(), slug: Text() });
const PageQuery = Type.Object(PageQueryFields);

export async function organizationRoutes(app: FastifyTypebox, deps: Deps) {
  const view = async (row: OrganizationRow) => frontendOrganization(await organizationWithCounts(deps, row));

  // The signed-in user creates an organization and becomes its admin, within their
  // create_organization_enabled and create_organizations_limit (403 user_create_organization_not_enabled,
  // org_creation_limit_exceeded), exactly as POST /v1/organizations with created_by.
  app.post('/organizations', { schema: { body: CreateBody } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    await assertOrganizationsEnabled(deps);
    const { name, slug } = request.body;
    const row = await createOrganization(forRequest(deps, request), { name, ...(slug ? { slug } : {}), created_by: me.user.id });
    return envelope(deps, request, reply, await view(row));
  });

  app.get('/organizations/:organization_id', { schema: { params: Params } }, async (request, reply) => {
    const { organization } = await memberAccess(deps, await signedIn(deps, request), request.params.organization_id);
    return envelope(deps, request, reply, await view(organization));
  });

  app.patch('/organizations/:organization_id', { schema: { params: Params, body: UpdateBody } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_profile:manage');
    const { name, slug } = request.body;
    const row = await updateOrganization(forRequest(deps, request), organization.id, { ...(name != null ? { name } : {}), ...(slug != null ? { slug } : {}) });
    return envelope(deps, request, reply, await view(row));
  });

  // Only when the organization lets its admins delete it (admin_delete_enabled).
  app.delete('/organizations/:organization_id', { schema: { params: Params } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_profile:delete');
    if (!organization.admin_delete_enabled) throw new ClerkError('organization_admin_delete_not_enabled');
    return envelope(deps, request, reply, await deleteOrganization(forRequest(deps, request), organization.id));
  });

  app.put('/organizations/:organization_id/logo', { schema: { params: Params } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_profile:manage');
    const { file } = await readImageUpload(request);
    return envelope(deps, request, reply, await view(await uploadOrganizationLogo(forRequest(deps, request), organization.id, file)));
  });

  app.delete('/organizations/:organization_id/logo', { schema: { params: Params } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const { organization } = await memberAccess(deps, me, request.params.organization_id, 'org:sys_profile:manage');
    return envelope(deps, request, reply, await view(await deleteOrganizationLogo(forRequest(deps, request), organization.id)));
  });

  app.get('/organizations/:organization_id/roles', { schema: { params: Params, querystring: PageQuery } }, async (request, reply) => {
    await memberAccess(deps, await signedIn(deps, request), request.params.organization_id);
    const roles = serializeRoles();
    const { offset, limit } = request.query;
    return envelope(deps, request, reply, { data: roles.slice(offset, offset + limit), total_count: roles.length });
  });

  // Verified domains and the membership requests they bring are not offered to end users
  // (organization_settings.domains.enabled is false): both lists are empty.
  for (const list of ['domains', 'membership_requests']) {
    app.get(`/organizations/:organization_id/${list}`, { schema: { params: Params } }, async (request, reply) => {
      await memberAccess(deps, await signedIn(deps, request), request.params.organization_id);
      return envelope(deps, request, reply, { data: [], total_count: 0 });
    });
  }

  await organizationMembershipRoutes(app, deps);
  await organizationInvitationRoutes(app, deps);
}
