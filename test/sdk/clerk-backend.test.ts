import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClerkClient, type User } from '@clerk/backend';
import { SECRET_KEY, buildTestApp, uniqueEmail } from '../helper.js';
import { apiError } from './support.js';

// End-to-end compatibility with Clerk's official SDK (@clerk/backend 3.25): the real server on a port,
// driven only through createClerkClient. Of how the SDK encodes requests and decodes responses,
// the decisive point is that it parses a body only when Content-Type is
// exactly application/json, and turns each object into a class instance by its `object` field.

const PASSWORD = 'Kettle-Orbit-Lantern-42';

function uniquePhone(): string {
  return `+1415555${String(randomInt(0, 10_000)).padStart(4, '0')}`;
}

/** The SDK built a resource class (User, EmailAddress…), not a raw JSON object or string. */
function assertResource(value: unknown, className: string) {
  assert.equal(typeof value, 'object', `expected a ${className}, got ${typeof value}: ${String(value).slice(0, 80)}`);
  const ctor = (value as object).constructor as { name: string; fromJSON?: unknown };
  assert.match(ctor.name, new RegExp(`^_?${className}$`), `expected a ${className}, got ${ctor.name}`);
  assert.equal(typeof ctor.fromJSON, 'function');
}


test('@clerk/backend 3.25 against a running Gatehouse', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}`;
  const clerk = createClerkClient({ secretKey: SECRET_KEY, apiUrl, telemetry: { disabled: true } });

  // updateUser({ publicMetadata }) logs a deprecation warning through console.warn; keep the output clean.
  const warn = console.warn;
  console.warn = () => {};
  t.after(() => {
    console.warn = warn;
  });

  const tag = randomBytes(3).toString('hex');
  const primaryEmail = uniqueEmail('sdk');
  const secondEmail = uniqueEmail('sdk2');
  const phone = uniquePhone();
  const createdAt = new Date('2021-06-15T10:20:30.000Z');
  let user!: User;

  await t.test('users.createUser → a User with every field filled', async () => {
    user = await clerk.users.createUser({
      emailAddress: [primaryEmail, secondEmail],
      phoneNumber: [phone],
      username: `sdk_user_${tag}`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      externalId: `ext_${tag}`,
      password: PASSWORD,
      publicMetadata: { camelKey: { innerCamel: 1 }, plan: 'pro', list: [{ deepKey: true }] },
      privateMetadata: { stripeCustomerId: 'cus_123' },
      unsafeMetadata: { themePref: 'dark' },
      createdAt,
    });
    assertResource(user, 'User');
    assert.match(user.id, /^user_[0-9A-Za-z]{27}$/);
    assert.equal(user.firstName, 'Ada');
    assert.equal(user.lastName, 'Lovelace');
    assert.equal(user.fullName, 'Ada Lovelace');
    assert.equal(user.username, `sdk_user_${tag}`);
    assert.equal(user.externalId, `ext_${tag}`);
    assert.equal(user.passwordEnabled, true);
    assert.equal(user.twoFactorEnabled, false);
    assert.equal(user.banned, false);
    assert.equal(user.locked, false);
    assert.equal(user.createdAt, createdAt.getTime(), 'createdAt sent as an ISO string is stored as ms');
    assert.equal(typeof user.updatedAt, 'number');
    assert.equal(user.emailAddresses.length, 2);
    assertResource(user.emailAddresses[0], 'EmailAddress');
    assert.deepEqual(new Set(user.emailAddresses.map((e) => e.emailAddress)), new Set([primaryEmail, secondEmail]));
    assert.equal(user.primaryEmailAddress?.emailAddress, primaryEmail, 'the first email given is primary');
    assert.equal(user.primaryEmailAddress?.verification?.status, 'verified');
    assert.equal(user.primaryEmailAddress?.verification?.strategy, 'admin');
    assert.equal(user.phoneNumbers.length, 1);
    assertResource(user.phoneNumbers[0], 'PhoneNumber');
    assert.equal(user.primaryPhoneNumber?.phoneNumber, phone);
    // Metadata keys are sent verbatim by the SDK and must come back verbatim.
    assert.deepEqual(user.publicMetadata, { camelKey: { innerCamel: 1 }, plan: 'pro', list: [{ deepKey: true }] });
    assert.equal((user.publicMetadata.camelKey as { innerCamel: number }).innerCamel, 1);
    assert.deepEqual(user.privateMetadata, { stripeCustomerId: 'cus_123' });
    assert.deepEqual(user.unsafeMetadata, { themePref: 'dark' });
    assert.equal(user.raw?.object, 'user');
  });

  await t.test('users.createUser with skipPasswordChecks accepts a breached password', async () => {
    const weak = await clerk.users.createUser({ emailAddress: [uniqueEmail('weak')], password: 'password', skipPasswordChecks: true });
    assertResource(weak, 'User');
    assert.equal(weak.passwordEnabled, true);
    assert.deepEqual(await clerk.users.verifyPassword({ userId: weak.id, password: 'password' }), { verified: true });
  });

  await t.test('users.createUser with a breached password and no skip → 422 form_password_pwned', async () => {
    const error = await apiError(() => clerk.users.createUser({ emailAddress: [uniqueEmail('pwned')], password: 'password' }));
    assert.equal(error.status, 422);
    assert.equal(error.errors[0]?.code, 'form_password_pwned');
    assert.equal(error.errors[0]?.meta?.paramName, 'password');
  });

  await t.test('users.getUser → the same User', async () => {
    const got = await clerk.users.getUser(user.id);
    assertResource(got, 'User');
    assert.equal(got.id, user.id);
    assert.equal(got.primaryEmailAddress?.emailAddress, primaryEmail);
    assert.deepEqual(got.publicMetadata, user.publicMetadata);
    assert.equal(got.passwordEnabled, true);
  });

  await t.test('users.getUserList({ emailAddress, limit, orderBy, query }) → { data: User[], totalCount }', async () => {
    const others = [];
    for (let i = 0; i < 3; i++) {
      others.push(await clerk.users.createUser({ emailAddress: [uniqueEmail(`list${tag}`)], firstName: `Lister${i}` }));
    }
    const emails = others.map((u) => u.emailAddresses[0]!.emailAddress);

    const byEmail = await clerk.users.getUserList({ emailAddress: emails, limit: 2, orderBy: '-created_at' });
    assert.equal(byEmail.totalCount, 3, 'totalCount ignores the limit');
    assert.equal(byEmail.data.length, 2);
    byEmail.data.forEach((u) => assertResource(u, 'User'));
    assert.deepEqual(
      byEmail.data.map((u) => u.id),
      [others[2]!.id, others[1]!.id],
      'newest first',
    );

    const ascending = await clerk.users.getUserList({ emailAddress: emails, orderBy: '+created_at' });
    assert.deepEqual(ascending.data.map((u) => u.id), others.map((u) => u.id));

    const byQuery = await clerk.users.getUserList({ query: `LIST${tag}`.toUpperCase() });
    assert.equal(byQuery.totalCount, 3, 'query is case-insensitive and partial');
    assert.deepEqual(new Set(byQuery.data.map((u) => u.id)), new Set(others.map((u) => u.id)));

    const none = await clerk.users.getUserList({ emailAddress: ['nobody-at-all@example.com'] });
    assert.deepEqual(none, { data: [], totalCount: 0 });
  });

  await t.test('users.getCount → a number', async () => {
    const all = await clerk.users.getCount();
    assert.equal(typeof all, 'number');
    assert.ok(all >= 5);
    assert.equal(await clerk.users.getCount({ emailAddress: [primaryEmail] }), 1);
    assert.equal(await clerk.users.getCount({ externalId: [`ext_${tag}`] }), 1);
    assert.equal(await clerk.users.getCount({ query: 'no-such-user-anywhere' }), 0);
  });

  await t.test('users.updateUser (names, username, externalId, password) → the updated User', async () => {
    const newPassword = 'Velvet-Harbor-Quartz-97';
    const updated = await clerk.users.updateUser(user.id, {
      firstName: 'Augusta',
      lastName: 'King',
      username: `sdk_renamed_${tag}`,
      externalId: `ext2_${tag}`,
      password: newPassword,
    });
    assertResource(updated, 'User');
    assert.equal(updated.firstName, 'Augusta');
    assert.equal(updated.lastName, 'King');
    assert.equal(updated.username, `sdk_renamed_${tag}`);
    assert.equal(updated.externalId, `ext2_${tag}`);
    assert.deepEqual(updated.publicMetadata, user.publicMetadata, 'metadata untouched');
    assert.ok(updated.updatedAt >= user.updatedAt);
    assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: newPassword }), { verified: true });
    await clerk.users.updateUser(user.id, { password: PASSWORD });
  });

  await t.test('users.updateUser(id, { publicMetadata, firstName }) → PATCH then PUT /metadata replaces that object only', async () => {
    const updated = await clerk.users.updateUser(user.id, { firstName: 'Ada', publicMetadata: { replacedKey: { nestedCamel: 'x' } } });
    assertResource(updated, 'User');
    assert.equal(updated.firstName, 'Ada');
    assert.deepEqual(updated.publicMetadata, { replacedKey: { nestedCamel: 'x' } });
    assert.deepEqual(updated.privateMetadata, { stripeCustomerId: 'cus_123' }, 'other metadata kept');
    assert.deepEqual(updated.unsafeMetadata, { themePref: 'dark' });
    const got = await clerk.users.getUser(user.id);
    assert.deepEqual(got.publicMetadata, { replacedKey: { nestedCamel: 'x' } });
  });

  await t.test('users.updateUser(id, { public_metadata }) (snake key) → PATCH replaces it, the 2025-03-12 way', async () => {
    const updated = await clerk.users.updateUser(user.id, { public_metadata: { viaPatch: true } } as never);
    assert.deepEqual(updated.publicMetadata, { viaPatch: true });
  });

  await t.test('users.updateUserMetadata → deep merge; null deletes a key', async () => {
    await clerk.users.updateUserMetadata(user.id, { publicMetadata: { camelKey: { innerCamel: 1, keepMe: 'yes' }, plan: 'pro' } });
    const merged = await clerk.users.updateUserMetadata(user.id, {
      publicMetadata: { camelKey: { innerCamel: 2, addedKey: 'new' }, plan: null },
      privateMetadata: { extraKey: 1 },
    });
    assertResource(merged, 'User');
    assert.deepEqual(merged.publicMetadata, { viaPatch: true, camelKey: { innerCamel: 2, keepMe: 'yes', addedKey: 'new' } });
    assert.deepEqual(merged.privateMetadata, { stripeCustomerId: 'cus_123', extraKey: 1 });
    assert.deepEqual(merged.unsafeMetadata, { themePref: 'dark' }, 'not given, not touched');
  });

  await t.test('users.banUser / unbanUser → User with banned true / false', async () => {
    const banned = await clerk.users.banUser(user.id);
    assertResource(banned, 'User');
    assert.equal(banned.banned, true);
    assert.equal((await clerk.users.getUser(user.id)).banned, true);
    const unbanned = await clerk.users.unbanUser(user.id);
    assertResource(unbanned, 'User');
    assert.equal(unbanned.banned, false);
  });

  await t.test('users.lockUser / unlockUser → User with locked true / false', async () => {
    const locked = await clerk.users.lockUser(user.id);
    assertResource(locked, 'User');
    assert.equal(locked.locked, true);
    const unlocked = await clerk.users.unlockUser(user.id);
    assertResource(unlocked, 'User');
    assert.equal(unlocked.locked, false);
  });

  await t.test('users.verifyPassword → { verified: true }', async () => {
    assert.deepEqual(await clerk.users.verifyPassword({ userId: user.id, password: PASSWORD }), { verified: true });
  });

  await t.test('users.verifyPassword with a wrong password → ClerkAPIResponseError 422 incorrect_password', async () => {
    const error = await apiError(() => clerk.users.verifyPassword({ userId: user.id, password: 'Not-The-Right-One-1' }));
    assert.equal(error.status, 422);
    assert.equal(error.errors[0]?.code, 'incorrect_password');
    assert.match(error.clerkTraceId ?? '', /^[0-9a-f]{32}$/);
  });

  await t.test('users.verifyPassword on a user without a password → 400 no_password_set', async () => {
    const passwordless = await clerk.users.createUser({ emailAddress: [uniqueEmail('nopw')] });
    assert.equal(passwordless.passwordEnabled, false);
    const error = await apiError(() => clerk.users.verifyPassword({ userId: passwordless.id, password: PASSWORD }));
    assert.equal(error.status, 400);
    assert.equal(error.errors[0]?.code, 'no_password_set');
  });

  await t.test('emailAddresses.create/get/update/deleteEmailAddress', async () => {
    const address = uniqueEmail('extra');
    const created = await clerk.emailAddresses.createEmailAddress({ userId: user.id, emailAddress: address, verified: true });
    assertResource(created, 'EmailAddress');
    assert.match(created.id, /^idn_/);
    assert.equal(created.emailAddress, address);
    assert.equal(created.verification?.status, 'verified');
    assert.deepEqual(created.linkedTo, []);

    const got = await clerk.emailAddresses.getEmailAddress(created.id);
    assertResource(got, 'EmailAddress');
    assert.equal(got.emailAddress, address);

    const primary = await clerk.emailAddresses.updateEmailAddress(created.id, { primary: true });
    assertResource(primary, 'EmailAddress');
    assert.equal((await clerk.users.getUser(user.id)).primaryEmailAddressId, created.id);

    const unverified = await clerk.emailAddresses.createEmailAddress({ userId: user.id, emailAddress: uniqueEmail('unv'), verified: false });
    assert.notEqual(unverified.verification?.status, 'verified');
    const verified = await clerk.emailAddresses.updateEmailAddress(unverified.id, { verified: true });
    assert.equal(verified.verification?.status, 'verified');

    await clerk.users.updateUser(user.id, { primaryEmailAddressID: user.primaryEmailAddressId! });
    const deleted = await clerk.emailAddresses.deleteEmailAddress(created.id);
    assertResource(deleted, 'DeletedObject');
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, created.id);
    assert.equal(deleted.object, 'email_address');
    const missing = await apiError(() => clerk.emailAddresses.getEmailAddress(created.id));
    assert.equal(missing.status, 404);
    assert.equal(missing.errors[0]?.code, 'resource_not_found');
  });

  await t.test('phoneNumbers.create/get/update/deletePhoneNumber', async () => {
    const number = uniquePhone();
    const created = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: number, verified: true });
    assertResource(created, 'PhoneNumber');
    assert.equal(created.phoneNumber, number);
    assert.equal(created.verification?.status, 'verified');
    assert.equal(created.reservedForSecondFactor, false);

    const got = await clerk.phoneNumbers.getPhoneNumber(created.id);
    assertResource(got, 'PhoneNumber');
    assert.equal(got.phoneNumber, number);

    const updated = await clerk.phoneNumbers.updatePhoneNumber(created.id, { reservedForSecondFactor: true });
    assertResource(updated, 'PhoneNumber');
    assert.equal(updated.reservedForSecondFactor, true);

    const deleted = await clerk.phoneNumbers.deletePhoneNumber(created.id);
    assertResource(deleted, 'DeletedObject');
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.object, 'phone_number');
    const user2 = await clerk.users.getUser(user.id);
    assert.deepEqual(user2.phoneNumbers.map((p) => p.phoneNumber), [phone]);
  });

  await t.test('users.getUser("user_missing") → ClerkAPIResponseError 404 resource_not_found with a trace id', async () => {
    const error = await apiError(() => clerk.users.getUser('user_missing'));
    assert.equal(error.status, 404);
    assert.equal(error.errors.length, 1);
    assert.equal(error.errors[0]?.code, 'resource_not_found');
    assert.ok(error.errors[0]?.longMessage);
    assert.match(error.clerkTraceId ?? '', /^[0-9a-f]{32}$/);
  });

  await t.test('users.createUser with a taken email (other case) → 422 form_identifier_exists, paramName email_address', async () => {
    const error = await apiError(() => clerk.users.createUser({ emailAddress: [primaryEmail.toUpperCase()] }));
    assert.equal(error.status, 422);
    assert.equal(error.errors[0]?.code, 'form_identifier_exists');
    assert.equal(error.errors[0]?.meta?.paramName, 'email_address');
    assert.match(error.clerkTraceId ?? '', /^[0-9a-f]{32}$/);
  });

  await t.test('users.createUser with a bad email → 422 form_param_format_invalid, paramName email_address', async () => {
    const error = await apiError(() => clerk.users.createUser({ emailAddress: ['not-an-email'] }));
    assert.equal(error.status, 422);
    assert.equal(error.errors[0]?.code, 'form_param_format_invalid');
    assert.equal(error.errors[0]?.meta?.paramName, 'email_address');
  });

  await t.test('a client with a wrong secret key → ClerkAPIResponseError 401 clerk_key_invalid', async () => {
    const wrong = createClerkClient({ secretKey: 'sk_test_not_a_registered_key_000', apiUrl, telemetry: { disabled: true } });
    const error = await apiError(() => wrong.users.getUser(user.id));
    assert.equal(error.status, 401);
    assert.equal(error.errors[0]?.code, 'clerk_key_invalid');
    const list = await apiError(() => wrong.users.getUserList());
    assert.equal(list.status, 401);
  });

  await t.test('users.deleteUser → DeletedObject { object: user, deleted: true }; getUser then 404', async () => {
    const doomed = await clerk.users.createUser({ emailAddress: [uniqueEmail('doomed')], username: `doomed_${tag}` });
    const deleted = (await clerk.users.deleteUser(doomed.id)) as unknown;
    assertResource(deleted, 'DeletedObject');
    const obj = deleted as { object: string; id: string; deleted: boolean };
    assert.equal(obj.deleted, true);
    assert.equal(obj.id, doomed.id);
    assert.equal(obj.object, 'user');
    const error = await apiError(() => clerk.users.getUser(doomed.id));
    assert.equal(error.status, 404);
    // The identifiers are free again.
    const again = await clerk.users.createUser({ emailAddress: [doomed.emailAddresses[0]!.emailAddress], username: `doomed_${tag}` });
    assert.notEqual(again.id, doomed.id);
  });
});
