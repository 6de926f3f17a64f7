import { Type, type Static } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import type { UserPatch } from '../../db/schema.js';
import { clerkErrorEntry, type ClerkErrorEntry } from '../../http/clerk-error.js';
import { Nullable, Rfc3339 } from '../../http/schemas.js';
import { validationError } from '../../http/validation.js';
import { compileBodyValidator } from '../../http/validator.js';
import { idPattern } from '../../lib/ids.js';
import type { NewIdentificationRecord, NewUserRecord } from './store.js';
import type { PreparedUser } from '../service.js';
import { throwIfAny, timestampField } from '../validate.js';

// The `gatehouse` key of an exported line: what POST /v1/users cannot express, so that an export imports
// back with nothing lost (ids, states, timestamps; src/import/README.md). Every key is optional: absent
// means what POST /v1/users would have made (a new id, now, verified, not banned…), so the exporter
// writes only what differs from that. Times are RFC 3339, like `created_at` on the same line.
// Do not rename the keys: they are a file format, and old exports must keep importing.

const UserId = Type.String({ pattern: idPattern('user'), maxLength: 64 });
const IdentificationId = Type.String({ pattern: idPattern('idn'), maxLength: 64 });
const Time = Rfc3339;
const NullableTime = Type.Optional(Nullable(Rfc3339));
/** As POST /v1/users caps each identifier list. */
const MAX_IDENTIFICATIONS = 100;

const identification = {
  id: Type.Optional(IdentificationId),
  created_at: Type.Optional(Time),
  updated_at: Type.Optional(Time),
  verified: Type.Optional(Type.Boolean()),
};
const Identification = Type.Object(identification, { additionalProperties: false });
const PhoneIdentification = Type.Object(
  { ...identification, reserved_for_second_factor: Type.Optional(Type.Boolean()), default_second_factor: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const GatehouseExtensionSchema = Type.Object(
  {
    id: Type.Optional(UserId),
    updated_at: Type.Optional(Time),
    banned: Type.Optional(Type.Boolean()),
    locked_at: NullableTime,
    lockout_expires_at: NullableTime,
    // An int4 column.
    failed_verification_attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    last_sign_in_at: NullableTime,
    last_active_at: NullableTime,
    mfa_enabled_at: NullableTime,
    mfa_disabled_at: NullableTime,
    /** A TOTP time step (not a time): codes from it or earlier are replays. */
    totp_last_used_step: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))),
    /** Absent: the first of the line's list, as POST makes it. null: none. */
    primary_email_address_id: Type.Optional(Nullable(IdentificationId)),
    primary_phone_number_id: Type.Optional(Nullable(IdentificationId)),
    primary_web3_wallet_id: Type.Optional(Nullable(IdentificationId)),
    /** One entry per value of `email_address` (`phone_number`, `web3_wallet`), in the same order. */
    email_addresses: Type.Optional(Type.Array(Identification, { maxItems: MAX_IDENTIFICATIONS })),
    phone_numbers: Type.Optional(Type.Array(PhoneIdentification, { maxItems: MAX_IDENTIFICATIONS })),
    web3_wallets: Type.Optional(Type.Array(Identification, { maxItems: MAX_IDENTIFICATIONS })),
  },
  { additionalProperties: false },
);
export type GatehouseExtension = Static<typeof GatehouseExtensionSchema>;
export type ImportedIdentification = Static<typeof PhoneIdentification>;

/** The three identification lists: the line's values, their `gatehouse` list, the user's primary and sort columns. */
export const IDENTIFICATION_LISTS = [
  { values: 'email_address', list: 'email_addresses', primary: 'primary_email_address_id', sort: 'primary_email_address_sort' },
  { values: 'phone_number', list: 'phone_numbers', primary: 'primary_phone_number_id', sort: 'primary_phone_number_sort' },
  { values: 'web3_wallet', list: 'web3_wallets', primary: 'primary_web3_wallet_id', sort: 'primary_web3_wallet_sort' },
] as const;
type ListName = (typeof IDENTIFICATION_LISTS)[number]['list'];
type PrimaryColumn = (typeof IDENTIFICATION_LISTS)[number]['primary'];

const TIMES = ['updated_at', 'locked_at', 'lockout_expires_at', 'last_sign_in_at', 'last_active_at', 'mfa_enabled_at', 'mfa_disabled_at'] as const;
const SCALARS = ['banned', 'failed_verification_attempts', 'totp_last_used_step'] as const;

type ImportedUserColumns = 'id' | (typeof TIMES)[number] | (typeof SCALARS)[number];

/** A valid `gatehouse` object as the rows take it: only the keys the line gave, times in ms. */
export interface ImportedState {
  user: Partial<Pick<NewUserRecord, ImportedUserColumns>>;
  identifications: Partial<Record<ListName, Partial<NewIdentificationRecord>[]>>;
  primaries: Partial<Record<PrimaryColumn, string | null>>;
  /** Every id the line gives, and the parameter that names it: they must be new to the file and the database. */
  ids: { kind: 'user_id' | 'identification_id'; value: string; param: string }[];
}

const checkExtension = compileBodyValidator<GatehouseExtension>(GatehouseExtensionSchema);

/** `/phone_numbers/0/verified` → `gatehouse.phone_numbers[0].verified`. */
function paramName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : `${name}.${part}`), 'gatehouse');
}

/**
 * Ajv's error inside `gatehouse`, reshaped so that the HTTP layer's mapping (http/validation.ts), which
 * names the top-level parameter, names the whole path instead: the same codes and messages as POST.
 */
