import { paramError } from '../../http/clerk-error.js';
import {
  addIdentifier,
  dropUnread,
  formatMismatch,
  fromDate,
  isObject,
  newDraft,
  text,
  type UserDraft,
} from './draft.js';

// Auth0 → a UserDraft. Three Auth0 files share this shape:
// - the user export job (POST /api/v2/jobs/users-exports, JSON lines, delivered gzip-compressed): user_id,
//   email, email_verified, username, phone_number, phone_verified, given_name, family_name, name,
//   nickname, created_at, updated_at, last_login, blocked, identities, user_metadata, app_metadata…;
// - the password-hash export Auth0 support sends (JSON lines, MongoDB-flavoured): _id.$oid, email,
//   email_verified, passwordHash, password_set_date…; `_id.$oid` is the id of `auth0|<oid>`, so both files
//   name a database user the same way and can be merged (auth0-passwords.ts);
// - the bulk-import format (one JSON array): password_hash, custom_password_hash, mfa_factors….
// The mapping (src/import/README.md has it as a table):
// - user_id → external_id; blocked → banned; email_verified: false (or absent) → the email unverified;
//   phone_verified: false → the phone unverified; created_at, updated_at, last_login kept.
// - given_name / family_name → first_name / last_name (Auth0's own split). Without them, `name` (unless it
//   is the email, which Auth0 puts there for database users) is split at its first space.
// - user_metadata → public_metadata (Clerk's own migration tool does the same: users could edit it in
//   Auth0, and public metadata is read-only to them, so nothing becomes less protected); app_metadata →
//   private_metadata, which never reaches the browser.
// - Passwords: bcrypt (passwordHash, password_hash, custom_password_hash bcrypt), argon2 (PHC), unsalted md5
//   and sha256. mfa_factors: a TOTP secret is kept, a phone becomes a second-factor phone.
// - A user whose identities are all social and who has no password comes across without one (counted).

type Json = Record<string, unknown>;

/** Bookkeeping fields of the export files, not facts about the user: neither carried nor counted. */
const BOOKKEEPING = new Set(['tenant', 'connection', '_tmp_is_unique', 'version', 'identifiers', '__v', 'password_set_date', 'last_password_reset']);
const READ = new Set([
  'user_id', '_id', 'email', 'email_verified', 'phone_number', 'phone_verified', 'username', 'given_name', 'family_name',
  'user_metadata', 'app_metadata', 'created_at', 'updated_at', 'last_login', 'blocked', 'passwordHash', 'password_hash',
  'custom_password_hash', 'mfa_factors', ...BOOKKEEPING,
]);
/** Connections that sign in without a social provider: the database, passwordless email and SMS. */
const NOT_SOCIAL = new Set(['auth0', 'email', 'sms']);

/** How both Auth0 files name a user: `user_id`, or `auth0|<_id.$oid>` in the password-hash export. */
export function auth0UserKey(raw: unknown): string | undefined {
  if (!isObject(raw)) return undefined;
  const oid = isObject(raw._id) ? text(raw._id.$oid) : text(raw._id);
  return text(raw.user_id) ?? (oid ? `auth0|${oid}` : undefined);
}

/** A record of the password-hash export: it has a hash and is named by `_id`. */
export function isAuth0PasswordRecord(raw: unknown): boolean {
  return isObject(raw) && raw._id !== undefined && raw.user_id === undefined && (text(raw.passwordHash) ?? text(raw.password_hash)) !== undefined;
}

function password(raw: Json): UserDraft['password'] {
  const bcrypt = text(raw.passwordHash) ?? text(raw.password_hash);
  if (bcrypt) return { digest: bcrypt, hasher: 'bcrypt' };
  const custom = raw.custom_password_hash;
  if (!isObject(custom)) return undefined;
  const algorithm = String(custom.algorithm ?? '');
  const hash = isObject(custom.hash) ? custom.hash : {};
  const value = text(hash.value) ?? '';
  const encoding = String(hash.encoding ?? (algorithm === 'bcrypt' || algorithm === 'argon2' ? 'utf8' : 'hex'));
  if (algorithm === 'bcrypt') return { digest: value, hasher: 'bcrypt' };
  if (algorithm === 'argon2') return { digest: value, hasher: value.startsWith('$argon2id$') ? 'argon2id' : 'argon2i' };
  if ((algorithm === 'md5' || algorithm === 'sha256') && hash.salt === undefined) {
    const hex = encoding === 'base64' ? Buffer.from(value, 'base64').toString('hex') : value.toLowerCase();
    return { digest: hex, hasher: algorithm };
  }
  throw paramError('form_param_format_invalid', 'password_hasher', `The Auth0 password algorithm ${algorithm || '(none)'} cannot be imported: bcrypt, argon2, and unsalted md5 or sha256 can.`);
}

