import {
  addIdentifier,
  dropUnread,
  formatMismatch,
  fromDate,
  isClerkUserId,
  isObject,
  jsonObject,
  list,
  newDraft,
  text,
  type DraftIdentifier,
  type UserDraft,
} from './draft.js';

// Clerk → a UserDraft, from three shapes that name the same facts:
// - the Dashboard's CSV export (Settings → User exports): id, first_name, last_name, username,
//   primary_email_address, primary_phone_number, verified_email_addresses, unverified_email_addresses,
//   verified_phone_numbers, unverified_phone_numbers, totp_secret, password_digest, password_hasher; several
//   values in one cell separated by `|` or `,`;
// - JSON in the same snake_case names (the support export: email_addresses and phone_numbers as arrays,
//   the three metadata objects, backup_codes), or Backend API user objects (what `GET /v1/users` and
//   `clerk migrate export clerk` give: identifiers as objects with their verification status, times in ms,
//   banned, locked…);
// - the camelCase JSON that Clerk's migration tool reads (userId, email, emailAddresses,
//   unverifiedEmailAddresses, phone, phoneNumbers, unverifiedPhoneNumbers, firstName, password,
//   passwordHasher, totpSecret, backupCodes, publicMetadata, createdAt…).
// A Clerk user id (`user_` + 27 base62 characters) is kept as the Gatehouse id, so the ids an app stored keep
// working; any other id (the migration tool's userId from another system) becomes external_id.

type Json = Record<string, unknown>;

/** The migration tool's camelCase names → the export's snake_case names. */
const CAMEL: Record<string, string> = {
  userId: 'id', externalId: 'external_id', email: 'primary_email_address', emailAddresses: 'verified_email_addresses',
  unverifiedEmailAddresses: 'unverified_email_addresses', phone: 'primary_phone_number',
  phoneNumbers: 'verified_phone_numbers', unverifiedPhoneNumbers: 'unverified_phone_numbers', firstName: 'first_name',
  lastName: 'last_name', password: 'password_digest', passwordHasher: 'password_hasher', totpSecret: 'totp_secret',
  backupCodes: 'backup_codes', backupCodesEnabled: 'backup_codes_enabled', publicMetadata: 'public_metadata',
  privateMetadata: 'private_metadata', unsafeMetadata: 'unsafe_metadata', createdAt: 'created_at',
  legalAcceptedAt: 'legal_accepted_at', createOrganizationEnabled: 'create_organization_enabled',
  createOrganizationsLimit: 'create_organizations_limit', deleteSelfEnabled: 'delete_self_enabled',
  skipPasswordChecks: 'skip_password_checks', skipLegalChecks: 'skip_legal_checks', bypassClientTrust: 'bypass_client_trust',
};
/** Fields of POST /v1/users that Clerk's exports name the same way, passed on as they are. */
const SAME_NAME = ['delete_self_enabled', 'create_organization_enabled', 'create_organizations_limit', 'skip_password_checks', 'skip_legal_checks'];
const IGNORED = new Set([
  // Derived or about the image (not carried: Gatehouse has no profile images yet): counted as dropped below.
  'object', 'backup_codes_enabled', 'two_factor_enabled', 'totp_enabled', 'password_enabled', 'updated_at',
  'primary_email_address_id', 'primary_phone_number_id', 'primary_web3_wallet_id', 'bypass_client_trust', 'lockout_expires_in_seconds',
  'verification_attempts_remaining',
]);
const READ = new Set([
  'id', 'external_id', 'first_name', 'last_name', 'username', 'primary_email_address', 'primary_phone_number',
  'verified_email_addresses', 'unverified_email_addresses', 'verified_phone_numbers', 'unverified_phone_numbers',
  'email_addresses', 'phone_numbers', 'totp_secret', 'password_digest', 'password_hasher', 'backup_codes',
  'public_metadata', 'private_metadata', 'unsafe_metadata', 'created_at', 'last_sign_in_at', 'last_active_at',
  'legal_accepted_at', 'banned', ...SAME_NAME, ...IGNORED,
]);

