import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_totp_replay.js';
import * as m0003 from './0003_sessions.js';
import * as m0005 from './0005_search_indexes.js';
import * as m0006 from './0006_events.js';
import * as m0007 from './0007_email_outbox.js';
import * as m0008 from './0008_webhook_delivery.js';
import * as m0010 from './0010_secret_key_sources.js';
import * as m0011 from './0011_encryption_key_check.js';
import * as m0013 from './0013_user_search.js';
import * as m0018 from './0018_frontend_clients.js';
import * as m0019 from './0019_verification_codes.js';
import * as m0020 from './0020_rate_limits.js';
import * as m0022 from './0022_organizations.js';
import * as m0023 from './0023_invitations.js';
import * as m0024 from './0024_images.js';
import * as m0025 from './0025_session_active_organization.js';
import * as m0026 from './0026_row_counts.js';
import * as m0027 from './0027_sign_up_tickets.js';
import * as m0028 from './0028_user_search_matches.js';
import * as m0029 from './0029_user_search_compose.js';
import * as m0030 from './0030_user_search_ids_array.js';
import * as m0031 from './0031_user_search_created_at.js';
import * as m0032 from './0032_user_search_first.js';

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
  '0008_webhook_delivery': m0008,
  '0010_secret_key_sources': m0010,
  '0011_encryption_key_check': m0011,
  '0013_user_search': m0013,
  '0018_frontend_clients': m0018,
  '0019_verification_codes': m0019,
  '0020_rate_limits': m0020,
  '0022_organizations': m0022,
  '0023_invitations': m0023,
  '0024_images': m0024,
  '0025_session_active_organization': m0025,
  '0026_row_counts': m0026,
  '0027_sign_up_tickets': m0027,
  '0028_user_search_matches': m0028,
  '0029_user_search_compose': m0029,
  '0030_user_search_ids_array': m0030,
  '0031_user_search_created_at': m0031,
  '0032_user_search_first': m0032,
};
