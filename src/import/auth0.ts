import { paramError } from '../http/clerk-error.js';

// Auth0 → the fields of POST /v1/users. Two Auth0 files share this shape: the user export job (JSON lines:
// user_id, email, username, given_name, family_name, phone_number, user_metadata, app_metadata,
// created_at…) and the password-hash export Auth0 support sends (JSON lines: _id.$oid, email,
// passwordHash…). The bulk-import format (a JSON array with custom_password_hash or password_hash) is read too.
//
// - user_id → external_id; in the password-hash export `_id.$oid` → `auth0|<oid>`, the user_id Auth0 gives
//   the same database user, so both files name a user the same way.
// - user_metadata → public_metadata, as Clerk's own migration tool maps it: the user could edit it in
//   Auth0, and public metadata is read-only to users, so nothing becomes less protected. app_metadata (roles,
//   plans: what the app trusts) → private_metadata, which never reaches the browser.
// - Every email and phone is imported verified, as POST /v1/users does; email_verified is not carried.
// - Passwords: bcrypt (passwordHash, password_hash, custom_password_hash with algorithm bcrypt), argon2
//   (PHC strings), md5 and sha256 (unsalted, hex or base64). Other algorithms reject the row.
// - blocked, name, nickname, picture, identities, logins_count, last_login… are not carried.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Auth0 writes dates as ISO strings, or as `{"$date": …}` in the MongoDB-flavoured password export. */
function date(v: unknown): string | undefined {
  if (isObject(v)) v = v.$date;
  if (typeof v === 'number') return new Date(v).toISOString();
  return text(v);
}

function password(raw: Json): { password_digest: string; password_hasher: string } | undefined {
  const bcrypt = text(raw.passwordHash) ?? text(raw.password_hash);
  if (bcrypt) return { password_digest: bcrypt, password_hasher: 'bcrypt' };
  const custom = raw.custom_password_hash;
  if (!isObject(custom)) return undefined;
  const algorithm = String(custom.algorithm ?? '');
  const hash = isObject(custom.hash) ? custom.hash : {};
  const value = text(hash.value) ?? '';
  const encoding = String(hash.encoding ?? (algorithm === 'bcrypt' || algorithm === 'argon2' ? 'utf8' : 'hex'));
  if (algorithm === 'bcrypt') return { password_digest: value, password_hasher: 'bcrypt' };
  if (algorithm === 'argon2') return { password_digest: value, password_hasher: value.startsWith('$argon2id$') ? 'argon2id' : 'argon2i' };
  if ((algorithm === 'md5' || algorithm === 'sha256') && hash.salt === undefined) {
    const hex = encoding === 'base64' ? Buffer.from(value, 'base64').toString('hex') : value.toLowerCase();
    return { password_digest: hex, password_hasher: algorithm };
  }
  throw paramError('form_param_format_invalid', 'password_hasher', `The Auth0 password algorithm ${algorithm || '(none)'} cannot be imported.`);
}

export function fromAuth0(raw: unknown): unknown {
  if (!isObject(raw)) return raw; // not an object: POST's schema check names the problem
  const oid = isObject(raw._id) ? text(raw._id.$oid) : undefined;
  const email = text(raw.email);
  const phone = text(raw.phone_number);
  const body: Json = {
    external_id: text(raw.user_id) ?? (oid ? `auth0|${oid}` : undefined),
    email_address: email ? [email] : undefined,
    phone_number: phone ? [phone] : undefined,
    username: text(raw.username),
    first_name: text(raw.given_name),
    last_name: text(raw.family_name),
    public_metadata: raw.user_metadata ?? undefined,
    private_metadata: raw.app_metadata ?? undefined,
    created_at: date(raw.created_at),
    ...password(raw),
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}
