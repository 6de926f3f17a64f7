import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Executor } from '../db/database.js';
import type { OrganizationRow } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { ClerkError, clerkErrorEntry, type ClerkErrorEntry } from '../http/clerk-error.js';
import { includeExclude, parseOrderBy } from '../http/list-params.js';
import { readSettings } from '../instance/settings.js';
import { deepMerge, type JsonObject } from '../lib/deep-merge.js';
import { newId } from '../lib/ids.js';
import { nameProblem } from '../lib/identifier-format.js';
import { getUser } from '../users/service.js';
import { identifierTaken } from '../identifications/service.js';
import { metadataErrors, throwIfAny, timestampField } from '../users/validate.js';
import { recordEvent, recordEvents, type EventDeps, type NewEvent } from '../webhooks/record.js';
import { insertMember, membershipsJson, organizationNotFound } from './members/service.js';
import { CREATOR_ROLE } from './roles.js';
import type { CreateOrganizationInput, OrganizationListInput, OrganizationMetadataInput, UpdateOrganizationInput } from './schemas.js';
import { deletedOrganization, organizationView, serializeOrganization, type OrganizationJson } from './serialize.js';
import {
  countOrganizations,
  countOrganizationsCreatedBy,
  countPendingInvitations,
  deleteOrganizationById,
  findOrganizationById,
  findOrganizationByIdForUpdate,
  findOrganizationByIdOrSlug,
  insertOrganizationUnlessSlugTaken,
  isSlugTaken,
  listOrganizations as listOrganizationRows,
  lockOrganizationCreator,
  updateOrganizationById,
  type OrganizationOrderField,
  type OrganizationPatch,
} from './store.js';

// Organizations: create (with the creator's quota and membership), read, list, update, metadata, delete.
// Every change records its organization.* event in its own transaction.

/** What reading organizations needs. */
export type OrganizationReadDeps = Pick<Deps, 'db' | 'clock' | 'instance' | 'config'>;
/** What changing one needs: the transaction and the request behind it, for the event. */
export type OrganizationDeps = EventDeps & Pick<Deps, 'instance' | 'config' | 'settings'>;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Clerk's slug rule: lowercase letters, digits and single dashes between them. */
function slugErrors(slug: string | null | undefined): ClerkErrorEntry[] {
  if (slug === undefined || slug === null || SLUG.test(slug)) return [];
  return [
    clerkErrorEntry('form_param_format_invalid', {
      meta: { param_name: 'slug' },
      long_message: 'slug can contain only lowercase alphanumeric characters and the dash "-".',
    }),
  ];
}

/** Names must not be empty, nor look like a URL, HTML or a phone number (Clerk: "May not contain URLs or HTML"). */
function nameErrors(name: string | null | undefined): ClerkErrorEntry[] {
  if (name === undefined) return [];
  if (name === null || name.trim() === '') {
    return [clerkErrorEntry('form_param_nil', { meta: { param_name: 'name' }, message: 'Enter name.', long_message: 'Enter name.' })];
  }
  const problem = nameProblem(name);
  if (!problem) return [];
  return [
    clerkErrorEntry('form_param_value_invalid', {
      meta: { param_name: 'name' },
      message: 'invalid organization name',
      long_message: `The organization name ${JSON.stringify(name)} is invalid: ${problem}.`,
    }),
  ];
}

/** "Acme Corp." → "acme-corp" (Clerk derives the slug from the name when none is given). */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '');
  return slug || 'organization';
}

function slugTaken(): ClerkError {
  return identifierTaken('slug', 'slug');
}

/** An organization's JSON with its counts, as the webhook payloads carry it. */
export async function organizationWithCounts(deps: OrganizationReadDeps, row: OrganizationRow): Promise<OrganizationJson> {
  const pending = (await countPendingInvitations(deps.db, [row.id], deps.clock.now())).get(row.id) ?? 0;
  return serializeOrganization(row, organizationView(deps), { members_count: row.members_count, pending_invitations_count: pending });
}

/** Records organization.updated for an organization changed in this transaction and returns it as it now is. */
async function organizationUpdated(deps: OrganizationDeps, id: string) {
  const row = await findOrganizationById(deps.db, id);
  if (!row) throw new Error(`organization ${id} was written in this transaction but cannot be read back`);
  await recordEvent(deps, 'organization.updated', await organizationWithCounts(deps, row));
  return row;
}

/**
 * The creator's right to create one more organization: create_organization_enabled, and
 * create_organizations_limit (0 or null: the instance's default; 0 there: unlimited). Organizations the
 * user created and that still exist count, so deleting one frees its place. Call with the creator locked.
 */
