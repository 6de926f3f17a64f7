import { serializeEmailAddress, serializePhoneNumber, serializeWeb3Wallet } from '../identifications/serialize.js';
import type { Deps } from '../deps.js';
import { imageFields, initialsOf } from '../images/urls.js';
import type { FullUserRow } from './store.js';

export interface UserViewContext {
  instanceId: string;
  /** Where uploaded profile images are served (GATEHOUSE_PUBLIC_URL). */
  publicUrl: string;
  nowMs: number;
  /** Failed verifications allowed before a lockout; null when lockout is off. */
  maxAttempts: number | null;
}

/** The view of users as of now: the instance, the clock, and this process's lockout rule. */
export function userViewContext(deps: Pick<Deps, 'instance' | 'clock' | 'settings' | 'config'>): UserViewContext {
  const { max_attempts } = deps.settings.current().lockout;
  return {
    instanceId: deps.instance.id,
    publicUrl: deps.config.publicUrl,
    nowMs: deps.clock.now(),
    maxAttempts: max_attempts > 0 ? max_attempts : null,
  };
}

/** The uploaded profile image (served by Gatehouse), or Clerk's default avatar with the user's initials. */
function images(row: FullUserRow, ctx: UserViewContext) {
  const image = imageFields(ctx, row.id, row.profile_image_id, initialsOf(row.first_name, row.last_name));
  // profile_image_url (deprecated): the image itself, or Clerk's gravatar placeholder without one.
  return { ...image, profile_image_url: image.has_image ? image.image_url : 'https://www.gravatar.com/avatar?d=mp' };
}

function lockState(row: FullUserRow, nowMs: number) {
  const locked = row.locked_at !== null && (row.lockout_expires_at === null || row.lockout_expires_at > nowMs);
  const expiresIn = locked && row.lockout_expires_at !== null ? Math.ceil((row.lockout_expires_at - nowMs) / 1000) : null;
  return { locked, lockout_expires_in_seconds: expiresIn };
}

/** After a lockout expires the count starts afresh (lockout/store.ts), so every attempt is available again. */
function attemptsRemaining(row: FullUserRow, ctx: UserViewContext): number | null {
  if (ctx.maxAttempts === null) return null;
  const lockoutOver = row.locked_at !== null && row.lockout_expires_at !== null && row.lockout_expires_at <= ctx.nowMs;
  return lockoutOver ? ctx.maxAttempts : Math.max(0, ctx.maxAttempts - row.failed_verification_attempts);
}

/**
 * A user row → Clerk's User JSON. Secrets (password digest, TOTP secret, backup codes) never appear:
 * only the booleans derived from them. Do not rename the JSON fields.
 */
export function serializeUser(row: FullUserRow, ctx: UserViewContext) {
  const totpEnabled = row.totp_secret !== null;
  const backupCodeEnabled = (row.backup_codes?.length ?? 0) > 0;
  const secondFactorPhone = row.phone_numbers.some((p) => p.reserved_for_second_factor);
  const { image_url, has_image, profile_image_url } = images(row, ctx);
  return {
    id: row.id,
    object: 'user' as const,
    username: row.username,
    first_name: row.first_name,
    last_name: row.last_name,
    image_url,
    has_image,
    primary_email_address_id: row.primary_email_address_id,
    primary_phone_number_id: row.primary_phone_number_id,
    primary_web3_wallet_id: row.primary_web3_wallet_id,
    password_enabled: row.password_digest !== null,
    two_factor_enabled: totpEnabled || backupCodeEnabled || secondFactorPhone,
    totp_enabled: totpEnabled,
    backup_code_enabled: backupCodeEnabled,
    email_addresses: row.email_addresses.map(serializeEmailAddress),
    phone_numbers: row.phone_numbers.map(serializePhoneNumber),
    web3_wallets: row.web3_wallets.map(serializeWeb3Wallet),
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    public_metadata: row.public_metadata,
    private_metadata: row.private_metadata,
    unsafe_metadata: row.unsafe_metadata,
    external_id: row.external_id,
    last_sign_in_at: row.last_sign_in_at,
    banned: row.banned,
    ...lockState(row, ctx.nowMs),
    verification_attempts_remaining: attemptsRemaining(row, ctx),
    created_at: row.created_at,
    updated_at: row.updated_at,
    delete_self_enabled: row.delete_self_enabled,
    create_organization_enabled: row.create_organization_enabled,
    create_organizations_limit: row.create_organizations_limit,
    last_active_at: row.last_active_at,
    mfa_enabled_at: row.mfa_enabled_at,
    mfa_disabled_at: row.mfa_disabled_at,
    legal_accepted_at: row.legal_accepted_at,
    profile_image_url,
  };
}

export type UserJson = ReturnType<typeof serializeUser>;
