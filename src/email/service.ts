import { newId } from '../lib/ids.js';
import { recordEvent, type EventDeps } from '../webhooks/record.js';
import { emailSettings } from './settings.js';
import { insertQueuedEmail } from './store.js';
import { renderEmail, type EmailSlug } from './templates.js';

export type { EmailSlug } from './templates.js';

/** Clerk's Email object, the `data` of email.created (webhooks spec, EmailEventPayload). Do not rename the JSON fields. */
export interface EmailJson {
  object: 'email';
  id: string;
  slug: EmailSlug;
  from_email_name: string;
  reply_to_email_name: string | null;
  to_email_address: string;
  email_address_id: string | null;
  user_id: string | null;
  subject: string;
  body: string;
  body_plain: string;
  status: 'queued';
  data: Record<string, unknown>;
  delivered_by_clerk: boolean;
}

export interface OutgoingEmail {
  slug: EmailSlug;
  to: string;
  /** The user it is about, when there is one (Clerk's `user_id`). */
  userId: string | null;
  /** The identification `to` belongs to, when it is one (Clerk's `email_address_id`). */
  emailAddressId: string | null;
  /** The template's values (see templates.ts: `code`, `new_email_address`, `action_url`…). */
  data: Record<string, unknown>;
}

/**
 * Sends an email as part of the caller's change, inside its transaction (`deps.db`): renders the
 * template, records Clerk's `email.created` event, and, when SMTP_URL is configured, queues the email for
 * the delivery worker, which sends it once the transaction has committed (at least once; never for a
 * change that rolled back). Without SMTP the event is the only output and says `delivered_by_clerk:
 * false`: the app sends the email itself, as Clerk allows.
 */
export async function sendEmail(deps: EventDeps, email: OutgoingEmail): Promise<void> {
  if (!deps.db.isTransaction) throw new Error('sendEmail must run inside the transaction of the change it belongs to');
  const settings = emailSettings();
  const now = deps.clock.now();
  const rendered = renderEmail(email.slug, email.data, { name: settings.appName }, now);
  const id = newId('ema', now);
  const json: EmailJson = {
    object: 'email',
    id,
    slug: email.slug,
    from_email_name: settings.fromEmailName,
    reply_to_email_name: null,
    to_email_address: email.to,
    email_address_id: email.emailAddressId,
    user_id: email.userId,
    subject: rendered.subject,
    body: rendered.bodyHtml,
    body_plain: rendered.bodyPlain,
    status: 'queued',
    data: rendered.data,
    delivered_by_clerk: settings.smtp,
  };
  await recordEvent(deps, 'email.created', json);
  if (!settings.smtp) return;
  await insertQueuedEmail(deps.db, {
    id,
    from_address: settings.from,
    to_address: email.to,
    subject: rendered.subject,
    body_plain: rendered.bodyPlain,
    body_html: rendered.bodyHtml,
    status: 'queued',
    next_attempt_at: now,
    locked_until: null,
    last_error: null,
    created_at: now,
  });
}
