import type { Deps } from '../../deps.js';
import type { InstanceSettings } from '../../instance/settings.js';
import { PASSWORD_SPECIAL_CHARACTERS } from '../../passwords/policy.js';
import { instanceType } from '../publishable-key.js';

// GET /v1/environment: the instance's settings as clerk-js reads them (Environment, AuthConfig,
// DisplayConfig, UserSettings, OrganizationSettings in clerk-js 5). clerk-js draws <SignIn />, <SignUp />
// and <UserProfile /> from this. Do not rename the JSON fields.

interface Attribute {
  enabled: boolean;
  required: boolean;
  used_for_first_factor: boolean;
  first_factors: string[];
  used_for_second_factor: boolean;
  second_factors: string[];
  verifications: string[];
  verify_at_sign_up: boolean;
}

const OFF: Attribute = {
  enabled: false,
  required: false,
  used_for_first_factor: false,
  first_factors: [],
  used_for_second_factor: false,
  second_factors: [],
  verifications: [],
  verify_at_sign_up: false,
};

function attributes(settings: InstanceSettings): Record<string, Attribute> {
  const { auth } = settings;
  const username = auth.username !== 'off';
  const names = auth.names !== 'off';
  return {
    email_address: {
      ...OFF,
      enabled: true,
      required: true,
      used_for_first_factor: true,
      first_factors: auth.email_code_sign_in ? ['email_code'] : [],
      verifications: ['email_code'],
      verify_at_sign_up: true,
    },
    // No SMS: a phone number set through the Backend API may identify its user at sign-in, but nothing
    // here collects or verifies one (no first factor, no verification), and sign-up leaves it optional.
    phone_number: { ...OFF, enabled: auth.phone_number_sign_in, used_for_first_factor: auth.phone_number_sign_in },
    username: { ...OFF, enabled: username, required: auth.username === 'required', used_for_first_factor: username },
    web3_wallet: OFF,
    first_name: { ...OFF, enabled: names, required: auth.names === 'required' },
    last_name: { ...OFF, enabled: names, required: auth.names === 'required' },
    password: { ...OFF, enabled: true, required: true, used_for_first_factor: true },
    authenticator_app: { ...OFF, enabled: auth.totp, used_for_second_factor: auth.totp, second_factors: ['totp'], verifications: ['totp'] },
    backup_code: { ...OFF, enabled: auth.backup_code, used_for_second_factor: auth.backup_code, second_factors: ['backup_code'] },
    ticket: OFF,
    passkey: OFF,
  };
}

function userSettings(settings: InstanceSettings) {
  const { auth, lockout, password_settings } = settings;
  return {
    attributes: attributes(settings),
    sign_in: { second_factor: { required: false, enabled: auth.totp || auth.backup_code } },
    sign_up: {
      captcha_enabled: false,
      captcha_widget_type: null,
      custom_action_required: false,
      progressive: true,
      mode: auth.sign_up_mode,
      legal_consent_enabled: auth.legal_consent_enabled,
      mfa: { required: false },
    },
    restrictions: {
      allowlist: { enabled: false },
      blocklist: { enabled: false },
      block_email_subaddresses: { enabled: false },
      block_disposable_email_domains: { enabled: false },
      ignore_dots_for_gmail_addresses: { enabled: false },
    },
    username_settings: { min_length: 4, max_length: 64 },
    actions: {
      delete_self: true,
      create_organization: settings.organization_settings.enabled,
      // 0 (unlimited) reads as null, as Clerk shows "no limit".
      create_organizations_limit: settings.organization_settings.create_organizations_limit || null,
    },
    attack_protection: {
      user_lockout: {
        enabled: lockout.max_attempts > 0,
        max_attempts: lockout.max_attempts,
        duration_in_minutes: lockout.lockout_duration === null ? null : Math.ceil(lockout.lockout_duration / 60),
      },
      pii: { enabled: false },
      email_link: { require_same_client: false },
      enumeration_protection: { enabled: false },
    },
    passkey_settings: { allow_autofill: false, show_sign_in_button: false },
    password_settings: { ...password_settings, allowed_special_characters: PASSWORD_SPECIAL_CHARACTERS },
    social: {},
    saml: { enabled: false },
    enterprise_sso: { enabled: false },
  };
}

/**
 * Organizations as clerk-js reads them (OrganizationSettings), from the instance's organization_settings.
 * Domains (verified-domain enrollment, suggestions, membership requests) are not offered to end users.
 */
function organizationSettings(settings: InstanceSettings) {
  const org = settings.organization_settings;
  return {
    enabled: org.enabled,
    // 0 = unlimited, as Clerk's own settings say it.
    max_allowed_memberships: org.max_allowed_memberships,
    force_organization_selection: false,
    actions: { admin_delete: org.admin_delete_enabled },
    domains: { enabled: false, enrollment_modes: [], default_role: null },
  };
}

function displayConfig(deps: Pick<Deps, 'config' | 'instance'>, settings: InstanceSettings) {
  // Clerk's hosted Account Portal URLs have no equivalent here: an app passes signInUrl/signUpUrl and its
  // redirect URLs to clerk-js, which prefers its own options over these.
  const url = '';
  return {
    object: 'display_config' as const,
    id: `display_config_${deps.instance.id}`,
    instance_environment_type: instanceType(deps.config),
    application_name: settings.auth.application_name,
    theme: { general: { color: '#6c47ff' }, buttons: {}, accounts: {} },
    preferred_sign_in_strategy: 'password',
    logo_image_url: url,
    favicon_image_url: url,
    home_url: url,
    sign_in_url: url,
    sign_up_url: url,
    user_profile_url: url,
    waitlist_url: url,
    after_sign_in_url: url,
    after_sign_up_url: url,
    after_sign_out_one_url: url,
    after_sign_out_all_url: url,
    after_switch_session_url: url,
    after_join_waitlist_url: url,
    organization_profile_url: url,
    create_organization_url: url,
    after_leave_organization_url: url,
    after_create_organization_url: url,
    support_email: null,
    branded: false,
    clerk_js_version: '5',
    show_devmode_warning: false,
    google_one_tap_client_id: null,
    privacy_policy_url: url,
    terms_url: url,
    captcha_public_key: null,
    captcha_widget_type: null,
    captcha_public_key_invisible: null,
    captcha_provider: 'turnstile',
    captcha_oauth_bypass: [],
    captcha_heartbeat: false,
  };
}

export function serializeEnvironment(deps: Pick<Deps, 'config' | 'instance'>, settings: InstanceSettings) {
  return {
    object: 'environment' as const,
    id: deps.instance.id,
    auth_config: {
      object: 'auth_config' as const,
      id: `auth_config_${deps.instance.id}`,
      single_session_mode: settings.auth.single_session_mode,
      claimed_at: null,
      reverification: false,
      identification_strategies: settings.auth.username === 'off' ? ['email_address'] : ['email_address', 'username'],
      first_factors: ['password', 'reset_password_email_code', ...(settings.auth.email_code_sign_in ? ['email_code'] : [])],
      second_factors: [...(settings.auth.totp ? ['totp'] : []), ...(settings.auth.backup_code ? ['backup_code'] : [])],
      email_address_verification_strategies: ['email_code'],
    },
    display_config: displayConfig(deps, settings),
    user_settings: userSettings(settings),
    organization_settings: organizationSettings(settings),
    // clerk-js 5.59 reads `enabled` and `stripe_publishable_key`; later versions read `billing`.
    commerce_settings: { enabled: false, stripe_publishable_key: '', billing: { enabled: false, has_paid_user_plans: false, has_paid_org_plans: false } },
    maintenance_mode: false,
  };
}
