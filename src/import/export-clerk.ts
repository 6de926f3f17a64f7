import type { ExportedUser } from '../users/bulk/export-service.js';

// `gatehouse export --format clerk`: the users as Clerk's Dashboard CSV export, the file Clerk's own
// import (`clerk migrate import --source clerk`) and `gatehouse import` read, so nobody is locked in.
// Several values in one cell are separated by `|`. Clerk's CSV has no column for the rest: what a user
// loses on the way is counted (lostFields) and said on stderr, never silently.

export const CLERK_CSV_COLUMNS = [
  'id', 'first_name', 'last_name', 'username', 'primary_email_address', 'primary_phone_number', 'verified_email_addresses',
  'unverified_email_addresses', 'verified_phone_numbers', 'unverified_phone_numbers', 'totp_secret', 'password_digest', 'password_hasher',
] as const;

type Entry = { verified?: boolean };
type Gatehouse = {
  id?: string;
  email_addresses?: Entry[];
  phone_numbers?: Entry[];
  primary_email_address_id?: string | null;
  primary_phone_number_id?: string | null;
} & Record<string, unknown>;

/** RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The values of one list split by verification; the first is the primary unless the export says there is none. */
function identifiers(values: unknown, entries: Entry[] | undefined, primaryId: string | null | undefined) {
  const list = Array.isArray(values) ? (values as string[]) : [];
  const verified = list.filter((_, i) => entries?.[i]?.verified !== false);
  const unverified = list.filter((_, i) => entries?.[i]?.verified === false);
  return { primary: primaryId === null ? undefined : list[0], verified: verified.join('|'), unverified: unverified.join('|') };
}

/** What a user has that Clerk's CSV cannot hold. */
const LOST: [string, (u: ExportedUser, g: Gatehouse) => boolean][] = [
  ['metadata', (u) => u.public_metadata !== undefined || u.private_metadata !== undefined || u.unsafe_metadata !== undefined],
  ['backup codes', (u) => u.backup_codes !== undefined],
  ['web3 wallets', (u) => u.web3_wallet !== undefined],
  ['external_id', (u) => u.external_id !== undefined],
  ['created_at and other times', (u) => u.created_at !== undefined],
  ['banned', (_, g) => g.banned === true],
  ['second-factor phones', (_, g) => (g.phone_numbers as { reserved_for_second_factor?: boolean }[] | undefined)?.some((p) => p.reserved_for_second_factor) === true],
];

export function clerkCsvRow(user: ExportedUser, lost: Record<string, number>): string {
  const g = (user.gatehouse ?? {}) as Gatehouse;
  const emails = identifiers(user.email_address, g.email_addresses, g.primary_email_address_id);
  const phones = identifiers(user.phone_number, g.phone_numbers, g.primary_phone_number_id);
  for (const [field, has] of LOST) if (has(user, g)) lost[field] = (lost[field] ?? 0) + 1;
  const row: Record<(typeof CLERK_CSV_COLUMNS)[number], unknown> = {
    id: g.id,
    first_name: user.first_name,
    last_name: user.last_name,
    username: user.username,
    primary_email_address: emails.primary,
    primary_phone_number: phones.primary,
    verified_email_addresses: emails.verified,
    unverified_email_addresses: emails.unverified,
    verified_phone_numbers: phones.verified,
    unverified_phone_numbers: phones.unverified,
    totp_secret: user.totp_secret,
    password_digest: user.password_digest,
    password_hasher: user.password_hasher,
  };
  return `${CLERK_CSV_COLUMNS.map((c) => cell(row[c])).join(',')}\n`;
}

export const CLERK_CSV_HEADER = `${CLERK_CSV_COLUMNS.join(',')}\n`;
