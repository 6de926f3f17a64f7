import type { Executor } from '../db/database.js';
import { defaultPasswordPolicy, type PasswordPolicy } from '../passwords/policy.js';
import { paramError } from '../http/clerk-error.js';
import { findSetting, upsertSetting } from './store.js';

/** Brute-force protection, with Clerk's names and defaults (max_attempts 10, one hour). */
export interface LockoutSettings {
  /** Failed password/TOTP verifications before the user is locked; 0 turns lockout off. */
  max_attempts: number;
  /** Seconds a lockout lasts; null locks until an admin unlocks. */
  lockout_duration: number | null;
}

/** Session lifetimes (Clerk: "maximum lifetime" 7 days; session tokens live 60 s). */
export interface SessionSettings {
  max_lifetime: number;
  token_lifetime: number;
}

/**
 * How end users sign in and sign up through the Frontend API (what Clerk's dashboard calls "User &
 * authentication"); GET /v1/environment reports it to clerk-js. Email address and password are always
 * on: they are what Gatehouse can verify and deliver. There is no SMS: phone numbers are never collected or
 * verified here, but a verified one (set through the Backend API or an import) can identify its user.
 */
export interface AuthSettings {
  /** The name clerk-js shows ("Sign in to <application_name>"). */
  application_name: string;
  /** One signed-in user per client (Clerk's default); otherwise a browser may hold several sessions. */
  single_session_mode: boolean;
  /** Whether sign-up asks for a username, and whether it must. A username is then also a sign-in identifier. */
  username: 'off' | 'optional' | 'required';
  /** Whether sign-up asks for first and last name. */
  names: 'off' | 'optional' | 'required';
  /** A verified phone number (E.164) is also a sign-in identifier, for the password or an email code. */
  phone_number_sign_in: boolean;
  /** Sign in with a code sent by email, instead of the password. */
  email_code_sign_in: boolean;
  /** `restricted`: the Frontend API creates no users (the Backend API still does). */
  sign_up_mode: 'public' | 'restricted';
  /** Sign-up requires `legal_accepted=true` (terms and privacy policy). */
  legal_consent_enabled: boolean;
  /** Second factors users may enrol in through /v1/me and use at sign-in. */
  totp: boolean;
  backup_code: boolean;
}

/** Organization defaults, with Clerk's names (its dashboard's organization settings). 0 means unlimited. */
export interface OrganizationSettings {
  /** Whether end users see organizations: the Frontend API's organization endpoints and clerk-js's components. */
  enabled: boolean;
  /** Members (and pending invitations) an organization may have unless it says otherwise. */
  max_allowed_memberships: number;
  /** Organizations a user may create when the user's own create_organizations_limit is 0 or null. */
  create_organizations_limit: number;
  /** Whether a new organization lets its admins delete it through the Frontend API. */
  admin_delete_enabled: boolean;
}

/** Instance settings a Gatehouse admin can change at run time (a Gatehouse extension of Clerk's API). */
export interface InstanceSettings {
  password_settings: PasswordPolicy;
  lockout: LockoutSettings;
  sessions: SessionSettings;
  auth: AuthSettings;
  organization_settings: OrganizationSettings;
}

export const defaultSettings: InstanceSettings = {
  password_settings: { ...defaultPasswordPolicy },
  lockout: { max_attempts: 10, lockout_duration: 3600 },
  sessions: { max_lifetime: 7 * 24 * 3600, token_lifetime: 60 },
  auth: {
    application_name: 'Gatehouse',
    single_session_mode: true,
    username: 'off',
    names: 'off',
    phone_number_sign_in: false,
    email_code_sign_in: true,
    sign_up_mode: 'public',
    legal_consent_enabled: false,
    totp: true,
    backup_code: true,
  },
  // A self-hosted instance has no plan limits: unlimited unless the admin sets one.
  organization_settings: { enabled: true, max_allowed_memberships: 0, create_organizations_limit: 0, admin_delete_enabled: true },
};

/** The settings stored in the database, over the defaults (a setting never stored keeps its default). */
export async function readSettings(db: Executor): Promise<InstanceSettings> {
  const [password, lockout, sessions, auth, organizations] = await Promise.all([
    findSetting(db, 'password_settings'),
    findSetting(db, 'lockout'),
    findSetting(db, 'sessions'),
    findSetting(db, 'auth'),
    findSetting(db, 'organization_settings'),
  ]);
  return {
    password_settings: { ...defaultSettings.password_settings, ...((password as object | undefined) ?? {}) },
    lockout: { ...defaultSettings.lockout, ...((lockout as object | undefined) ?? {}) },
    sessions: { ...defaultSettings.sessions, ...((sessions as object | undefined) ?? {}) },
    auth: { ...defaultSettings.auth, ...((auth as object | undefined) ?? {}) },
    organization_settings: { ...defaultSettings.organization_settings, ...((organizations as object | undefined) ?? {}) },
  };
}

export interface SettingsPatch {
  password_settings?: Partial<PasswordPolicy>;
  lockout?: Partial<LockoutSettings>;
  sessions?: Partial<SessionSettings>;
  auth?: Partial<AuthSettings>;
  organization_settings?: Partial<OrganizationSettings>;
}

/** Validates and stores a settings change (PATCH /v1/gatehouse/settings); returns the result. */
export async function writeSettings(db: Executor, patch: SettingsPatch): Promise<InstanceSettings> {
  const current = await readSettings(db);
  const min = patch.password_settings?.min_length ?? current.password_settings.min_length;
  const max = patch.password_settings?.max_length ?? current.password_settings.max_length;
  if (max < min) throw paramError('form_param_value_invalid', 'password_settings', 'max_length must not be less than min_length.');
  const next: InstanceSettings = {
    password_settings: { ...current.password_settings, ...patch.password_settings },
    lockout: { ...current.lockout, ...patch.lockout },
    sessions: { ...current.sessions, ...patch.sessions },
    auth: { ...current.auth, ...patch.auth },
    organization_settings: { ...current.organization_settings, ...patch.organization_settings },
  };
  if (patch.password_settings) await upsertSetting(db, 'password_settings', next.password_settings);
  if (patch.lockout) await upsertSetting(db, 'lockout', next.lockout);
  if (patch.sessions) await upsertSetting(db, 'sessions', next.sessions);
  if (patch.auth) await upsertSetting(db, 'auth', next.auth);
  if (patch.organization_settings) await upsertSetting(db, 'organization_settings', next.organization_settings);
  return next;
}

/**
 * The settings as last read by this process, for code that needs them without a query (serializing a
 * user's verification_attempts_remaining). Anything that enforces a rule reads the database instead,
 * so several processes agree.
 */
export interface SettingsCache {
  current(): InstanceSettings;
  refresh(): Promise<InstanceSettings>;
}

export async function loadSettingsCache(db: Executor): Promise<SettingsCache> {
  let cached = await readSettings(db);
  return {
    current: () => cached,
    refresh: async () => (cached = await readSettings(db)),
  };
}
