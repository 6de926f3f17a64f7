import { addIdentifier, dropUnread, formatMismatch, fromDate, isObject, jsonObject, newDraft, text, type UserDraft } from './draft.js';

// Rows of Supabase's `auth.users` (GoTrue) → a UserDraft, as CSV (the dashboard's or `\copy … csv header`)
// or JSON (`json_agg`, `row_to_json` lines). In CSV every cell is text: JSON columns as JSON, booleans as
// true/false (or t/f), timestamps in PostgreSQL's text form.
// - id → external_id; email confirmed iff email_confirmed_at (or the older confirmed_at) is set; phone
//   (GoTrue stores E.164 digits without the +) confirmed iff phone_confirmed_at is set.
// - encrypted_password (bcrypt, `$2a$`) → password_digest; empty for users who signed up with OAuth, a
//   magic link or a phone: no password, and a user whose providers are all social is counted as such.
// - banned_until in the future, or deleted_at set (a soft-deleted user) → banned.
// - raw_user_meta_data → public_metadata (the user could edit it through supabase.auth.updateUser, and
//   public metadata is read-only to users, so nothing becomes less protected); raw_app_meta_data (provider,
//   providers, roles: what the app trusts) → private_metadata.
// - Names: first_name/last_name (or given_name/family_name) of raw_user_meta_data as the app stored them;
//   otherwise full_name or name (what OAuth providers fill in) split at the first space.
// - created_at, updated_at, last_sign_in_at kept.

type Json = Record<string, unknown>;

/** One-time tokens and their timestamps, and columns GoTrue derives: never carried, not user data. */
const NOT_USER_DATA = new Set([
  'instance_id', 'aud', 'role', 'confirmation_token', 'confirmation_sent_at', 'recovery_token', 'recovery_sent_at',
  'email_change_token_new', 'email_change', 'email_change_sent_at', 'email_change_token_current',
  'email_change_confirm_status', 'phone_change', 'phone_change_token', 'phone_change_sent_at', 'reauthentication_token',
  'reauthentication_sent_at', 'invited_at', 'confirmed_at', 'is_super_admin', 'is_anonymous', 'is_sso_user',
]);
const READ = new Set([
  'id', 'email', 'email_confirmed_at', 'phone', 'phone_confirmed_at', 'encrypted_password', 'banned_until', 'deleted_at',
  'raw_user_meta_data', 'raw_app_meta_data', 'created_at', 'updated_at', 'last_sign_in_at', 'first_name', 'last_name',
  ...NOT_USER_DATA,
]);
const NOT_SOCIAL = new Set(['email', 'phone', 'anonymous']);

/** CSV from psql sometimes doubles as well as backslash-escapes the quotes inside a JSON cell. */
function jsonCell(v: unknown): unknown {
  const parsed = jsonObject(v);
  if (typeof parsed === 'string' && parsed.includes('\\"')) return jsonObject(parsed.replaceAll('\\"', '"'));
  return parsed;
}

const isTrue = (v: unknown) => v === true || v === 'true' || v === 't';

/** `12125550100` → `+12125550100`: GoTrue keeps the digits of an E.164 number without its plus sign. */
function e164(v: unknown): string | undefined {
  const t = text(v);
  return t !== undefined && /^\d+$/.test(t) ? `+${t}` : t;
}

function names(meta: Json, row: Json, draft: UserDraft): void {
  draft.first_name = text(row.first_name) ?? text(meta.first_name) ?? text(meta.given_name);
  draft.last_name = text(row.last_name) ?? text(meta.last_name) ?? text(meta.family_name);
  if (draft.first_name !== undefined || draft.last_name !== undefined) return;
  const full = text(meta.full_name) ?? text(meta.name);
  if (full === undefined) return;
  const space = full.search(/\s/);
  draft.first_name = space > 0 ? full.slice(0, space) : full;
  draft.last_name = space > 0 ? full.slice(space + 1).trim() : undefined;
}

/** `now`: the time of the import, to tell a ban still running from one that has ended. */
export function fromSupabase(raw: unknown, now: number): UserDraft {
  if (!isObject(raw)) throw formatMismatch('it is not a JSON object');
  if (text(raw.id) === undefined) throw formatMismatch('it has no id (a row of auth.users)');
  const draft = newDraft();
  draft.external_id = text(raw.id);
  addIdentifier(draft.emails, text(raw.email), text(raw.email_confirmed_at ?? raw.confirmed_at) !== undefined, true);
  addIdentifier(draft.phones, e164(raw.phone), text(raw.phone_confirmed_at) !== undefined, false);
  const digest = text(raw.encrypted_password);
  if (digest !== undefined) draft.password = { digest, hasher: 'bcrypt' };
  const bannedUntil = fromDate(raw.banned_until);
  const bannedUntilMs = bannedUntil === undefined ? NaN : Date.parse(bannedUntil);
  draft.banned = (Number.isFinite(bannedUntilMs) && bannedUntilMs > now) || text(raw.deleted_at) !== undefined;
  const userMeta = jsonCell(raw.raw_user_meta_data);
  const appMeta = jsonCell(raw.raw_app_meta_data);
  names(isObject(userMeta) ? userMeta : {}, raw, draft);
  draft.public_metadata = isObject(userMeta) && Object.keys(userMeta).length === 0 ? undefined : userMeta;
  draft.private_metadata = isObject(appMeta) && Object.keys(appMeta).length === 0 ? undefined : appMeta;
  draft.created_at = fromDate(raw.created_at);
  draft.updated_at = fromDate(raw.updated_at);
  draft.last_sign_in_at = fromDate(raw.last_sign_in_at);
  const providers = isObject(appMeta) && Array.isArray(appMeta.providers) ? appMeta.providers.filter((p): p is string => typeof p === 'string') : [];
  if (draft.password === undefined && providers.length > 0 && providers.every((p) => !NOT_SOCIAL.has(p))) draft.socialOnly = true;
  if (isTrue(raw.is_sso_user)) draft.dropped.push('is_sso_user (SAML sign-in)');
  dropUnread(draft, raw, READ);
  return draft;
}