async function assertCreatorMayCreate(deps: OrganizationDeps, userId: string): Promise<void> {
  const user = await getUser(deps, userId).catch((error: unknown) => {
    if (error instanceof ClerkError && error.status === 404) {
      throw new ClerkError('organization_creator_not_found', { meta: { param_name: 'created_by' }, long_message: `No users found with id ${userId}.` });
    }
    throw error;
  });
  if (!user.create_organization_enabled) throw new ClerkError('user_create_organization_not_enabled');
  const instanceLimit = (await readSettings(deps.db)).organization_settings.create_organizations_limit;
  const limit = user.create_organizations_limit || instanceLimit;
  if (limit > 0 && (await countOrganizationsCreatedBy(deps.db, userId)) >= limit) throw new ClerkError('org_creation_limit_exceeded');
}

/**
 * POST /v1/organizations. With `created_by`, the creator's quota is checked (under a lock on the creator, so
 * concurrent creations cannot both take the last place) and the creator becomes its first admin.
 * Records organization.created, then organizationMembership.created.
 */
export async function createOrganization(deps: OrganizationDeps, input: CreateOrganizationInput): Promise<OrganizationRow> {
  const errors = [...nameErrors(input.name), ...slugErrors(input.slug), ...metadataErrors(input)];
  const createdAt = timestampField(input.created_at, 'created_at', errors);
  throwIfAny(errors);
  const defaults = (await readSettings(deps.db)).organization_settings;
  return inTransaction(deps.db, async (db) => {
    const txDeps = { ...deps, db };
    const creator = input.created_by || null;
    if (creator) {
      await lockOrganizationCreator(db, creator);
      await assertCreatorMayCreate(txDeps, creator);
    }
    const now = deps.clock.now();
    const row = {
      id: newId('org', now),
      name: input.name.trim(),
      image_id: null,
      max_allowed_memberships: input.max_allowed_memberships ?? defaults.max_allowed_memberships,
      admin_delete_enabled: defaults.admin_delete_enabled,
      public_metadata: JSON.stringify(input.public_metadata ?? {}),
      private_metadata: JSON.stringify(input.private_metadata ?? {}),
      created_by: creator,
      created_at: createdAt ?? now,
      updated_at: now,
    };
    if (input.slug) {
      if (!(await insertOrganizationUnlessSlugTaken(db, { ...row, slug: input.slug }))) throw slugTaken();
    } else {
      // A slug from the name, made unique with a short random suffix when another organization has it.
      const base = slugFromName(row.name);
      let slug = base;
      while (!(await insertOrganizationUnlessSlugTaken(db, { ...row, slug }))) slug = `${base}-${randomBytes(4).toString('hex')}`;
    }
    // The creator's membership is written first, so that organization.created already counts its first
    // member; both events are recorded together, in Clerk's order: the organization, then the membership.
    const membership = creator ? await insertMember(txDeps, row.id, creator, { role: CREATOR_ROLE }) : undefined;
    const created = (await findOrganizationById(db, row.id))!;
    const events: NewEvent[] = [{ type: 'organization.created', data: await organizationWithCounts(txDeps, created) }];
    if (membership) events.push({ type: 'organizationMembership.created', data: (await membershipsJson(txDeps, [membership]))[0] });
    await recordEvents(txDeps, events);
    return created;
  });
}

/** GET /v1/organizations/{id_or_slug}. */
export async function getOrganization(deps: { db: Executor }, idOrSlug: string): Promise<OrganizationRow> {
  const row = await findOrganizationByIdOrSlug(deps.db, idOrSlug);
  if (!row) throw organizationNotFound();
  return row;
}

/** The JSON of an organization, with its counts when asked (include_members_count). */
export async function organizationJson(deps: OrganizationReadDeps, row: OrganizationRow, withCounts: boolean): Promise<OrganizationJson> {
  return withCounts ? organizationWithCounts(deps, row) : serializeOrganization(row, organizationView(deps));
}

/** GET /v1/organizations: a page in order, and the total under the same filters. */
export async function listOrganizations(deps: OrganizationReadDeps, q: OrganizationListInput) {
  const filters = {
    query: q.query || undefined,
    organizationIds: includeExclude(q.organization_id),
    userIds: includeExclude(q.user_id),
  };
  const [rows, total] = await Promise.all([
    listOrganizationRows(deps.db, filters, parseOrderBy<OrganizationOrderField>(q.order_by), q.limit, q.offset),
    countOrganizations(deps.db, filters),
  ]);
  let data: OrganizationJson[];
  if (q.include_members_count === true) {
    const pending = await countPendingInvitations(deps.db, rows.map((r) => r.id), deps.clock.now());
    const view = organizationView(deps);
    data = rows.map((r) => serializeOrganization(r, view, { members_count: r.members_count, pending_invitations_count: pending.get(r.id) ?? 0 }));
  } else {
    const view = organizationView(deps);
    data = rows.map((r) => serializeOrganization(r, view));
  }
  return { data, total_count: total };
}