/** The identities' providers (`google-oauth2`…), or the user_id's prefix when the file has no identities. */
function providers(raw: Json, key: string | undefined): string[] {
  if (Array.isArray(raw.identities) && raw.identities.length > 0) {
    return raw.identities.flatMap((i) => (isObject(i) && text(i.provider) ? [text(i.provider)!] : []));
  }
  const prefix = key?.split('|')[0];
  return prefix && key!.includes('|') ? [prefix] : [];
}

function mfaFactors(raw: Json, draft: UserDraft): void {
  if (!Array.isArray(raw.mfa_factors)) return;
  for (const factor of raw.mfa_factors) {
    if (!isObject(factor)) continue;
    if (isObject(factor.totp) && text(factor.totp.secret)) draft.totp_secret = text(factor.totp.secret);
    else if (isObject(factor.phone) && text(factor.phone.value)) {
      addIdentifier(draft.phones, text(factor.phone.value), true, false);
      const phone = draft.phones.find((p) => p.value === text((factor.phone as Json).value));
      if (phone) phone.secondFactor = true;
    } else draft.dropped.push('mfa_factors');
  }
}

/**
 * One Auth0 record → a draft. `passwords` is this user's record of the password-hash export when the two
 * files are merged in one run: it gives the hash, and the email verification when the export lacks it.
 */
export function fromAuth0(raw: unknown, passwords?: Json): UserDraft {
  if (!isObject(raw)) throw formatMismatch('it is not a JSON object');
  const key = auth0UserKey(raw);
  if (key === undefined && text(raw.email) === undefined) throw formatMismatch('it has none of user_id, _id.$oid and email');
  const draft = newDraft();
  draft.external_id = key;
  const emailVerified = raw.email_verified ?? passwords?.email_verified;
  addIdentifier(draft.emails, text(raw.email) ?? text(passwords?.email), emailVerified === true || emailVerified === 'true', true);
  addIdentifier(draft.phones, text(raw.phone_number), raw.phone_verified !== false && raw.phone_verified !== 'false', false);
  draft.username = text(raw.username) ?? text(passwords?.username);
  draft.first_name = text(raw.given_name);
  draft.last_name = text(raw.family_name);
  const name = text(raw.name);
  if (name !== undefined && draft.first_name === undefined && draft.last_name === undefined && name !== text(raw.email)) {
    const space = name.search(/\s/);
    draft.first_name = space > 0 ? name.slice(0, space) : name;
    draft.last_name = space > 0 ? name.slice(space + 1).trim() : undefined;
  } else if (name !== undefined && name !== text(raw.email) && name !== [draft.first_name, draft.last_name].filter(Boolean).join(' ')) {
    draft.dropped.push('name');
  }
  draft.public_metadata = raw.user_metadata ?? undefined;
  draft.private_metadata = raw.app_metadata ?? undefined;
  draft.created_at = fromDate(raw.created_at);
  draft.updated_at = fromDate(raw.updated_at);
  draft.last_sign_in_at = fromDate(raw.last_login);
  draft.banned = raw.blocked === true || raw.blocked === 'true';
  draft.password = password(raw) ?? (passwords ? password(passwords) : undefined);
  mfaFactors(raw, draft);
  const social = providers(raw, key).filter((p) => !NOT_SOCIAL.has(p));
  if (social.length > 0) {
    draft.socialOnly = draft.password === undefined && social.length === providers(raw, key).length;
    draft.dropped.push('identities');
  }
  dropUnread(draft, raw, new Set([...READ, 'name', 'identities']));
  return draft;
}
