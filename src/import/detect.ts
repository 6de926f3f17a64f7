import { ImportInputError } from './input.js';
import { isAuth0PasswordRecord } from './providers/auth0.js';
import { isClerkUserId, isObject } from './providers/draft.js';

// Which export a file is, from its content (never its name): the shape (JSON lines, a JSON array,
// Firebase's {"users": [...]} document, CSV with a header row), then the keys of its first record.

export const FORMATS = ['jsonl', 'csv', 'clerk', 'auth0', 'firebase', 'supabase'] as const;
export type ImportFormat = (typeof FORMATS)[number];
export type Shape = 'lines' | 'array' | 'users-document' | 'csv';

export interface Detected {
  format: ImportFormat;
  shape: Shape;
  /** The first record is one of Auth0's password-hash export (`_id.$oid` and `passwordHash`). */
  auth0Passwords: boolean;
  /** `--format` named the format; otherwise it was read from the content. */
  given: boolean;
}

const PROVIDER_NAMES: Record<ImportFormat, string> = {
  jsonl: 'Gatehouse JSON (POST /v1/users fields)',
  csv: 'Gatehouse CSV (POST /v1/users fields)',
  clerk: 'Clerk',
  auth0: 'Auth0',
  firebase: 'Firebase',
  supabase: 'Supabase',
};
const SHAPE_NAMES: Record<Shape, string> = {
  lines: 'JSON lines',
  array: 'a JSON array',
  'users-document': 'a {"users": [...]} document',
  csv: 'CSV with a header row',
};

/** "Auth0 password-hash export (JSON lines, gzip), detected from the content". */
export function describe(detected: Detected, gzip = false): string {
  const what = detected.auth0Passwords ? 'Auth0 password-hash export' : PROVIDER_NAMES[detected.format];
  const shape = `${SHAPE_NAMES[detected.shape]}${gzip ? ', gzip' : ''}`;
  return `${what} (${shape}), ${detected.given ? 'given with --format' : 'detected from the content'}`;
}

/** Field names of our own format (POST /v1/users, plus the `gatehouse` key). */
const OWN_FIELDS = new Set([
  'external_id', 'first_name', 'last_name', 'email_address', 'phone_number', 'web3_wallet', 'username', 'password',
  'password_digest', 'password_hasher', 'skip_password_checks', 'skip_password_requirement', 'totp_secret',
  'backup_codes', 'public_metadata', 'private_metadata', 'unsafe_metadata', 'delete_self_enabled', 'legal_accepted_at',
  'skip_legal_checks', 'create_organization_enabled', 'create_organizations_limit', 'created_at', 'gatehouse',
]);

/** The provider whose export has a record with these keys, or undefined when none fits. */
export function classifyRecord(record: Record<string, unknown>): ImportFormat | undefined {
  const has = (key: string) => key in record;
  if (has('localId')) return 'firebase';
  if (has('encrypted_password') || has('raw_user_meta_data') || has('raw_app_meta_data') || has('email_confirmed_at') || (has('instance_id') && has('aud'))) {
    return 'supabase';
  }
  if (has('user_id') || (isObject(record._id) && '$oid' in record._id) || has('email_verified') || has('custom_password_hash') || has('blocked')) {
    return 'auth0';
  }
  if (has('primary_email_address') || has('verified_email_addresses') || has('userId') || record.object === 'user' || (typeof record.id === 'string' && isClerkUserId(record.id))) {
    return 'clerk';
  }
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k) => OWN_FIELDS.has(k))) return 'jsonl';
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The text of the first element of a JSON array (`[` already at `start`), or undefined if the peek cuts it. */
function firstElement(text: string, start: number): string | undefined {
  let i = text.indexOf('{', start);
  if (i < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return text.slice(i, j + 1);
    }
  }
  return undefined;
}

/** RFC 4180's first record, enough for a header row: fields split at commas outside quotes. */
function csvHeader(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field.trim()), (field = '');
    else if (c === '\n' || c === '\r') break;
    else field += c;
  }
  fields.push(field.trim());
  return fields;
}

function cannotTell(reason: string): ImportInputError {
  return new ImportInputError(`cannot tell which export this is: ${reason}. Give --format (${FORMATS.join(', ')}).`);
}

/** Reads the start of the content; `given` is the --format option, which overrides what the keys say. */
export function detectFormat(peek: string, given?: ImportFormat): Detected {
  const text = peek.trimStart();
  if (text === '') throw new ImportInputError('the file is empty');
  let shape: Shape;
  let first: Record<string, unknown> | undefined;
  if (text.startsWith('[')) {
    shape = 'array';
    const element = firstElement(text, 1);
    const parsed = element === undefined ? undefined : parse(element);
    if (isObject(parsed)) first = parsed;
  } else if (text.startsWith('{')) {
    const newline = text.indexOf('\n');
    const parsed = parse(newline < 0 ? text : text.slice(0, newline));
    if (isObject(parsed) && Array.isArray(parsed.users)) {
      shape = 'users-document';
      if (isObject(parsed.users[0])) first = parsed.users[0];
    } else if (isObject(parsed)) {
      shape = 'lines';
      first = parsed;
    } else {
      const users = /"users"\s*:\s*\[/.exec(text);
      if (!users) throw cannotTell('the file is one JSON document, but neither an array of users nor {"users": [...]}');
      shape = 'users-document';
      const element = firstElement(text, users.index + users[0].length);
      const firstUser = element === undefined ? undefined : parse(element);
      if (isObject(firstUser)) first = firstUser;
    }
  } else {
    shape = 'csv';
    const header = csvHeader(text);
    first = Object.fromEntries(header.map((h) => [h, '']));
    if (given === undefined && classifyRecord(first) === undefined && header.length >= 20) {
      throw cannotTell(
        "the first line is not a header row this reader knows; if it is Firebase's CSV export (it has none), export JSON instead: firebase auth:export users.json --format=json",
      );
    }
  }
  const format = given ?? (first ? classifyRecord(first) : undefined) ?? (shape === 'users-document' ? 'firebase' : undefined);
  if (format === undefined) {
    const keys = first ? Object.keys(first).slice(0, 8).join(', ') : 'none';
    throw cannotTell(`its first record (${SHAPE_NAMES[shape]}) has the keys ${keys}`);
  }
  // Our own CSV is "csv"; our own JSON is "jsonl" whatever its shape.
  const own = shape === 'csv' ? 'csv' : 'jsonl';
  const resolved = format === 'jsonl' || format === 'csv' ? own : format;
  return { format: resolved, shape, auth0Passwords: resolved === 'auth0' && first !== undefined && isAuth0PasswordRecord(first), given: given !== undefined };
}
