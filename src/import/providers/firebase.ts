import { ImportInputError } from '../input.js';
import { addIdentifier, dropUnread, formatMismatch, fromMillis, isObject, jsonObject, newDraft, text, type UserDraft } from './draft.js';

// `firebase auth:export users.json --format=json` → a UserDraft. The file is one JSON document,
// {"users": [ … ]}; each user has localId, email, emailVerified, passwordHash, salt, displayName,
// phoneNumber, createdAt and lastSignedInAt (ms, as strings), disabled, customAttributes (a JSON string),
// providerUserInfo, mfaInfo…
// - localId → external_id; disabled → banned; emailVerified: false (or absent) → the email unverified;
//   phoneNumber (verified by signing in with it) → a verified phone.
// - displayName → first_name and last_name, split at the first space (Firebase keeps one display name).
// - passwordHash + salt + the project's hash parameters (Firebase console → Authentication → Users →
//   "Password hash parameters", given as options) → password_digest in the layout of the scrypt_firebase
//   hasher, `<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<mem cost>`, so users keep their passwords.
// - customAttributes (custom claims, which Firebase puts in ID tokens) → public_metadata.
// - mfaInfo: an enrolled phone becomes a second-factor phone; a TOTP enrolment cannot come (Firebase does
//   not export its secret) and is counted as dropped.

export interface FirebaseHashParameters {
  /** base64_signer_key */
  signerKey: string;
  /** base64_salt_separator (Firebase's default is `Bw==`) */
  saltSeparator: string;
  /** rounds (default 8) */
  rounds: number;
  /** mem_cost (default 14) */
  memCost: number;
}

type Json = Record<string, unknown>;

const READ = new Set([
  'localId', 'email', 'emailVerified', 'phoneNumber', 'displayName', 'createdAt', 'lastSignedInAt', 'lastLoginAt',
  'disabled', 'customAttributes', 'passwordHash', 'salt', 'mfaInfo', 'providerUserInfo',
]);
/** Sign-in methods that are not a social provider. */
const NOT_SOCIAL = new Set(['password', 'phone', 'emailLink']);

/** Firebase writes standard base64, but the console's parameters are sometimes pasted web-safe. */
const base64 = (v: string) => v.replace(/-/g, '+').replace(/_/g, '/');

export const MISSING_SIGNER_KEY =
  "this Firebase export has password hashes: give the project's --firebase-signer-key (Firebase console → Authentication → Users → ⋮ → Password hash parameters), and --firebase-salt-separator, --firebase-rounds, --firebase-mem-cost when they differ from Bw==, 8 and 14";

function secondFactors(raw: Json, draft: UserDraft): void {
  if (!Array.isArray(raw.mfaInfo)) return;
  for (const factor of raw.mfaInfo) {
    const phone = isObject(factor) ? text(factor.phoneInfo) : undefined;
    if (phone === undefined) {
      draft.dropped.push('mfaInfo (TOTP: Firebase does not export the secret)');
      continue;
    }
    addIdentifier(draft.phones, phone, true, false);
    draft.phones.find((p) => p.value === phone)!.secondFactor = true;
  }
}

export function fromFirebase(raw: unknown, hash: FirebaseHashParameters | undefined): UserDraft {
  if (!isObject(raw)) throw formatMismatch('it is not a JSON object');
  if (text(raw.localId) === undefined) throw formatMismatch('it has no localId');
  const draft = newDraft();
  draft.external_id = text(raw.localId);
  addIdentifier(draft.emails, text(raw.email), raw.emailVerified === true || raw.emailVerified === 'true', true);
  addIdentifier(draft.phones, text(raw.phoneNumber), true, false);
  secondFactors(raw, draft);
  const name = text(raw.displayName);
  if (name !== undefined) {
    const space = name.search(/\s/);
    draft.first_name = space > 0 ? name.slice(0, space) : name;
    draft.last_name = space > 0 ? name.slice(space + 1).trim() : undefined;
  }
  draft.created_at = fromMillis(raw.createdAt) ?? text(raw.createdAt);
  draft.last_sign_in_at = fromMillis(raw.lastSignedInAt ?? raw.lastLoginAt);
  draft.banned = raw.disabled === true || raw.disabled === 'true';
  draft.public_metadata = jsonObject(raw.customAttributes);
  const passwordHash = text(raw.passwordHash);
  if (passwordHash) {
    if (!hash) throw new ImportInputError(MISSING_SIGNER_KEY);
    draft.password = {
      hasher: 'scrypt_firebase',
      digest: [passwordHash, text(raw.salt) ?? '', hash.signerKey, hash.saltSeparator]
        .map(base64)
        .concat([String(hash.rounds), String(hash.memCost)])
        .join('$'),
    };
  }
  const providers = Array.isArray(raw.providerUserInfo)
    ? raw.providerUserInfo.flatMap((p) => (isObject(p) && text(p.providerId) ? [text(p.providerId)!] : []))
    : [];
  const social = providers.filter((p) => !NOT_SOCIAL.has(p));
  if (social.length > 0) {
    draft.dropped.push('providerUserInfo');
    draft.socialOnly = draft.password === undefined && draft.phones.length === 0;
  }
  dropUnread(draft, raw, READ);
  return draft;
}
