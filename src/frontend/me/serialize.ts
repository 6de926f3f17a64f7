import type { FullUserRow } from '../../users/store.js';
import type { MembershipJson } from '../../organizations/members/serialize.js';
import { serializeUser, type UserViewContext } from '../../users/serialize.js';
import { frontendMembership } from '../organizations/serialize.js';

// The user as the Frontend API shows it to the user themself: the Backend API's User JSON without
// `private_metadata` (which only the app's backend may read), with the user's organization memberships.

/**
 * The user with their organization memberships (each with its organization): clerk-js reads
 * `organization_memberships` to know which organizations the user may switch to.
 */
export function serializeFrontendUser(row: FullUserRow, ctx: UserViewContext, memberships: MembershipJson[] = []) {
  const { private_metadata: _hidden, ...user } = serializeUser(row, ctx);
  return { ...user, organization_memberships: memberships.map(frontendMembership) };
}

export type FrontendUserJson = ReturnType<typeof serializeFrontendUser>;

/** What a session shows about its user to anyone holding the client (Clerk's PublicUserData). */
export function publicUserData(row: FullUserRow, ctx: UserViewContext) {
  const user = serializeUser(row, ctx);
  const primaryEmail = row.email_addresses.find((e) => e.id === row.primary_email_address_id)?.email_address;
  const primaryPhone = row.phone_numbers.find((p) => p.id === row.primary_phone_number_id)?.phone_number;
  return {
    first_name: row.first_name,
    last_name: row.last_name,
    image_url: user.image_url,
    has_image: user.has_image,
    identifier: primaryEmail ?? row.username ?? primaryPhone ?? '',
    profile_image_url: user.profile_image_url,
    user_id: row.id,
  };
}
