import { argon2i } from './argon2i.js';
import { argon2id } from './argon2id.js';
import { bcrypt } from './bcrypt.js';
import { createBcryptPeppered } from './bcrypt_peppered.js';
import { bcrypt_sha256_django } from './bcrypt_sha256_django.js';
import type { Hasher } from './hasher.js';
import { ldap_ssha } from './ldap_ssha.js';
import { md5 } from './md5.js';
import { md5_phpass } from './md5_phpass.js';
import { md5_salted } from './md5_salted.js';
import { pbkdf2_sha1 } from './pbkdf2_sha1.js';
import { pbkdf2_sha256 } from './pbkdf2_sha256.js';
import { pbkdf2_sha256_django } from './pbkdf2_sha256_django.js';
import { pbkdf2_sha512 } from './pbkdf2_sha512.js';
import { pbkdf2_sha512_hex } from './pbkdf2_sha512_hex.js';
import { phpass } from './phpass.js';
import { scrypt_firebase } from './scrypt_firebase.js';
import { scrypt_werkzeug } from './scrypt_werkzeug.js';
import { sha256 } from './sha256.js';
import { sha256_salted } from './sha256_salted.js';
import { sha512_symfony } from './sha512_symfony.js';

/** Settings a few hashers need from configuration. config.ts reads the environment; this folder never does. */
export interface HasherSettings {
  /** GATEHOUSE_BCRYPT_PEPPER: Devise's pepper, for bcrypt_peppered digests that do not carry their own. */
  bcryptPepper?: string | undefined;
}

const settings: HasherSettings = {};

/** Called once by the composition root; an empty pepper counts as none. */
export function configureHashers(next: HasherSettings): void {
  settings.bcryptPepper = next.bcryptPepper || undefined;
}

/**
 * Every `password_hasher` Gatehouse accepts. Adding an algorithm means one file in this folder and
 * one line here; the wire name is the key.
 */
export const hashers = {
  argon2i,
  argon2id,
  bcrypt,
  bcrypt_peppered: createBcryptPeppered(() => settings.bcryptPepper),
  bcrypt_sha256_django,
  ldap_ssha,
  md5,
  md5_phpass,
  md5_salted,
  pbkdf2_sha1,
  pbkdf2_sha256,
  pbkdf2_sha256_django,
  pbkdf2_sha512,
  pbkdf2_sha512_hex,
  phpass,
  scrypt_firebase,
  scrypt_werkzeug,
  sha256,
  sha256_salted,
  sha512_symfony,
} satisfies Record<string, Hasher>;

export type PasswordHasherName = keyof typeof hashers;

/** The algorithm new passwords are hashed with, and legacy digests are upgraded to. */
export const defaultHasher = argon2id;

export function isPasswordHasherName(name: string): name is PasswordHasherName {
  return Object.hasOwn(hashers, name);
}
