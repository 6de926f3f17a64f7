import type { Executor } from '../../db/database.js';
import { sendEmail, type EmailSlug } from '../../email/service.js';
import type { RequestDeps } from '../plumbing/request-deps.js';
import { issueCode, type IssuedCode } from './service.js';

export interface CodeEmail {
  /** What the code verifies (see codes/service.ts). */
  key: string;
  slug: Extract<EmailSlug, 'verification_code' | 'reset_password_code'>;
  to: string;
  userId: string | null;
  emailAddressId: string | null;
}

/**
 * Issues a code for `key` and emails it, in the caller's transaction: the code exists exactly when its
 * email (SMTP, or the email.created event an app delivers itself) does.
 */
export async function sendCode(deps: RequestDeps & { db: Executor }, email: CodeEmail): Promise<IssuedCode> {
  const issued = await issueCode(deps, email.key);
  await sendEmail(deps, { slug: email.slug, to: email.to, userId: email.userId, emailAddressId: email.emailAddressId, data: { code: issued.code } });
  return issued;
}
