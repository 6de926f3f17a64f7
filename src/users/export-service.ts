import type { Deps } from '../deps.js';
import { findFullUsersAfter } from './bulk-store.js';
import type { CreateUserInput } from './schemas.js';
import type { FullUserRow } from './store.js';

// The read side of `gatehouse export`: every user as a line of the import format (the fields of
// POST /v1/users), password digests, TOTP secrets and backup codes included, so that importing the file
// into an empty instance gives the same users back.

/** A user as a line of the import format (the fields of POST /v1/users), secrets included. */
export type ExportedUser = Partial<Record<keyof CreateUserInput, unknown>>;

/** Primary first, then the others oldest first: the import makes the first of each list primary. */
function identifierValues<T extends { id: string; created_at: number }>(rows: T[], primaryId: string | null, value: (row: T) => string) {
  const sorted = [...rows].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  const primary = sorted.findIndex((r) => r.id === primaryId);
  if (primary > 0) sorted.unshift(...sorted.splice(primary, 1));
  return sorted.map(value);
}

const isoTime = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
const nonEmpty = (object: Record<string, unknown>) => (Object.keys(object).length > 0 ? object : undefined);

function exportedUser(row: FullUserRow, deps: Pick<Deps, 'secretBox'>): ExportedUser {
  const user: ExportedUser = {
    external_id: row.external_id ?? undefined,
    first_name: row.first_name ?? undefined,
    last_name: row.last_name ?? undefined,
    email_address: identifierValues(row.email_addresses, row.primary_email_address_id, (e) => e.email_address),
    phone_number: identifierValues(row.phone_numbers, row.primary_phone_number_id, (p) => p.phone_number),
    web3_wallet: identifierValues(row.web3_wallets, row.primary_web3_wallet_id, (w) => w.web3_wallet),
    username: row.username ?? undefined,
    password_digest: row.password_digest ?? undefined,
    password_hasher: row.password_hasher ?? undefined,
    // Sealed at rest with this instance's key; the file carries it in clear (base32) so another instance can seal it with its own.
    totp_secret: row.totp_secret === null ? undefined : deps.secretBox.open(row.totp_secret),
    // bcrypt digests, which the import takes as they are.
    backup_codes: row.backup_codes?.length ? row.backup_codes : undefined,
    public_metadata: nonEmpty(row.public_metadata),
    private_metadata: nonEmpty(row.private_metadata),
    unsafe_metadata: nonEmpty(row.unsafe_metadata),
    delete_self_enabled: row.delete_self_enabled ? undefined : false,
    create_organization_enabled: row.create_organization_enabled ? undefined : false,
    create_organizations_limit: row.create_organizations_limit ?? undefined,
    legal_accepted_at: isoTime(row.legal_accepted_at),
    created_at: isoTime(row.created_at),
  };
  for (const [k, v] of Object.entries(user)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete user[k as keyof ExportedUser];
  }
  return user;
}

/** Every user, in id order, a page at a time (never all of them in memory). */
export async function* exportUsers(deps: Pick<Deps, 'db' | 'secretBox'>, pageSize = 500): AsyncGenerator<ExportedUser[]> {
  let after: string | null = null;
  for (;;) {
    const page = await findFullUsersAfter(deps.db, after, pageSize);
    if (page.length === 0) return;
    yield page.map((row) => exportedUser(row, deps));
    after = page[page.length - 1]!.id;
  }
}
