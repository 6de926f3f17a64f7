import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPasswordPolicy, PASSWORD_SPECIAL_CHARACTERS } from '../../src/passwords/policy.js';
import { call } from '../helper.js';
import { Browser, buildFrontendTestApp } from './support.js';

// GET /v1/environment: the instance's settings, as clerk-js draws <SignIn />, <SignUp /> and <UserProfile />
// from them. It follows PATCH /v1/gatehouse/settings at once.

test('GET /v1/environment reflects the instance settings', async (t) => {
  const ctx = await buildFrontendTestApp(t);
  const environment = async () => {
    const res = await new Browser(ctx).request('GET', '/v1/environment');
    assert.equal(res.status, 200);
    return res.body;
  };

  await t.test('the defaults: email + password, email codes, TOTP and backup codes, public sign-up, single session', async () => {
    const env = await environment();
    assert.equal(env.object, 'environment');
    assert.equal(env.id, ctx.deps.instance.id);
    assert.equal(env.maintenance_mode, false);
    assert.equal(env.auth_config.single_session_mode, true);
    assert.equal(env.display_config.instance_environment_type, 'production');
    assert.equal(env.display_config.application_name, 'Gatehouse');
    assert.equal(env.display_config.preferred_sign_in_strategy, 'password');
    assert.equal(env.display_config.captcha_public_key, null, 'no captcha: clerk-js loads nothing from a third party');
    const attributes = env.user_settings.attributes;
    assert.deepEqual(Object.keys(attributes).sort(), [
      'authenticator_app',
      'backup_code',
      'email_address',
      'first_name',
      'last_name',
      'passkey',
      'password',
      'phone_number',
      'ticket',
      'username',
      'web3_wallet',
    ]);
    assert.deepEqual(attributes.email_address, {
      enabled: true,
      required: true,
      used_for_first_factor: true,
      first_factors: ['email_code'],
      used_for_second_factor: false,
      second_factors: [],
      verifications: ['email_code'],
      verify_at_sign_up: true,
    });
    assert.equal(attributes.password.required, true);
    assert.equal(attributes.authenticator_app.used_for_second_factor, true);
    assert.deepEqual(attributes.backup_code.second_factors, ['backup_code']);
    for (const off of ['phone_number', 'username', 'web3_wallet', 'first_name', 'last_name', 'passkey']) assert.equal(attributes[off].enabled, false, off);
    assert.equal(env.user_settings.sign_up.mode, 'public');
    assert.equal(env.user_settings.sign_up.captcha_enabled, false);
    assert.equal(env.user_settings.sign_up.legal_consent_enabled, false);
    assert.deepEqual(env.user_settings.actions, { delete_self: true, create_organization: true, create_organizations_limit: null });
    assert.equal(env.organization_settings.enabled, true);
    assert.equal(env.organization_settings.max_allowed_memberships, 0);
    assert.deepEqual(env.organization_settings.actions, { admin_delete: true });
    assert.equal(env.organization_settings.domains.enabled, false);
    assert.deepEqual(env.user_settings.attack_protection.user_lockout, { enabled: true, max_attempts: 10, duration_in_minutes: 60 });
    assert.deepEqual(env.user_settings.password_settings, { ...defaultPasswordPolicy, allowed_special_characters: PASSWORD_SPECIAL_CHARACTERS });
    assert.deepEqual(env.commerce_settings.enabled, false);
  });

  await t.test('after PATCH /v1/gatehouse/settings: the password policy, lockout, identifiers, names, legal consent, MFA, sign-up mode', async () => {
    const patched = await call(ctx, 'PATCH', '/v1/gatehouse/settings', {
      password_settings: { min_length: 12, require_numbers: true },
      lockout: { max_attempts: 0 },
      auth: {
        application_name: 'Acme',
        username: 'required',
        names: 'optional',
        legal_consent_enabled: true,
        email_code_sign_in: false,
        totp: false,
        sign_up_mode: 'restricted',
        single_session_mode: false,
      },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const env = await environment();
    assert.equal(env.user_settings.password_settings.min_length, 12);
    assert.equal(env.user_settings.password_settings.require_numbers, true);
    assert.equal(env.user_settings.attack_protection.user_lockout.enabled, false);
    assert.equal(env.display_config.application_name, 'Acme');
    assert.deepEqual([env.user_settings.attributes.username.enabled, env.user_settings.attributes.username.required], [true, true]);
    assert.equal(env.user_settings.attributes.username.used_for_first_factor, true);
    assert.deepEqual([env.user_settings.attributes.first_name.enabled, env.user_settings.attributes.first_name.required], [true, false]);
    assert.equal(env.user_settings.sign_up.legal_consent_enabled, true);
    assert.deepEqual(env.user_settings.attributes.email_address.first_factors, []);
    assert.equal(env.user_settings.attributes.authenticator_app.enabled, false);
    assert.equal(env.user_settings.sign_up.mode, 'restricted');
    assert.equal(env.auth_config.single_session_mode, false);
    assert.deepEqual(env.auth_config.identification_strategies, ['email_address', 'username']);
    const bad = await call(ctx, 'PATCH', '/v1/gatehouse/settings', { auth: { username: 'sometimes' } });
    assert.equal(bad.status, 422);
  });

  await t.test('organization_settings: enabled, limits and admin delete as the instance has them', async () => {
    const patched = await call(ctx, 'PATCH', '/v1/gatehouse/settings', {
      organization_settings: { max_allowed_memberships: 7, create_organizations_limit: 2, admin_delete_enabled: false },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    let env = await environment();
    assert.equal(env.organization_settings.max_allowed_memberships, 7);
    assert.deepEqual(env.organization_settings.actions, { admin_delete: false });
    assert.equal(env.user_settings.actions.create_organizations_limit, 2);
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', { organization_settings: { enabled: false } });
    env = await environment();
    assert.equal(env.organization_settings.enabled, false);
    assert.equal(env.user_settings.actions.create_organization, false);
    await call(ctx, 'PATCH', '/v1/gatehouse/settings', {
      organization_settings: { enabled: true, max_allowed_memberships: 0, create_organizations_limit: 0, admin_delete_enabled: true },
    });
  });

  await t.test('PATCH /v1/environment (clerk-js\'s development "touch") answers the same', async () => {
    const res = await new Browser(ctx).request('PATCH', '/v1/environment');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, await environment());
  });
});