function flatten(error: ErrorObject): ErrorObject {
  const path = paramName(error.instancePath);
  const params: Record<string, unknown> = { ...error.params };
  if (error.keyword === 'required') params.missingProperty = `${path}.${String(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') params.additionalProperty = `${path}.${String(params.additionalProperty)}`;
  return { ...error, instancePath: `/${path}`, params };
}

const invalid = (param: string, long_message: string) => clerkErrorEntry('form_param_value_invalid', { meta: { param_name: param }, long_message });

/** The identifications of one list, checked against the line's values (`body[values]`). */
function readIdentifications(
  items: ImportedIdentification[],
  param: string,
  valueCount: number,
  state: ImportedState,
  errors: ClerkErrorEntry[],
): Partial<NewIdentificationRecord>[] | undefined {
  if (items.length !== valueCount) {
    errors.push(invalid(param, `${param} must have one entry per value of the line's list, in the same order: it has ${items.length} for ${valueCount}.`));
    return undefined;
  }
  let defaults = 0;
  return items.map((item, i) => {
    const at = `${param}[${i}]`;
    const record: Partial<NewIdentificationRecord> = {};
    if (item.id !== undefined) {
      if (state.ids.some((id) => id.value === item.id)) errors.push(invalid(`${at}.id`, `${at}.id is given twice in this user.`));
      state.ids.push({ kind: 'identification_id', value: item.id, param: `${at}.id` });
      record.id = item.id;
    }
    for (const field of ['created_at', 'updated_at'] as const) {
      const ms = timestampField(item[field], `${at}.${field}`, errors);
      if (ms != null) record[field] = ms;
    }
    for (const field of ['verified', 'reserved_for_second_factor', 'default_second_factor'] as const) {
      if (item[field] !== undefined) record[field] = item[field];
    }
    // The rules of PATCH /v1/phone_numbers: a second factor is verified, and the default is one of them, once.
    if (item.reserved_for_second_factor === true && item.verified === false) {
      errors.push(clerkErrorEntry('form_verification_needed', { meta: { param_name: `${at}.reserved_for_second_factor` } }));
    }
    if (item.default_second_factor === true) {
      defaults += 1;
      if (item.reserved_for_second_factor !== true || defaults > 1) {
        errors.push(invalid(`${at}.default_second_factor`, `${at}.default_second_factor needs reserved_for_second_factor, and one phone number at most has it.`));
      }
    }
    return record;
  });
}

/**
 * Checks a line's `gatehouse` object (its own schema, then the rules that tie it to the rest of the
 * line: one entry per identifier, primaries among them, ids given once) and returns what it sets.
 * Throws the ClerkError of every problem, each naming its parameter (`gatehouse.banned`…).
 */
export function readGatehouseExtension(value: unknown, body: Record<string, unknown>): ImportedState {
  if (!checkExtension(value)) throw validationError((checkExtension.errors ?? []).map(flatten), 'body');
  const errors: ClerkErrorEntry[] = [];
  const state: ImportedState = { user: {}, identifications: {}, primaries: {}, ids: [] };
  if (value.id !== undefined) {
    state.user.id = value.id;
    state.ids.push({ kind: 'user_id', value: value.id, param: 'gatehouse.id' });
  }
  for (const field of TIMES) {
    const ms = timestampField(value[field], `gatehouse.${field}`, errors);
    if (ms !== undefined) state.user[field] = ms as number;
  }
  for (const field of SCALARS) if (value[field] !== undefined) (state.user as Record<string, unknown>)[field] = value[field];
  for (const kind of IDENTIFICATION_LISTS) {
    const items = value[kind.list];
    const values = body[kind.values];
    if (items !== undefined) {
      const records = readIdentifications(items, `gatehouse.${kind.list}`, Array.isArray(values) ? values.length : 0, state, errors);
      if (records) state.identifications[kind.list] = records;
    }
    const primary = value[kind.primary];
    if (primary === undefined) continue;
    // As PATCH /v1/users answers a primary_email_address_id that is not the user's.
    if (primary !== null && !items?.some((item) => item.id === primary)) {
      errors.push(clerkErrorEntry('form_resource_not_found', { meta: { param_name: `gatehouse.${kind.primary}` } }));
    }
    state.primaries[kind.primary] = primary;
  }
  throwIfAny(errors);
  return state;
}

/** Sort keys of the primaries, as prepareNewUser sets them (migration 0005): lower(email), phone, lower(wallet). */
const sortKey = (list: ListName, value: string) => (list === 'phone_numbers' ? value : value.toLowerCase());

/** The user POST would have made (prepareNewUser), with what the `gatehouse` object sets. */
export function applyGatehouseExtension(prepared: PreparedUser, state: ImportedState): PreparedUser {
  Object.assign(prepared.user, state.user);
  for (const kind of IDENTIFICATION_LISTS) {
    const records = prepared[kind.list];
    state.identifications[kind.list]?.forEach((item, i) => Object.assign(records[i]!, item));
    const primaryId = kind.primary in state.primaries ? state.primaries[kind.primary] : records[0]?.id;
    const primary = records.find((r) => r.id === primaryId);
    prepared.user[kind.primary] = primary?.id ?? null;
    prepared.user[kind.sort] = primary ? sortKey(kind.list, primary.value) : null;
  }
  return prepared;
}

/**
 * --on-conflict update: the user's own state from `gatehouse`, the keys the line gives (like the other
 * fields: what a line leaves out stays as it is). Ids, identifications and primaries do not change,
 * as PATCH /v1/users does not change identifiers.
 */
export function importedUserPatch(state: ImportedState): UserPatch {
  const { id: _id, ...patch } = state.user;
  return patch;
}
