// `firebase auth:export users.json --format=json` → the fields of POST /v1/users. The file is one JSON
// document, {"users": [ … ]}; each user has localId, email, emailVerified, passwordHash, salt,
// displayName, phoneNumber, createdAt (ms), customAttributes (a JSON string)…
//
// - localId → external_id; displayName → first_name and last_name, split at the first space.
// - passwordHash + salt + the project's hash parameters (Firebase console → Authentication → Users →
//   "Password hash parameters", given as options) → password_digest in the layout of the scrypt_firebase
//   hasher, `<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<mem cost>`, so users keep their passwords.
// - customAttributes (custom claims, which Firebase puts in ID tokens) → public_metadata.
// - Every email and phone is imported verified, as POST /v1/users does; emailVerified, disabled,
//   providerUserInfo, mfaInfo and lastSignedInAt are not carried.

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

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
/** Firebase writes standard base64, but the console's parameters are sometimes pasted web-safe. */
const base64 = (v: string) => v.replace(/-/g, '+').replace(/_/g, '/');

export function fromFirebase(raw: unknown, hash: FirebaseHashParameters | undefined): unknown {
  if (!isObject(raw)) return raw;
  const email = text(raw.email);
  const phone = text(raw.phoneNumber);
  const name = text(raw.displayName)?.trim();
  const space = name ? name.search(/\s/) : -1;
  const createdAt = Number(raw.createdAt);
  const body: Json = {
    external_id: text(raw.localId),
    email_address: email ? [email] : undefined,
    phone_number: phone ? [phone] : undefined,
    first_name: name ? (space > 0 ? name.slice(0, space) : name) : undefined,
    last_name: name && space > 0 ? name.slice(space + 1).trim() : undefined,
    created_at: raw.createdAt !== undefined && Number.isFinite(createdAt) ? new Date(createdAt).toISOString() : undefined,
    public_metadata: customClaims(raw.customAttributes),
  };
  const passwordHash = text(raw.passwordHash);
  if (passwordHash) {
    if (!hash) throw new Error('this Firebase export has password hashes: give the project\'s --firebase-signer-key');
    body.password_hasher = 'scrypt_firebase';
    body.password_digest = [passwordHash, text(raw.salt) ?? '', hash.signerKey, hash.saltSeparator]
      .map(base64)
      .concat([String(hash.rounds), String(hash.memCost)])
      .join('$');
  }
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

/** customAttributes is a JSON string; one that does not parse is passed on, and POST's schema check rejects it. */
function customClaims(value: unknown): unknown {
  if (typeof value !== 'string' || value === '') return value === undefined ? undefined : value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
