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

/** Organization defaults, with Clerk's names (its dashboard's organization settings). 0 means unlimited. */
export interface OrganizationSettings {
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
  organization_settings: OrganizationSettings;
}

export const defaultSettings: InstanceSettings = {
  password_settings: { ...defaultPasswordPolicy },
  lockout: { max_attempts: 10, lockout_duration: 3600 },
  sessions: { max_lifetime: 7 * 24 * 3600, token_lifetime: 60 },
  // A self-hosted instance has no plan limits: unlimited unless the admin sets one.
  organization_settings: { max_allowed_memberships: 0, create_organizations_limit: 0, admin_delete_enabled: true },
};

/** The settings stored in the database, over the defaults (a setting never stored keeps its default). */
export async function readSettings(db: Executor): Promise<InstanceSettings> {
  const [password, lockout, sessions, organizations] = await Promise.all([
    findSetting(db, 'password_settings'),
    findSetting(db, 'lockout'),
    findSetting(db, 'sessions'),
    findSetting(db, 'organization_settings'),
  ]);
  return {
    password_settings: { ...defaultSettings.password_settings, ...((password as object | undefined) ?? {}) },
    lockout: { ...defaultSettings.lockout, ...((lockout as object | undefined) ?? {}) },
    sessions: { ...defaultSettings.sessions, ...((sessions as object | undefined) ?? {}) },
    organization_settings: { ...defaultSettings.organization_settings, ...((organizations as object | undefined) ?? {}) },
  };
}

export interface SettingsPatch {
  password_settings?: Partial<PasswordPolicy>;
  lockout?: Partial<LockoutSettings>;
  sessions?: Partial<SessionSettings>;
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
    organization_settings: { ...current.organization_settings, ...patch.organization_settings },
  };
  if (patch.password_settings) await upsertSetting(db, 'password_settings', next.password_settings);
  if (patch.lockout) await upsertSetting(db, 'lockout', next.lockout);
  if (patch.sessions) await upsertSetting(db, 'sessions', next.sessions);
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
