import type { Deps } from '../../deps.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import { newId } from '../../lib/ids.js';
import { deletedObject } from '../../http/schemas.js';
import { recordEvent, type EventDeps } from '../../webhooks/record.js';
import { lockOrganization, organizationNotFound } from '../members/service.js';
import { findOrganizationById } from '../store.js';
import type { CreateDomainInput, DomainListInput, UpdateDomainInput } from './schemas.js';
import { serializeDomain, type DomainJson } from './serialize.js';
import { countDomains, deleteDomain, findDomain, findDomainOwner, insertDomainUnlessTaken, listDomains, updateDomain } from './store.js';

// Organization domains (Clerk's "verified domains"): a domain belongs to one organization. Each change
// records its organizationDomain.* event in its transaction.

type DomainDeps = EventDeps;

/**
 * Free email providers: anyone can have an address there, so such a domain says nothing about
 * affiliation (Clerk: organization_domain_common).
 */
const COMMON_EMAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'ymail.com', 'hotmail.com', 'outlook.com', 'live.com', 'msn.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'protonmail.com', 'proton.me', 'pm.me', 'gmx.com', 'gmx.de',
  'gmx.net', 'web.de', 'yandex.com', 'yandex.ru', 'mail.ru', 'zoho.com', 'qq.com', '163.com', '126.com',
  'fastmail.com', 'hey.com', 'tutanota.com', 'tuta.io', 'mail.com', 'inbox.com',
]);

/** A DNS name: dot-separated labels of letters, digits and inner dashes, a letter TLD. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function domainNotFound(id: string): ClerkError {
  return new ClerkError('resource_not_found', { long_message: `No organization domain was found with id ${id}.` });
}

/** POST /v1/organizations/{id}/domains: verified unless `verified: false`; manual_invitation unless told. */
export async function createDomain(deps: DomainDeps, organizationId: string, input: CreateDomainInput): Promise<DomainJson> {
  const name = input.name.trim().toLowerCase();
  if (!DOMAIN.test(name)) throw paramError('form_param_format_invalid', 'name', 'name must be a valid domain name, e.g. example.com.');
  if (COMMON_EMAIL_DOMAINS.has(name)) throw new ClerkError('organization_domain_common', { meta: { param_name: 'name' } });
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    const now = deps.clock.now();
    const row = await insertDomainUnlessTaken(db, {
      id: newId('orgdmn', now),
      organization_id: organizationId,
      name,
      enrollment_mode: input.enrollment_mode ?? 'manual_invitation',
      affiliation_email_address: null,
      verified: input.verified ?? true,
      created_at: now,
      updated_at: now,
    });
    if (!row) {
      const owner = await findDomainOwner(db, name);
      const long_message = owner === organizationId ? 'This domain is already used by your organization.' : undefined;
      throw new ClerkError('organization_domain_already_exists', { meta: { param_name: 'name' }, ...(long_message ? { long_message } : {}) });
    }
    const json = serializeDomain(row);
    await recordEvent({ ...deps, db }, 'organizationDomain.created', json);
    return json;
  });
}

/** PATCH …/domains/{id}: enrollment_mode and verified. */
export async function changeDomain(deps: DomainDeps, organizationId: string, id: string, input: UpdateDomainInput): Promise<DomainJson> {
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    const current = await findDomain(db, organizationId, id);
    if (!current) throw domainNotFound(id);
    const patch: { enrollment_mode?: typeof current.enrollment_mode; verified?: boolean } = {};
    if (input.enrollment_mode != null && input.enrollment_mode !== current.enrollment_mode) patch.enrollment_mode = input.enrollment_mode;
    if (input.verified != null && input.verified !== current.verified) patch.verified = input.verified;
    if (Object.keys(patch).length === 0) return serializeDomain(current);
    const json = serializeDomain((await updateDomain(db, id, { ...patch, updated_at: deps.clock.now() }))!);
    await recordEvent({ ...deps, db }, 'organizationDomain.updated', json);
    return json;
  });
}

/** DELETE …/domains/{id}. */
export async function removeDomain(deps: DomainDeps, organizationId: string, id: string) {
  return inTransaction(deps.db, async (db) => {
    await lockOrganization(db, organizationId);
    if (!(await deleteDomain(db, organizationId, id))) throw domainNotFound(id);
    const deleted = deletedObject('organization_domain', id);
    await recordEvent({ ...deps, db }, 'organizationDomain.deleted', deleted);
    return deleted;
  });
}

/** GET …/domains: newest first, by verification and enrollment mode. */
export async function listOrganizationDomains(deps: Pick<Deps, 'db'>, organizationId: string, q: DomainListInput) {
  if (!(await findOrganizationById(deps.db, organizationId))) throw organizationNotFound();
  const filters = { organizationId, verified: q.verified, enrollmentMode: q.enrollment_mode };
  const [rows, total] = await Promise.all([listDomains(deps.db, filters, q.limit, q.offset), countDomains(deps.db, filters)]);
  return { data: rows.map(serializeDomain), total_count: total };
}
