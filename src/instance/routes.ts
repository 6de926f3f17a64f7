import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import type { FastifyTypebox } from '../http/fastify.js';
import { errorResponses, Nullable } from '../http/schemas.js';
import { writeSettings } from './settings.js';

const PasswordSettings = Type.Object(
  {
    min_length: Type.Integer({ minimum: 8, maximum: 72 }),
    max_length: Type.Integer({ minimum: 8, maximum: 72 }),
    require_special_char: Type.Boolean(),
    require_numbers: Type.Boolean(),
    require_uppercase: Type.Boolean(),
    require_lowercase: Type.Boolean(),
    disable_hibp: Type.Boolean(),
    show_zxcvbn: Type.Boolean(),
    min_zxcvbn_strength: Type.Integer({ minimum: 0, maximum: 4 }),
    enforce_hibp_on_sign_in: Type.Boolean(),
  },
  { additionalProperties: false },
);
const LockoutSettings = Type.Object(
  {
    max_attempts: Type.Integer({ minimum: 0, maximum: 1000 }),
    lockout_duration: Nullable(Type.Integer({ minimum: 1, maximum: 10 * 365 * 24 * 3600 })),
  },
  { additionalProperties: false },
);
const SessionSettings = Type.Object(
  {
    // Seconds. Clerk's bounds for session tokens: 30 s to 10 years.
    max_lifetime: Type.Integer({ minimum: 60, maximum: 10 * 365 * 24 * 3600 }),
    token_lifetime: Type.Integer({ minimum: 30, maximum: 315_360_000 }),
  },
  { additionalProperties: false },
);
const Mode = Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')]);
const AuthSettings = Type.Object(
  {
    application_name: Type.String({ minLength: 1, maxLength: 256 }),
    single_session_mode: Type.Boolean(),
    username: Mode,
    names: Mode,
    phone_number_sign_in: Type.Boolean(),
    email_code_sign_in: Type.Boolean(),
    sign_up_mode: Type.Union([Type.Literal('public'), Type.Literal('restricted')]),
    legal_consent_enabled: Type.Boolean(),
    totp: Type.Boolean(),
    backup_code: Type.Boolean(),
  },
  { additionalProperties: false },
);
const OrganizationSettings = Type.Object(
  {
    enabled: Type.Boolean(),
    // 0 means unlimited, as in Clerk's organization settings.
    max_allowed_memberships: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    create_organizations_limit: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    admin_delete_enabled: Type.Boolean(),
  },
  { additionalProperties: false },
);
const SettingsSchema = Type.Object({
  object: Type.Literal('gatehouse_settings'),
  password_settings: PasswordSettings,
  lockout: LockoutSettings,
  sessions: SessionSettings,
  auth: AuthSettings,
  organization_settings: OrganizationSettings,
});
const SettingsBody = Type.Object(
  {
    password_settings: Type.Optional(Type.Partial(PasswordSettings)),
    lockout: Type.Optional(Type.Partial(LockoutSettings)),
    sessions: Type.Optional(Type.Partial(SessionSettings)),
    auth: Type.Optional(Type.Partial(AuthSettings)),
    organization_settings: Type.Optional(Type.Partial(OrganizationSettings)),
  },
  { additionalProperties: false },
);

/**
 * GET/PATCH /v1/gatehouse/settings: a Gatehouse extension (Clerk keeps these in its dashboard). The
 * password policy, lockout rules, session lifetimes and how end users sign in and sign up through the
 * Frontend API (`auth`), changeable at run time.
 */
export async function instanceRoutes(app: FastifyTypebox, deps: Deps) {
  app.get('/gatehouse/settings', {
    schema: { response: { 200: SettingsSchema, ...errorResponses } },
    handler: async () => ({ object: 'gatehouse_settings' as const, ...(await deps.settings.refresh()) }),
  });

  app.patch('/gatehouse/settings', {
    schema: { body: SettingsBody, response: { 200: SettingsSchema, ...errorResponses } },
    handler: async (request) => {
      await writeSettings(deps.db, request.body);
      return { object: 'gatehouse_settings' as const, ...(await deps.settings.refresh()) };
    },
  });
}