function snakeCase(raw: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(raw)) out[CAMEL[key] ?? key] = value;
  return out;
}

/** A Backend API identifier object → its value and whether it is verified. */
function identifierObject(v: unknown, field: string): { id?: string; value?: string; verified: boolean } {
  if (!isObject(v)) return { verified: false };
  const verification = isObject(v.verification) ? v.verification : {};
  return { id: text(v.id), value: text(v[field]), verified: verification.status === 'verified' };
}

/** primary first, then verified, then unverified; a value listed as unverified is unverified. */
function identifiers(raw: Json, kind: 'email' | 'phone'): DraftIdentifier[] {
  const field = kind === 'email' ? 'email_address' : 'phone_number';
  const plural = `${field}es`.replace('numberes', 'numbers');
  const caseless = kind === 'email';
  const out: DraftIdentifier[] = [];
  const all = raw[plural];
  if (Array.isArray(all) && all.some(isObject)) {
    // Backend API objects: the primary is named by id.
    const objects = all.map((v) => identifierObject(v, field));
    const primaryId = text(raw[`primary_${field}_id`]);
    objects.sort((a, b) => Number(b.id === primaryId) - Number(a.id === primaryId));
    for (const o of objects) addIdentifier(out, o.value, o.verified, caseless);
    return out;
  }
  const unverified = list(raw[`unverified_${plural}`]);
  const isUnverified = (v: string) => unverified.some((u) => (caseless ? u.toLowerCase() === v.toLowerCase() : u === v));
  for (const primary of list(raw[`primary_${field}`])) addIdentifier(out, primary, !isUnverified(primary), caseless);
  for (const v of [...list(raw[`verified_${plural}`]), ...list(all)]) addIdentifier(out, v, !isUnverified(v), caseless);
  for (const v of unverified) addIdentifier(out, v, false, caseless);
  return out;
}

/** true/false as JSON or as CSV text. */
function flag(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

export function fromClerk(input: unknown): UserDraft {
  if (!isObject(input)) throw formatMismatch('it is not a JSON object');
  const raw = snakeCase(input);
  const id = text(raw.id);
  if (id === undefined && text(raw.primary_email_address) === undefined) throw formatMismatch('it has neither id nor primary_email_address');
  const draft = newDraft();
  if (isClerkUserId(id)) draft.id = id;
  draft.external_id = text(raw.external_id) ?? (isClerkUserId(id) ? undefined : id);
  draft.first_name = text(raw.first_name);
  draft.last_name = text(raw.last_name);
  draft.username = text(raw.username);
  draft.emails = identifiers(raw, 'email');
  draft.phones = identifiers(raw, 'phone');
  const digest = text(raw.password_digest);
  const hasher = text(raw.password_hasher);
  if (digest !== undefined) draft.password = { digest, hasher };
  draft.totp_secret = text(raw.totp_secret);
  const codes = list(raw.backup_codes);
  if (codes.length > 0) draft.backup_codes = codes;
  for (const field of ['public_metadata', 'private_metadata', 'unsafe_metadata'] as const) {
    const value = jsonObject(raw[field]);
    if (value !== undefined && value !== null) draft[field] = value;
  }
  draft.created_at = fromDate(raw.created_at);
  draft.last_sign_in_at = fromDate(raw.last_sign_in_at);
  draft.last_active_at = fromDate(raw.last_active_at);
  draft.banned = flag(raw.banned) === true;
  const extra: Json = {};
  const legal = fromDate(raw.legal_accepted_at);
  if (legal !== undefined) extra.legal_accepted_at = legal;
  for (const field of SAME_NAME) {
    const value = raw[field];
    if (value === undefined || value === null || value === '') continue;
    extra[field] = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (flag(value) ?? value);
  }
  draft.extra = extra;
  if (text(raw.image_url) !== undefined || flag(raw.has_image) === true) draft.dropped.push('image_url');
  if (Array.isArray(raw.external_accounts) && raw.external_accounts.length > 0) draft.dropped.push('external_accounts');
  dropUnread(draft, raw, new Set([...READ, 'image_url', 'has_image', 'profile_image_url', 'external_accounts']));
  return draft;
}
