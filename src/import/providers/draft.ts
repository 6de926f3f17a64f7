import { idPattern } from '../../lib/ids.js';

// What a provider's record says about one user, before it becomes a line of our own import format: the
// fields of POST /v1/users plus the `gatehouse` key (users/gatehouse-extension.ts) for the state POST
// cannot set. Every provider module fills a UserDraft; toImportBody() turns it into that line, so the
// rules "unverified stays unverified, blocked stays out, dates are kept" are written once.

export interface DraftIdentifier {
  value: string;
  verified: boolean;
  /** A phone enrolled as a second factor at the source (Firebase mfaInfo): reserved for it here too. */
  secondFactor?: boolean;
}

export interface UserDraft {
  /** A Clerk user id (`user_…`), kept as the Gatehouse id so that ids an app stored keep working. */
  id?: string | undefined;
  external_id?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  username?: string | undefined;
  /** Primary first. */
  emails: DraftIdentifier[];
  phones: DraftIdentifier[];
  /** No hasher: the row is rejected as POST rejects a digest without one. */
  password?: { digest: string; hasher: string | undefined } | undefined;
  totp_secret?: string | undefined;
  backup_codes?: string[] | undefined;
  public_metadata?: unknown;
  private_metadata?: unknown;
  unsafe_metadata?: unknown;
  /** RFC 3339. */
  created_at?: string | undefined;
  updated_at?: string | undefined;
  last_sign_in_at?: string | undefined;
  last_active_at?: string | undefined;
  /** Blocked, disabled, banned until later: could not sign in at the source, so cannot here. */
  banned?: boolean | undefined;
  /** Other fields of POST /v1/users the source names the same way (Clerk's own exports). */
  extra?: Record<string, unknown> | undefined;
  /** Signs in only through a social connection: no password, counted in the summary. */
  socialOnly?: boolean | undefined;
  /** Source fields present in the record and not carried (counted in the summary, never silently). */
  dropped: string[];
}

export const newDraft = (): UserDraft => ({ emails: [], phones: [], dropped: [] });

type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty string, trimmed; anything else is "not given". */
export function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const CLERK_USER_ID = new RegExp(idPattern('user'));
export const isClerkUserId = (v: string | undefined): v is string => v !== undefined && CLERK_USER_ID.test(v);

/** Unix milliseconds (a number, or digits in a string: Firebase) → RFC 3339. */
export function fromMillis(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : undefined;
}

/**
 * A date as providers write it → RFC 3339: ISO strings as they are, PostgreSQL's text form
 * (`2024-06-29 20:25:06.126079+00`, Supabase), MongoDB's `{"$date": …}` (Auth0's password export).
 * Anything else is passed on as it is, so POST's check rejects the row naming the field.
 */
export function fromDate(v: unknown): string | undefined {
  if (isObject(v)) v = v.$date;
  if (isObject(v)) v = v.$numberLong; // {"$date": {"$numberLong": "1600000000000"}}
  if (typeof v === 'number') return fromMillis(v);
  const t = text(v);
  if (t === undefined) return undefined;
  const pg = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(t);
  if (!pg) return /^\d+$/.test(t) ? fromMillis(t) : t;
  const zone = pg[3] === undefined ? 'Z' : pg[3].toUpperCase() === 'Z' ? 'Z' : normaliseOffset(pg[3]);
  return `${pg[1]}T${pg[2]}${zone}`;
}

const normaliseOffset = (offset: string) => (offset.length === 3 ? `${offset}:00` : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`);

/** A metadata object given as JSON text (Firebase customAttributes, CSV cells) → the object. */
export function jsonObject(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (v.trim() === '') return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v; // POST's schema check rejects it, naming the field
  }
}

/** `a@x.com|b@x.com`, `a@x.com,b@x.com`, a JSON array, or an array: the values, trimmed, blanks dropped. */
export function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' && x.trim() !== '' ? [x.trim()] : []));
  if (typeof v !== 'string') return [];
  const t = v.trim();
  if (t.startsWith('[')) {
    const parsed = jsonObject(t);
    if (Array.isArray(parsed)) return list(parsed);
  }
  return t.split(/[|,]/).map((x) => x.trim()).filter((x) => x !== '');
}

/** Adds an identifier unless the list already has it (compared as the unique index does); a verified copy wins. */
export function addIdentifier(list: DraftIdentifier[], value: string | undefined, verified: boolean, caseless: boolean): void {
  if (value === undefined) return;
  const same = (v: string) => (caseless ? v.toLowerCase() === value.toLowerCase() : v === value);
  const existing = list.find((i) => same(i.value));
  if (existing) existing.verified ||= verified;
  else list.push({ value, verified });
}

/** Records the keys of `record` that the mapping did not read. */
export function dropUnread(draft: UserDraft, record: Json, read: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(record)) {
    if (read.has(key) || value === null || value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0) continue;
    draft.dropped.push(key);
  }
}

/** A record that is not of the format being read (as opposed to a user that breaks a rule of POST). */
export class RecordMismatch extends Error {
  override name = 'RecordMismatch';
}

/** `why` completes "this record does not fit the format …: ". */
export function formatMismatch(why: string): RecordMismatch {
  return new RecordMismatch(why);
}

/**
 * The line of our own import format: POST /v1/users fields, and a `gatehouse` key only where the state
 * differs from what POST makes (an id, a ban, an unverified or second-factor identifier, times).
 */
export function toImportBody(draft: UserDraft): Record<string, unknown> {
  const body: Record<string, unknown> = { ...draft.extra };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  set('external_id', draft.external_id);
  set('first_name', draft.first_name);
  set('last_name', draft.last_name);
  set('username', draft.username);
  if (draft.emails.length > 0) body.email_address = draft.emails.map((e) => e.value);
  if (draft.phones.length > 0) body.phone_number = draft.phones.map((p) => p.value);
  if (draft.password) {
    body.password_digest = draft.password.digest;
    if (draft.password.hasher !== undefined) body.password_hasher = draft.password.hasher;
  } else if (draft.socialOnly) body.skip_password_requirement = true;
  set('totp_secret', draft.totp_secret);
  if (draft.backup_codes?.length) body.backup_codes = draft.backup_codes;
  set('public_metadata', draft.public_metadata);
  set('private_metadata', draft.private_metadata);
  set('unsafe_metadata', draft.unsafe_metadata);
  set('created_at', draft.created_at);

  const gatehouse: Record<string, unknown> = {};
  if (draft.id !== undefined) gatehouse.id = draft.id;
  if (draft.updated_at !== undefined) gatehouse.updated_at = draft.updated_at;
  if (draft.banned) gatehouse.banned = true;
  if (draft.last_sign_in_at !== undefined) gatehouse.last_sign_in_at = draft.last_sign_in_at;
  if (draft.last_active_at !== undefined) gatehouse.last_active_at = draft.last_active_at;
  if (draft.emails.some((e) => !e.verified)) gatehouse.email_addresses = draft.emails.map((e) => (e.verified ? {} : { verified: false }));
  let defaultSecondFactor = false;
  if (draft.phones.some((p) => !p.verified || p.secondFactor)) {
    gatehouse.phone_numbers = draft.phones.map((p) => {
      if (!p.verified) return { verified: false };
      if (!p.secondFactor) return {};
      const entry = { reserved_for_second_factor: true, ...(defaultSecondFactor ? {} : { default_second_factor: true }) };
      defaultSecondFactor = true;
      return entry;
    });
  }
  if (Object.keys(gatehouse).length > 0) body.gatehouse = gatehouse;
  return body;
}
