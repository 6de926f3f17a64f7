import { paramError, ClerkError } from '../http/clerk-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { hashBackupCodes, InvalidBackupCodeError } from './backup-codes.js';
import { InvalidTotpSecretError, parseTotpSecret } from './totp.js';

/** Validates an imported TOTP secret and seals it for storage; null removes it. */
export function prepareTotpSecret(secretBox: SecretBox, secret: string | null): string | null {
  if (secret === null) return null;
  try {
    parseTotpSecret(secret);
  } catch (error) {
    if (!(error instanceof InvalidTotpSecretError)) throw error;
    throw new ClerkError('invalid_totp_secret_code', { meta: { param_name: 'totp_secret' } });
  }
  // Stored normalised (upper case, no spaces or padding), so verification decodes one form only.
  return secretBox.seal(secret.replace(/[\s=]/g, '').toUpperCase());
}

/** Hashes imported backup codes (plain or bcrypt digests) for storage. */
export async function prepareBackupCodes(codes: string[]): Promise<string[]> {
  try {
    return await hashBackupCodes(codes);
  } catch (error) {
    if (!(error instanceof InvalidBackupCodeError)) throw error;
    throw paramError('form_param_format_invalid', 'backup_codes', `backup_codes: ${error.message}`);
  }
}
