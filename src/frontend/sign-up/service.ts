import type { ClientRow, JsonObject, SignUpRow } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import { findIdentificationByValue, identifierTaken, identifierTakenError } from '../../identifications/service.js';
import { readSettings, type AuthSettings } from '../../instance/settings.js';
import { newId } from '../../lib/ids.js';
import { preparePassword } from '../../passwords/service.js';
import { createClientSession } from '../../sessions/service.js';
import { createUser, findUserIdByUsername, prepareNewUser } from '../../users/service.js';
import { sendCode } from '../codes/send.js';
import { assertNoSession } from '../sign-in/service.js';
import { checkCode, discardCode } from '../codes/service.js';
import type { RequestDeps } from '../plumbing/request-deps.js';
import { readyToComplete } from './requirements.js';
import { acceptTicket, claimTicket, ticketInvitation } from './ticket.js';
import { abandonSignUps, deleteSignUpsAbandonedBefore, findCurrentSignUp, findSignUpById, findSignUpByIdForUpdate, insertSignUp, updateSignUp, type SignUpPatch } from './store.js';

// A client's sign-up: the fields of the new user arrive (create, then PATCH), the email address is
// verified with a code, and once nothing is missing the user is created through the same service as
// POST /v1/users (same rules, same user.created event), with a session, in one transaction.

/** An unfinished sign-up is abandoned after a day (unsourced: Clerk does not document it). */
const ABANDON_AFTER_MS = 24 * 3600 * 1000;
/** Sign-ups are kept a week past abandon_at, then deleted. */
const KEEP_AFTER_ABANDON_MS = 7 * 24 * 3600 * 1000;
let lastSweep = 0;

export interface SignUpInput {
  email_address?: string | null;
  password?: string | null;
  username?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  unsafe_metadata?: JsonObject | null;
  legal_accepted?: boolean | null;
  strategy?: string | null;
  /** With strategy=ticket: the invitation link's `__clerk_ticket`. */
  ticket?: string | null;
}

const emailCodeKey = (signUpId: string) => `sign_up:${signUpId}:email_address`;

function signUpNotFound(id: string) {
  return new ClerkError('resource_not_found', { message: 'Sign up not found', long_message: `No sign up was found with id ${id}` });
}

export async function currentSignUp(deps: Pick<RequestDeps, 'db' | 'clock'>, clientId: string): Promise<SignUpRow | undefined> {
  return findCurrentSignUp(deps.db, clientId, deps.clock.now());
}

/** A sign-up of this client (404 for another client's). */
export async function getSignUp(deps: Pick<RequestDeps, 'db'>, client: ClientRow | undefined, id: string): Promise<SignUpRow> {
  const row = client ? await findSignUpById(deps.db, id) : undefined;
  if (!row || row.client_id !== client!.id) throw signUpNotFound(id);
  return row;
}

/** A sign-up that can still change: in progress, not abandoned. */
export async function getOpenSignUp(deps: Pick<RequestDeps, 'db' | 'clock'>, client: ClientRow | undefined, id: string): Promise<SignUpRow> {
  const row = await getSignUp(deps, client, id);
  if (row.status === 'abandoned' || row.abandon_at <= deps.clock.now()) throw signUpNotFound(id);
  if (row.status === 'complete') throw new ClerkError('client_state_invalid', { long_message: 'This sign up is already complete.' });
  return row;
}

/**
 * The fields of a create or update, checked as POST /v1/users would check them (formats, username rules,
 * names, metadata size, the password policy and breach check), and whether the identifiers are free.
 * The password is hashed here, once: the sign-up keeps only its digest.
 */
