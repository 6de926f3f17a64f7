import { DEFAULT_EMAIL_FROM, type Config } from '../config.js';

// How this process sends email, set once at start (createDeps → configureEmail), as the hashers' pepper
// is: sendEmail is called with a transaction's EventDeps from any feature, and must not need more.

export interface EmailSettings {
  /** The From header: `Name <address>` or `address` (GATEHOUSE_EMAIL_FROM). */
  from: string;
  /** Clerk's `from_email_name`: the From address's local part ("notifications"). */
  fromEmailName: string;
  /** `app.name` in templates: the From's display name, or "Gatehouse". */
  appName: string;
  /** Whether Gatehouse sends emails itself (SMTP_URL is set); otherwise the app does, from email.created. */
  smtp: boolean;
}

const NAMED = /^\s*"?([^"<]*?)"?\s*<([^<>\s@]+@[^<>\s@]+)>\s*$/;

export function emailSettingsFrom(config: Pick<Config, 'emailFrom' | 'smtpUrl'>): EmailSettings {
  const named = NAMED.exec(config.emailFrom);
  const address = named ? named[2]! : config.emailFrom.trim();
  return {
    from: config.emailFrom.trim(),
    fromEmailName: address.slice(0, address.indexOf('@')),
    appName: named?.[1]?.trim() || 'Gatehouse',
    smtp: config.smtpUrl !== undefined,
  };
}

let current = emailSettingsFrom({ emailFrom: DEFAULT_EMAIL_FROM, smtpUrl: undefined });

export function configureEmail(settings: EmailSettings): void {
  current = settings;
}

export function emailSettings(): EmailSettings {
  return current;
}
