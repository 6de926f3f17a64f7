// Caps on the cost parameters of *imported* digests, so that a crafted digest cannot make one
// verification eat the server's memory or CPU (the idea of ory/kratos hash/hash_limits.go).
// Timings are from a 2-core CI box (Node 20); each verify runs off the event loop.

/** No real digest is longer than ~250 characters (scrypt_firebase with a 64-byte key); salts longer than this only multiply work. */
export const DIGEST_MAX_LENGTH = 1024;
/** Below 128 bits of stored hash, random passwords start to collide with a truncated digest; no real exporter writes less. */
export const MIN_HASH_BYTES = 16;

/** bcrypt cost 15 takes ~2 s per verify here; Clerk's importer refuses more (clerk/cli hashShapeProblem). */
export const BCRYPT_MAX_COST = 15;
/** 64 MiB per verify: 3× the OWASP argon2id minimum (19 MiB), still safe with a few verifies in flight. */
export const ARGON2_MAX_MEMORY_KIB = 64 * 1024;
/** RFC 9106 recommends t=1..3 for interactive use; 10 leaves room for paranoid exports. */
export const ARGON2_MAX_TIME_COST = 10;
/** More lanes than our thread pool has cores buys an attacker nothing but our threads. */
export const ARGON2_MAX_PARALLELISM = 16;

/** Django 5.2 writes 1,000,000 and OWASP (2023) asks 1,300,000 for PBKDF2-HMAC-SHA1; 2M (~1 s for SHA-1) leaves headroom. */
export const PBKDF2_MAX_ITERATIONS = 2_000_000;
/** SHA-512's output size (Keycloak's longest export); each extra hash-sized block repeats every iteration. */
export const PBKDF2_MAX_KEY_BYTES = 64;

/** 128·N·r bytes: 2× Werkzeug's default N=32768,r=8 (32 MiB, ~100 ms) and 4× Firebase's N=2^14,r=8; same cap as argon2. */
export const SCRYPT_MAX_MEMORY_BYTES = 64 * 1024 * 1024;
/** Werkzeug and Firebase use p=1; Node runs the p lanes one after another, so each lane adds a full pass of time. */
export const SCRYPT_MAX_PARALLELISM = 4;

/** passlib's default is 19 (2^19 MD5 rounds, ~0.9 s in a pool worker); WordPress writes 13, phpBB 11. phpass allows 30 (~30 min). */
export const PHPASS_MAX_LOG2_ROUNDS = 19;
/** 20× Symfony's default of 5000 SHA-512 rounds, ~0.2 s in a pool worker. */
export const SHA512_SYMFONY_MAX_ITERATIONS = 100_000;
