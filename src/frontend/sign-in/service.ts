import type { ClientRow, SignInRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import { findIdentificationByValue } from '../../identifications/service.js';
import { readSettings, type AuthSettings } from '../../instance/settings.js';
import { newId } from '../../lib/ids.js';
import { listSessions } from '../../sessions/service.js';
import { findUserIdByUsername, getUser } from '../../users/service.js';
import type { FullUserRow } from '../../users/store.js';
import { sendCode } from '../codes/send.js';
import { discardCode } from '../codes/service.js';
import type { RequestDeps } from '../plumbing/request-deps.js';
import { attemptPassword, codeKey } from './attempts.js';
import { codeEmailAddress, firstFactors } from './factors.js';
import { abandonSignIns, deleteSignInsAbandonedBefore, findCurrentSignIn, findSignInById, insertSignIn, updateSignIn } from './store.js';

// The sign-in attempt of a client: who is signing in (the identifier), then the first factor (password
// or a code by email), then the second factor when the user has one, then a session. This file holds
// creating and preparing; attempts.ts verifies factors and completes.

/** A sign-in left unfinished is abandoned after a day (unsourced: Clerk does not document it). */
const ABANDON_AFTER_MS = 24 * 3600 * 1000;
/** Sign-ins are kept a week past abandon_at (what `GET /v1/client/sign_ins/{id}` can still read), then deleted. */
const KEEP_AFTER_ABANDON_MS = 7 * 24 * 3600 * 1000;
let lastSweep = 0;

/** Strategies Gatehouse can carry out (no OAuth, SAML, passkeys, SMS, links or tickets yet). */
const FIRST_FACTOR_STRATEGIES = new Set(['password', 'email_code', 'reset_password_email_code']);

export interface CreateSignInInput {
  strategy?: string | null;
  identifier?: string | null;
  password?: string | null;
}

function signInNotFound(id: string) {
  return new ClerkError('resource_not_found', { message: 'not found', long_message: `No sign in was found with id ${id}` });
}

/** The client's sign-in in progress, if any (what client.sign_in shows). */
export async function currentSignIn(deps: Pick<RequestDeps, 'db' | 'clock'>, clientId: string): Promise<SignInRow | undefined> {
  return findCurrentSignIn(deps.db, clientId, deps.clock.now());
}

/** A sign-in of this client (404 for another client's: ids are not secrets). */
export async function getSignIn(deps: Pick<RequestDeps, 'db'>, client: ClientRow | undefined, id: string): Promise<SignInRow> {
  const row = client ? await findSignInById(deps.db, id) : undefined;
  if (!row || row.client_id !== client!.id) throw signInNotFound(id);
  return row;
}

/** A sign-in that can still move: in progress and not abandoned. */
export async function getActiveSignIn(deps: Pick<RequestDeps, 'db' | 'clock'>, client: ClientRow | undefined, id: string): Promise<SignInRow> {
  const row = await getSignIn(deps, client, id);
  if (row.status === 'abandoned' || row.abandon_at <= deps.clock.now()) throw signInNotFound(id);
  if (row.status === 'complete') throw new ClerkError('client_state_invalid', { long_message: 'This sign in is already complete.' });
  return row;
}

/**
 * An identifier that can only be a phone number, in E.164 (`+` and digits), as clerk-js sends it; people
 * also type spaces, dashes, dots and brackets. Never a username: Clerk requires a username to contain a
 * non-digit, and `+` is not allowed in one.
 */
function phoneNumberIdentifier(identifier: string): string | undefined {
  if (!/^\+?[\d\s().-]+$/.test(identifier)) return undefined;
  return `+${identifier.replace(/\D/g, '')}`;
}

/**
 * The user an identifier names: a verified email address, a verified phone number when the instance uses
 * them, or a username when usernames are on. 422 form_identifier_not_found otherwise (Clerk's default,
 * without enumeration protection).
 */
async function findUserByIdentifier(deps: RequestDeps, identifier: string, settings: AuthSettings): Promise<FullUserRow> {
  let userId: string | undefined;
  const phone = phoneNumberIdentifier(identifier);
  if (identifier.includes('@')) {
    const email = await findIdentificationByValue(deps, 'email_address', identifier);
    if (email?.verified) userId = email.user_id;
  } else if (phone !== undefined) {
    const number = settings.phone_number_sign_in ? await findIdentificationByValue(deps, 'phone_number', phone) : undefined;
    if (number?.verified) userId = number.user_id;
  } else if (settings.username !== 'off') {
    userId = await findUserIdByUsername(deps, identifier);
  }
  if (!userId) throw paramError('form_identifier_not_found', 'identifier');
  return getUser(deps, userId);
}

/**
 * POST /v1/client/sign_ins: a new sign-in replacing the client's current one. With an identifier the
 * user is identified now; with `strategy=password` and a password, or `strategy=email_code`, the first
 * factor is attempted or prepared in the same request, as Clerk does.
 */
export async function createSignIn(deps: RequestDeps, client: ClientRow, input: CreateSignInInput): Promise<SignInRow> {
  const strategy = input.strategy ?? undefined;
  if (strategy !== undefined && !FIRST_FACTOR_STRATEGIES.has(strategy)) {
    throw paramError('form_param_value_invalid', 'strategy', `${strategy} is not a sign-in strategy this instance supports.`);
  }
  const identifier = input.identifier?.trim() || undefined;
  if (strategy !== undefined && identifier === undefined) throw paramError('form_param_missing', 'identifier');
  if (strategy === 'password' && !input.password) throw paramError('form_param_missing', 'password');
  const { auth } = await readSettings(deps.db);
  if (auth.single_session_mode) await assertNoSession(deps, client.id);
  const user = identifier === undefined ? undefined : await findUserByIdentifier(deps, identifier, auth);
  if (user) await assertNotSignedIn(deps, client.id, user.id);

  const now = deps.clock.now();
  const row: SignInRow = {
    id: newId('sia', now),
    client_id: client.id,
    status: user ? 'needs_first_factor' : 'needs_identifier',
    identifier: identifier ?? null,
    user_id: user?.id ?? null,
    first_factor: null,
    second_factor: null,
    created_session_id: null,
    abandon_at: now + ABANDON_AFTER_MS,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(deps.db, async (db) => {
    await abandonSignIns(db, client.id, now);
    await insertSignIn(db, row);
  });
  if (now - lastSweep > 60_000) {
    lastSweep = now;
    await deleteSignInsAbandonedBefore(deps.db, now - KEEP_AFTER_ABANDON_MS);
  }
  if (!user || strategy === undefined) return row;
  if (strategy === 'password') return attemptPassword(deps, row, user, input.password!);
  return prepareFirstFactor(deps, row, { strategy });
}

/** In single-session mode a client signed in holds that one session: 400 session_exists. */
export async function assertNoSession(deps: Pick<RequestDeps, 'db' | 'clock'>, clientId: string) {
  const { rows } = await listSessions(deps, { clientId, status: 'active', limit: 1, offset: 0, paginated: false });
  if (rows.length > 0) throw new ClerkError('session_exists');
}

/** Clerk refuses a second sign-in of a user already signed in on this client, naming the session. */
async function assertNotSignedIn(deps: RequestDeps, clientId: string, userId: string) {
  const { rows } = await listSessions(deps, { clientId, userId, status: 'active', limit: 1, offset: 0, paginated: false });
  const session = rows[0];
  if (session) throw new ClerkError('identifier_already_signed_in', { meta: { session_id: session.id } });
}

export interface PrepareFirstFactorInput {
  strategy: string;
  email_address_id?: string | null;
}

/**
 * POST …/prepare_first_factor: for `email_code` and `reset_password_email_code`, a code by email to one of
 * the user's verified addresses (default: the one they typed, else the primary). A new code replaces
 * the previous one.
 */
export async function prepareFirstFactor(deps: RequestDeps, signIn: SignInRow, input: PrepareFirstFactorInput): Promise<SignInRow> {
  if (signIn.status !== 'needs_first_factor' || signIn.user_id === null) {
    throw new ClerkError('client_state_invalid', { long_message: 'This sign in is not waiting for a first factor.' });
  }
  const user = await getUser(deps, signIn.user_id);
  const { auth } = await readSettings(deps.db);
  const offered = firstFactors(user, signIn.identifier, auth).filter((f) => f.strategy === input.strategy);
  if (input.strategy === 'password') return signIn;
  if (offered.length === 0) throw paramError('strategy_for_user_invalid', 'strategy');
  const email = input.email_address_id
    ? user.email_addresses.find((e) => e.id === input.email_address_id && e.verified)
    : codeEmailAddress(user, signIn.identifier);
  if (!email) throw paramError('form_param_value_invalid', 'email_address_id', 'email_address_id is not a verified email address of this user.');
  const strategy = input.strategy as 'email_code' | 'reset_password_email_code';
  await inTransaction(deps.db, async (db) => {
    const issued = await sendCode(
      { ...deps, db },
      {
        key: codeKey(signIn.id, 'first_factor'),
        slug: strategy === 'email_code' ? 'verification_code' : 'reset_password_code',
        to: email.email_address,
        userId: user.id,
        emailAddressId: email.id,
      },
    );
    await updateSignIn(
      db,
      signIn.id,
      { first_factor: { strategy, status: 'unverified', attempts: 0, expire_at: issued.expireAt, email_address_id: email.id } },
      deps.clock.now(),
    );
  });
  return (await findSignInById(deps.db, signIn.id))!;
}

/** Forgets an attempt's code once it is no longer needed. */
export async function forgetFirstFactorCode(deps: Pick<RequestDeps, 'db'>, signInId: string): Promise<void> {
  await discardCode(deps, codeKey(signInId, 'first_factor'));
}

/** Drops the client's sign-in in progress (the client was signed out of everything). */
export async function abandonClientSignIn(deps: Pick<RequestDeps, 'db' | 'clock'>, clientId: string): Promise<void> {
  await abandonSignIns(deps.db, clientId, deps.clock.now());
}
