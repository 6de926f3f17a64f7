import type { Deps } from '../../deps.js';
import type { SessionRow } from '../../db/schema.js';
import { ClerkError } from '../../http/clerk-error.js';

/**
 * The organization a session makes active (touch with `active_organization_id`, tokens for
 * `organization_id`). Until organizations exist, only the personal workspace (null or empty) is valid;
 * the organizations feature replaces this with a membership check and stores the choice on the session.
 */
export async function resolveActiveOrganization(_deps: Deps, _session: SessionRow, organizationId: string | null): Promise<void> {
  if (organizationId === null || organizationId === '') return;
  throw new ClerkError('resource_not_found', { message: 'not found', long_message: 'Given organization not found.' });
}
