// Every email Gatehouse sends, in one place: subject, plain text and HTML, keyed by Clerk's template slugs
// (Dashboard → Customization → Emails), so `email.created` events name them as Clerk does. A template
// takes the data its sender passes and also says what the event's `data` holds: Clerk's variable names
// (`otp_code`, `app.name`, `org.name`…), for apps that send the email themselves from their own templates.

/** Clerk's slugs of the emails Gatehouse sends. Do not rename: they go out in email.created. */
export const EMAIL_SLUGS = Object.freeze([
  'verification_code',
  'reset_password_code',
  'primary_email_address_changed',
  'password_changed',
  'organization_invitation',
  'invitation',
] as const);

export type EmailSlug = (typeof EMAIL_SLUGS)[number];

/** What every template may mention about the application (`app.name` in Clerk's templates). */
export interface AppInfo {
  name: string;
}

export interface RenderedEmail {
  subject: string;
  bodyPlain: string;
  bodyHtml: string;
  /** The email.created event's `data`: Clerk's template variables. */
  data: Record<string, unknown>;
}

interface Template {
  /** Keys the sender must pass in `data` (strings); a missing one is a programming error. */
  required: readonly string[];
  render(data: Record<string, string>, app: AppInfo, now: number): Omit<RenderedEmail, 'data'> & { data?: Record<string, unknown> };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value that reaches HTML goes through this: names and addresses are typed by people. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Clerk's `requested_at` format: "30 August 2022, 12:14 UTC". */
function requestedAt(now: number): string {
  const d = new Date(now);
  const month = d.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** The one HTML layout: a title and paragraphs already escaped by the caller. */
function layout(title: string, paragraphs: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">',
    '<div style="max-width:480px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">',
    ...paragraphs.map((p) => `<p style="font-size:15px;line-height:22px;margin:0 0 16px">${p}</p>`),
    '</div></body></html>',
  ].join('\n');
}

const code = (value: string) => `<strong style="font-size:28px;letter-spacing:4px">${escapeHtml(value)}</strong>`;
const link = (url: string, label: string) =>
  `<a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 18px;background:#335bf1;color:#ffffff;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a>`;
const IGNORE = 'If you did not request this, you can ignore this email.';

/** A one-time code email (sign-up, email verification, sign-in by email code, password reset). */
function codeTemplate(what: string, subjectTail: string): Template {
  return {
    required: ['code'],
    render({ code: otp }, app, now) {
      const at = requestedAt(now);
      return {
        subject: `${otp} is your ${subjectTail}`,
        bodyPlain: `${otp} is your ${what} for ${app.name}.\n\nDo not share this with anyone.\n\nIt was requested at ${at}. ${IGNORE}\n`,
        bodyHtml: layout(`${otp} is your ${subjectTail}`, [
          `Enter this ${escapeHtml(what)} to continue to ${escapeHtml(app.name)}:`,
          code(otp!),
          'Do not share this with anyone.',
          `It was requested at ${escapeHtml(at)}. ${IGNORE}`,
        ]),
        data: { otp_code: otp, requested_at: at },
      };
    },
  };
}

const TEMPLATES: Record<EmailSlug, Template> = {
  verification_code: codeTemplate('verification code', 'verification code'),
  reset_password_code: codeTemplate('password reset code', 'password reset code'),
  primary_email_address_changed: {
    required: ['new_email_address'],
    render({ new_email_address }, app) {
      const text = `The primary email address of your ${app.name} account was changed to ${new_email_address}.`;
      const warn = 'If you did not make this change, contact support right away.';
      return {
        subject: 'Your primary email address was changed',
        bodyPlain: `${text}\n\n${warn}\n`,
        bodyHtml: layout('Your primary email address was changed', [escapeHtml(text), warn]),
      };
    },
  },
  password_changed: {
    required: [],
    render(_data, app) {
      const text = `The password of your ${app.name} account was changed.`;
      const warn = 'If you did not make this change, reset your password and contact support right away.';
      return {
        subject: 'Your password was changed',
        bodyPlain: `${text}\n\n${warn}\n`,
        bodyHtml: layout('Your password was changed', [escapeHtml(text), warn]),
      };
    },
  },
  organization_invitation: {
    required: ['organization_name', 'action_url'],
    render({ organization_name, inviter_name, action_url }, app) {
      const who = inviter_name ? `${inviter_name} has invited you` : 'You have been invited';
      const text = `${who} to join ${organization_name} on ${app.name}.`;
      return {
        subject: inviter_name ? `${inviter_name} invited you to join ${organization_name}` : `Invitation to join ${organization_name}`,
        bodyPlain: `${text}\n\nAccept the invitation: ${action_url}\n`,
        bodyHtml: layout(`Invitation to join ${organization_name}`, [escapeHtml(text), link(action_url!, 'Accept invitation')]),
        data: { org: { name: organization_name } },
      };
    },
  },
  invitation: {
    required: ['action_url'],
    render({ action_url }, app) {
      const text = `You have been invited to join ${app.name}.`;
      return {
        subject: `You are invited to join ${app.name}`,
        bodyPlain: `${text}\n\nAccept the invitation: ${action_url}\n`,
        bodyHtml: layout(`You are invited to join ${app.name}`, [escapeHtml(text), link(action_url!, 'Accept invitation')]),
      };
    },
  },
};

/**
 * The email `slug` says, filled with `data` (the sender's values, strings). The event data is the
 * sender's data (the one-time code under Clerk's name `otp_code`, never twice) plus `app`.
 */
export function renderEmail(slug: EmailSlug, data: Record<string, unknown>, app: AppInfo, now: number): RenderedEmail {
  const template = TEMPLATES[slug];
  if (!template) throw new Error(`unknown email template ${String(slug)}`);
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new Error(`email ${slug}: data.${key} must be a string`);
    strings[key] = value;
  }
  for (const key of template.required) {
    if (!strings[key]) throw new Error(`email ${slug} needs data.${key}`);
  }
  const { data: extra, ...rendered } = template.render(strings, app, now);
  const { code: _code, ...rest } = strings;
  return { ...rendered, data: { app: { name: app.name }, ...rest, ...extra } };
}