async function checkedFields(deps: RequestDeps, input: SignUpInput, settings: AuthSettings, before: SignUpRow | undefined): Promise<SignUpPatch> {
  if (settings.username === 'off' && input.username) throw paramError('form_param_unknown', 'username');
  if (settings.names === 'off' && (input.first_name || input.last_name)) throw paramError('form_param_unknown', input.first_name ? 'first_name' : 'last_name');
  const patch: SignUpPatch = {};
  if (input.email_address !== undefined) patch.email_address = input.email_address?.trim() || null;
  if (input.username !== undefined) patch.username = input.username || null;
  if (input.first_name !== undefined) patch.first_name = input.first_name;
  if (input.last_name !== undefined) patch.last_name = input.last_name;
  if (input.unsafe_metadata !== undefined) patch.unsafe_metadata = input.unsafe_metadata ?? {};
  if (input.legal_accepted === true) patch.legal_accepted_at = deps.clock.now();

  const password = input.password ? await preparePassword({ password: input.password }, { policy: (await readSettings(deps.db)).password_settings, isPwnedOnline: deps.hibp }) : undefined;
  if (password) Object.assign(patch, password);

  // The rest of POST /v1/users' rules, on what the user would be: a dry run that creates nothing.
  const email = patch.email_address !== undefined ? patch.email_address : (before?.email_address ?? null);
  await prepareNewUser(deps, {
    ...(email ? { email_address: [email] } : {}),
    ...(patch.username ? { username: patch.username } : {}),
    ...(patch.first_name ? { first_name: patch.first_name } : {}),
    ...(patch.last_name ? { last_name: patch.last_name } : {}),
    ...(patch.unsafe_metadata ? { unsafe_metadata: patch.unsafe_metadata } : {}),
  });
  if (patch.email_address && (await findIdentificationByValue(deps, 'email_address', patch.email_address))) {
    throw identifierTaken('email_address', 'email address');
  }
  if (patch.username && (await findUserIdByUsername(deps, patch.username))) {
    throw identifierTaken('username', 'username');
  }
  // A new address needs verifying afresh.
  if (patch.email_address !== undefined && patch.email_address !== before?.email_address) patch.email_verification = null;
  return patch;
}

/**
 * With strategy=ticket: the invited address, verified by the ticket, stands in for any email address
 * given (ticket.ts).
 */
async function ticketFields(deps: RequestDeps, input: SignUpInput): Promise<{ input: SignUpInput; ticket?: SignUpPatch }> {
  if (input.strategy !== 'ticket') return { input };
  if (!input.ticket) throw paramError('form_param_missing', 'ticket');
  const { ticketHash, emailAddress } = await ticketInvitation(deps, input.ticket);
  return {
    input: { ...input, email_address: emailAddress },
    ticket: { ticket_hash: ticketHash, email_verification: { strategy: 'ticket', status: 'verified', attempts: null, expire_at: null } },
  };
}

/** POST /v1/client/sign_ups: a new sign-up replacing the client's current one. */
export async function createSignUp(deps: RequestDeps, client: ClientRow, given: SignUpInput): Promise<SignUpRow> {
  const { auth } = await readSettings(deps.db);
  if (given.strategy != null && given.strategy !== 'email_code' && given.strategy !== 'ticket') {
    throw paramError('form_param_value_invalid', 'strategy', `${given.strategy} is not a sign-up strategy this instance supports.`);
  }
  const { input, ticket } = await ticketFields(deps, given);
  // Restricted sign-up is for the invited: a valid invitation ticket is what lets them in.
  if (auth.sign_up_mode === 'restricted' && !ticket) throw new ClerkError('sign_up_mode_restricted');
  if (auth.single_session_mode) await assertNoSession(deps, client.id);
  const patch = { ...(await checkedFields(deps, input, auth, undefined)), ...ticket };
  const now = deps.clock.now();
  const id = newId('sua', now);
  await inTransaction(deps.db, async (db) => {
    await abandonSignUps(db, client.id, now);
    await insertSignUp(db, { id, client_id: client.id, abandon_at: now + ABANDON_AFTER_MS, created_at: now, ...patch });
  });
  if (now - lastSweep > 60_000) {
    lastSweep = now;
    await deleteSignUpsAbandonedBefore(deps.db, now - KEEP_AFTER_ABANDON_MS);
  }
  const row = (await findSignUpById(deps.db, id))!;
  if (ticket) return completeIfReady(deps, id, auth);
  if (input.strategy === 'email_code' && row.email_address) return prepareVerification(deps, row, { strategy: 'email_code' });
  return row;
}

/** PATCH /v1/client/sign_ups/{id}: more fields; completes the sign-up when nothing is missing any more. */
export async function updateSignUpFields(deps: RequestDeps, signUp: SignUpRow, input: SignUpInput): Promise<SignUpRow> {
  const { auth } = await readSettings(deps.db);
  const patch = await checkedFields(deps, input, auth, signUp);
  // Another address than the invited one: the ticket no longer vouches for it.
  if (patch.email_verification === null) patch.ticket_hash = null;
  await updateSignUp(deps.db, signUp.id, patch, deps.clock.now());
  if (patch.email_verification === null) await discardCode(deps, emailCodeKey(signUp.id));
  return completeIfReady(deps, signUp.id, auth);
}

