import { sql, type Insertable, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { countRows } from '../../db/row-counts.js';
import type { Database, OrganizationMembershipRow, OrganizationMembershipsTable, UserRow } from '../../db/schema.js';

// The organization_memberships table (migration 0022), and the public data of the users a membership
// shows (read only: the users feature writes those tables).

export type NewMembershipRow = Insertable<OrganizationMembershipsTable>;
export type MembershipPatch = Updateable<OrganizationMembershipsTable>;

export async function insertMembership(db: Executor, row: NewMembershipRow): Promise<OrganizationMembershipRow> {
  return db.insertInto('organization_memberships').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findMembership(db: Executor, organizationId: string, userId: string): Promise<OrganizationMembershipRow | undefined> {
  return db
    .selectFrom('organization_memberships')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function updateMembership(
  db: Executor,
  organizationId: string,
  userId: string,
  patch: MembershipPatch,
): Promise<OrganizationMembershipRow | undefined> {
  return db
    .updateTable('organization_memberships')
    .set(patch)
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteMembership(db: Executor, organizationId: string, userId: string): Promise<OrganizationMembershipRow | undefined> {
  return db
    .deleteFrom('organization_memberships')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/** Every membership of a user, oldest first, deleted in one statement (the user is being deleted). */
export async function deleteMembershipsOfUser(db: Executor, userId: string): Promise<OrganizationMembershipRow[]> {
  const rows = await db.deleteFrom('organization_memberships').where('user_id', '=', userId).returningAll().execute();
  return rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
}

/** Members holding one of `roles` (the last-admin rule). */
export async function countMembersWithRoles(db: Executor, organizationId: string, roles: string[]): Promise<number> {
  const row = await db
    .selectFrom('organization_memberships')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('role', '=', sql<string>`any(${roles}::text[])`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The membership whose organization a new session makes active: the one last made active, else the newest. */
export async function findMostRecentMembership(db: Executor, userId: string): Promise<OrganizationMembershipRow | undefined> {
  return db
    .selectFrom('organization_memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy(sql`greatest(coalesce(last_active_at, 0), created_at)`, 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function touchMembership(db: Executor, organizationId: string, userId: string, nowMs: number): Promise<void> {
  await db
    .updateTable('organization_memberships')
    .set({ last_active_at: nowMs })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .execute();
}

/** What `public_user_data` shows of a member (users, their primary identifiers). */
export type MemberUserRow = Pick<UserRow, 'id' | 'first_name' | 'last_name' | 'username' | 'profile_image_id'> & {
  email_address: string | null;
  phone_number: string | null;
  web3_wallet: string | null;
};

export async function findMemberUsers(db: Executor, userIds: string[]): Promise<MemberUserRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('users as u')
    .leftJoin('email_addresses as e', 'e.id', 'u.primary_email_address_id')
    .leftJoin('phone_numbers as p', 'p.id', 'u.primary_phone_number_id')
    .leftJoin('web3_wallets as w', 'w.id', 'u.primary_web3_wallet_id')
    .select(['u.id', 'u.first_name', 'u.last_name', 'u.username', 'u.profile_image_id', 'e.email_address', 'p.phone_number', 'w.web3_wallet'])
    .where('u.id', '=', sql<string>`any(${userIds}::text[])`)
    .execute();
}

/** The ids of the users that exist among `userIds`. */
export async function existingUserIds(db: Executor, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('id', '=', sql<string>`any(${userIds}::text[])`).execute();
  return new Set(rows.map((r) => r.id));
}

/** The users feature's list filters, applied to a query joined with `users` (built by its service). */
export type UserFilterApplier = <Q extends SelectQueryBuilder<Database, 'users', object>>(query: Q) => Q;

export interface MembershipFilters {
  organizationId?: string;
  userId?: string;
  roles?: string[];
  userIds?: { include: string[]; exclude: string[] };
  /** GET /v1/users's filters, applied to the members' users. */
  users?: UserFilterApplier;
}

export type MembershipOrderField = 'created_at' | 'email_address' | 'phone_number' | 'first_name' | 'last_name' | 'username';

export interface MembershipOrder {
  field: MembershipOrderField;
  direction: 'asc' | 'desc';
}

/** The users column each user-field order sorts on (the copies migration 0005 keeps for the primaries). */
const USER_SORT_COLUMNS: Record<Exclude<MembershipOrderField, 'created_at'>, string> = {
  email_address: 'primary_email_address_sort',
  phone_number: 'primary_phone_number_sort',
  first_name: 'first_name',
  last_name: 'last_name',
  username: 'username',
};

/** The memberships table under its alias `m`. */
type Aliased = Database & { m: OrganizationMembershipsTable };

function filtered<O>(query: SelectQueryBuilder<Aliased, 'm', O>, f: MembershipFilters) {
  // Members' user filters are tested on each member's users row (joined by primary key).
  let q = (f.users ? f.users(query.innerJoin('users', 'users.id', 'm.user_id') as never) : query) as SelectQueryBuilder<Aliased, 'm', O>;
  if (f.organizationId !== undefined) q = q.where('m.organization_id', '=', f.organizationId);
  if (f.userId !== undefined) q = q.where('m.user_id', '=', f.userId);
  if (f.roles?.length) q = q.where('m.role', '=', sql<string>`any(${f.roles}::text[])`);
  if (f.userIds?.include.length) q = q.where('m.user_id', '=', sql<string>`any(${f.userIds.include}::text[])`);
  if (f.userIds?.exclude.length) q = q.where('m.user_id', '<>', sql<string>`all(${f.userIds.exclude}::text[])`);
  return q;
}

/**
 * One page of memberships. By created_at it walks (organization_id | user_id, created_at, id) or
 * (created_at, id); by a user field it sorts the members by the users' column, users without it last.
 */
export async function listMemberships(
  db: Executor,
  filters: MembershipFilters,
  order: MembershipOrder,
  limit: number,
  offset: number,
): Promise<OrganizationMembershipRow[]> {
  const direction = order.direction === 'asc' ? sql`asc` : sql`desc`;
  let q = filtered(db.selectFrom('organization_memberships as m').selectAll('m'), filters);
  if (order.field === 'created_at') {
    q = q.orderBy(sql`m.created_at ${direction}`).orderBy(sql`m.id ${direction}`);
  } else {
    // Sorted by the member's users row, which the user filters may have joined already.
    if (!filters.users) q = q.innerJoin('users', 'users.id', 'm.user_id') as never;
    const column = sql.ref(`users.${USER_SORT_COLUMNS[order.field]}`);
    q = q.orderBy(sql`${column} ${direction} nulls last`).orderBy(sql`m.id ${direction}`);
  }
  return (await q.limit(limit).offset(offset).execute()) as OrganizationMembershipRow[];
}

export async function countMemberships(db: Executor, filters: MembershipFilters): Promise<number> {
  // Every membership of the instance: the maintained count (migration 0026), not a scan.
  if (Object.values(filters).every((v) => v === undefined)) return countRows(db, 'organization_memberships');
  const row = await filtered(db.selectFrom('organization_memberships as m'), filters)
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
