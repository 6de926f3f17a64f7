import type { Deps } from '../../deps.js';
import { findFullUsersAfter } from './store.js';
import type { GatehouseExtension, ImportedIdentification } from './gatehouse-extension.js';
import type { CreateUserInput } from '../schemas.js';
import type { EmailJson, FullUserRow, PhoneJson, WalletJson } from '../store.js';

// The read side of `gatehouse export`: every user as a line of the import format (the fields of
// POST /v1/users), password digests, TOTP secrets and backup codes included, plus a `gatehouse` key with
// what POST cannot express (ids, states, timestamps: users/bulk/gatehouse-extension.ts), so that importing the
// file into an empty instance gives the same users back, nothing lost.

/** A user as a line of the import format (the fields of POST /v1/users and `gatehouse`), secrets included. */
export type ExportedUser = Partial<Record<keyof CreateUserInput | 'gatehouse', unknown>>;

/**
 * Primary first, then the others oldest first: the import makes the first of each list primary, so a
 * line without its `gatehouse` key still gives the same primaries.
 */
function inImportOrder<T extends { id: string; created_at: number }>(rows: T[], primaryId: string | null): T[] {
  const sorted = [...rows].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
  const primary = sorted.findIndex((r) => r.id === primaryId);
  if (primary > 0) sorted.unshift(...sorted.splice(primary, 1));
  return sorted;
}

const isoTime = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
const nonEmpty = (object: Record<string, unknown>) => (Object.keys(object).length > 0 ? object : undefined);

/** An identification's `gatehouse` entry: only what differs from what the import makes (verified, updated_at = created_at). */
function identificationState(row: EmailJson | PhoneJson | WalletJson): ImportedIdentification {
  const entry: ImportedIdentification = { id: row.id, created_at: isoTime(row.created_at)! };
  if (row.updated_at !== row.created_at) entry.updated_at = isoTime(row.updated_at)!;
  if (!row.verified) entry.verified = false;
  if ('reserved_for_second_factor' in row && row.reserved_for_second_factor) entry.reserved_for_second_factor = true;
  if ('default_second_factor' in row && row.default_second_factor) entry.default_second_factor = true;
  return entry;
}

/**
 * The `gatehouse` key: the user's id and updated_at always, the rest only where it differs from what the
 * import makes when the key is absent (gatehouse-extension.ts), which keeps a million-user file small.
 */
function gatehouseState(
  row: FullUserRow,
  lists: { email_addresses: EmailJson[]; phone_numbers: PhoneJson[]; web3_wallets: WalletJson[] },
): GatehouseExtension {
  const state: GatehouseExtension = { id: row.id, updated_at: isoTime(row.updated_at)! };
  if (row.banned) state.banned = true;
  for (const field of ['locked_at', 'lockout_expires_at', 'last_sign_in_at', 'last_active_at', 'mfa_disabled_at'] as const) {
    if (row[field] !== null) state[field] = isoTime(row[field])!;
  }
  if (row.failed_verification_attempts !== 0) state.failed_verification_attempts = row.failed_verification_attempts;
  if (row.totp_last_used_step !== null) state.totp_last_used_step = row.totp_last_used_step;
  // Absent, the import stamps mfa_enabled_at "now" for a user with TOTP or backup codes (as POST does).
  const hasMfa = row.totp_secret !== null || (row.backup_codes?.length ?? 0) > 0;
  if (row.mfa_enabled_at !== null || hasMfa) state.mfa_enabled_at = isoTime(row.mfa_enabled_at) ?? null;
  for (const [list, primary] of [
    ['email_addresses', 'primary_email_address_id'],
    ['phone_numbers', 'primary_phone_number_id'],
    ['web3_wallets', 'primary_web3_wallet_id'],
  ] as const) {
    if (lists[list].length > 0) state[list] = lists[list].map(identificationState);
    // Absent means the first of the list; only a user whose primary is not (none at all) says so.
    if (row[primary] !== (lists[list][0]?.id ?? null)) state[primary] = row[primary];
  }
  return state;
}

function exportedUser(row: FullUserRow, deps: Pick<Deps, 'secretBox'>): ExportedUser {
  const lists = {
    email_addresses: inImportOrder(row.email_addresses, row.primary_email_address_id),
    phone_numbers: inImportOrder(row.phone_numbers, row.primary_phone_number_id),
    web3_wallets: inImportOrder(row.web3_wallets, row.primary_web3_wallet_id),
  };
  const user: ExportedUser = {
    external_id: row.external_id ?? undefined,
    first_name: row.first_name ?? undefined,
    last_name: row.last_name ?? undefined,
    email_address: lists.email_addresses.map((e) => e.email_address),
    phone_number: lists.phone_numbers.map((p) => p.phone_number),
    web3_wallet: lists.web3_wallets.map((w) => w.web3_wallet),
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
    gatehouse: gatehouseState(row, lists),
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