/** POST …/prepare_verification: a code by email to the sign-up's address (a new one replaces the last). */
export async function prepareVerification(deps: RequestDeps, signUp: SignUpRow, input: { strategy: string }): Promise<SignUpRow> {
  if (input.strategy !== 'email_code') throw paramError('verification_strategy_invalid', 'strategy');
  const to = signUp.email_address;
  if (!to) throw paramError('form_param_missing', 'email_address');
  if (signUp.email_verification?.status === 'verified') throw new ClerkError('verification_already_verified');
  await inTransaction(deps.db, async (db) => {
    const issued = await sendCode({ ...deps, db }, { key: emailCodeKey(signUp.id), slug: 'verification_code', to, userId: null, emailAddressId: null });
    await updateSignUp(db, signUp.id, { email_verification: { strategy: 'email_code', status: 'unverified', attempts: 0, expire_at: issued.expireAt } }, deps.clock.now());
  });
  return (await findSignUpById(deps.db, signUp.id))!;
}

/** POST …/attempt_verification: the emailed code; once verified, the sign-up completes if it can. */
export async function attemptVerification(deps: RequestDeps, signUp: SignUpRow, input: { strategy: string; code?: string | null }): Promise<SignUpRow> {
  if (input.strategy !== 'email_code') throw paramError('verification_strategy_invalid', 'strategy');
  if (!input.code) throw paramError('form_param_missing', 'code');
  const state = signUp.email_verification;
  if (!state) throw new ClerkError('verification_missing');
  if (state.status === 'verified') throw new ClerkError('verification_already_verified');
  const outcome = await checkCode(deps, emailCodeKey(signUp.id), input.code);
  const status = outcome.result === 'verified' ? 'verified' : outcome.result === 'incorrect' || outcome.result === 'missing' ? state.status : outcome.result;
  await updateSignUp(deps.db, signUp.id, { email_verification: { ...state, status, attempts: outcome.attempts } }, deps.clock.now());
  if (outcome.result === 'incorrect') throw paramError('form_code_incorrect', 'code');
  if (outcome.result === 'failed') throw new ClerkError('verification_failed');
  if (outcome.result === 'expired') throw new ClerkError('verification_expired');
  if (outcome.result === 'missing') throw new ClerkError('verification_missing');
  return completeIfReady(deps, signUp.id, (await readSettings(deps.db)).auth);
}

/**
 * Creates the user and their session when the sign-up has everything, in one transaction with the
 * sign-up's own update (locked first: a sign-up completes once). The identifiers may have been taken
 * since they were checked: the insert's unique indexes decide, and the loser gets form_identifier_exists.
 */
async function completeIfReady(deps: RequestDeps, id: string, settings: AuthSettings): Promise<SignUpRow> {
  await inTransaction(deps.db, async (db) => {
    const row = await findSignUpByIdForUpdate(db, id);
    if (!row || row.status !== 'missing_requirements' || !readyToComplete(row, settings)) return;
    const grant = row.ticket_hash ? await claimTicket({ db, clock: deps.clock }, row.ticket_hash) : undefined;
    const user = await createUser(
      { ...deps, db },
      {
        email_address: [row.email_address!],
        password_digest: row.password_digest,
        password_hasher: row.password_hasher,
        ...(row.username ? { username: row.username } : {}),
        ...(row.first_name ? { first_name: row.first_name } : {}),
        ...(row.last_name ? { last_name: row.last_name } : {}),
        unsafe_metadata: row.unsafe_metadata,
        ...(grant?.kind === 'instance' ? { public_metadata: grant.publicMetadata } : {}),
        ...(row.legal_accepted_at !== null ? { legal_accepted_at: new Date(row.legal_accepted_at).toISOString() } : {}),
      },
    ).catch((error: unknown) => {
      throw identifierTakenError(error) ?? error;
    });
    // Before the session: a new membership is the organization the session starts with.
    if (grant) await acceptTicket({ ...deps, db }, grant, user.id);
    const session = await createClientSession(
      { ...deps, db },
      { userId: user.id, clientId: row.client_id, clientIp: deps.httpRequest.client_ip || null, userAgent: deps.httpRequest.user_agent || null },
    );
    await updateSignUp(db, id, { status: 'complete', created_user_id: user.id, created_session_id: session.id }, deps.clock.now());
  });
  return (await findSignUpById(deps.db, id))!;
}

/** Drops the client's sign-up in progress (the client was signed out of everything). */
export async function abandonClientSignUp(deps: Pick<RequestDeps, 'db' | 'clock'>, clientId: string): Promise<void> {
  await abandonSignUps(deps.db, clientId, deps.clock.now());
}