/** Runs `change` on the locked organization and records organization.updated when it wrote anything. */
async function changeOrganization(
  deps: OrganizationDeps,
  id: string,
  change: (db: Executor, current: OrganizationRow) => Promise<OrganizationPatch | undefined>,
): Promise<OrganizationRow> {
  return inTransaction(deps.db, async (db) => {
    const current = await findOrganizationByIdForUpdate(db, id);
    if (!current) throw organizationNotFound();
    const patch = await change(db, current);
    if (!patch) return current;
    await updateOrganizationById(db, id, { ...patch, updated_at: deps.clock.now() });
    return organizationUpdated({ ...deps, db }, id);
  });
}

/** PATCH /v1/organizations/{id}: name, slug, limits, admin delete, creation time, metadata (replaced). */
export async function updateOrganization(deps: OrganizationDeps, id: string, input: UpdateOrganizationInput): Promise<OrganizationRow> {
  const errors = [...(input.name === undefined ? [] : nameErrors(input.name)), ...slugErrors(input.slug), ...metadataErrors(input)];
  const createdAt = timestampField(input.created_at, 'created_at', errors);
  throwIfAny(errors);
  return changeOrganization(deps, id, async (db, current) => {
    const patch: OrganizationPatch = {};
    if (input.name != null) patch.name = input.name.trim();
    if (input.slug != null && input.slug !== current.slug) {
      if (await isSlugTaken(db, input.slug)) throw slugTaken();
      patch.slug = input.slug;
    }
    if (input.max_allowed_memberships != null) patch.max_allowed_memberships = input.max_allowed_memberships;
    if (input.admin_delete_enabled != null) patch.admin_delete_enabled = input.admin_delete_enabled;
    if (createdAt != null) patch.created_at = createdAt;
    for (const field of ['public_metadata', 'private_metadata'] as const) {
      if (input[field] !== undefined) patch[field] = JSON.stringify(input[field] ?? {});
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  }).catch((error: unknown) => {
    // Two renames to the same slug at once: the unique index decides.
    if ((error as { code?: string }).code === '23505') throw slugTaken();
    throw error;
  });
}

/**
 * PATCH /v1/organizations/{id}/metadata merges deeply (null removes a key at any depth); PUT (a later API,
 * sent by @clerk/backend 3.x's updateOrganization) replaces each object given. Both within 8 KB.
 */
export async function updateOrganizationMetadata(
  deps: OrganizationDeps,
  id: string,
  input: OrganizationMetadataInput,
  mode: 'merge' | 'replace',
): Promise<OrganizationRow> {
  return changeOrganization(deps, id, async (_db, current) => {
    const next: Record<string, JsonObject> = {};
    for (const field of ['public_metadata', 'private_metadata'] as const) {
      const given = input[field];
      if (given === undefined) continue;
      next[field] = mode === 'merge' ? deepMerge(current[field] as JsonObject, (given ?? {}) as JsonObject) : ((given ?? {}) as JsonObject);
    }
    throwIfAny(metadataErrors(next));
    if (Object.keys(next).length === 0) return undefined;
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, JSON.stringify(v)])) as OrganizationPatch;
  });
}

/** Sets or clears the logo (images.id); the images feature stores the bytes. */
export async function setOrganizationLogo(deps: OrganizationDeps, id: string, imageId: string | null): Promise<OrganizationRow> {
  return changeOrganization(deps, id, async (_db, current) => (current.image_id === imageId ? undefined : { image_id: imageId }));
}

/**
 * DELETE /v1/organizations/{id}: memberships, invitations, domains and the logo go with it; the creator's
 * place under create_organizations_limit is free again. Records organization.deleted.
 */
export async function deleteOrganization(deps: OrganizationDeps, id: string) {
  return inTransaction(deps.db, async (db) => {
    const row = await deleteOrganizationById(db, id);
    if (!row) throw organizationNotFound();
    const deleted = deletedOrganization(row);
    await recordEvent({ ...deps, db }, 'organization.deleted', deleted);
    return deleted;
  });
}
