import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_totp_replay.js';
import * as m0003 from './0003_sessions.js';
import * as m0005 from './0005_search_indexes.js';
import * as m0006 from './0006_events.js';
import * as m0007 from './0007_email_outbox.js';
import * as m0018 from './0018_frontend_clients.js';
import * as m0019 from './0019_verification_codes.js';
import * as m0020 from './0020_rate_limits.js';

/**
 * Forward-only migrations, in order. A migration that has shipped is never edited: add a new file
 * and a new line here.
 */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_totp_replay': m0002,
  '0003_sessions': m0003,
  '0005_search_indexes': m0005,
  '0006_events': m0006,
  '0007_email_outbox': m0007,
  '0018_frontend_clients': m0018,
  '0019_verification_codes': m0019,
  '0020_rate_limits': m0020,
};
