// Row → Clerk JSON for the three identification objects. Do not rename the JSON fields: they are
// Clerk's wire format, and @clerk/backend's fromJSON crashes without `linked_to`.

interface IdentificationBase {
  id: string;
  verified: boolean;
  created_at: number;
  updated_at: number;
}

/** Identifiers added by the Backend API are verified with strategy `admin`; unverified ones have none yet. */
function verification(verified: boolean) {
  return verified ? { status: 'verified', strategy: 'admin', attempts: null, expire_at: null } : null;
}

export function serializeEmailAddress(row: IdentificationBase & { email_address: string; reserved?: boolean }) {
  return {
    id: row.id,
    object: 'email_address' as const,
    email_address: row.email_address,
    reserved: row.reserved ?? false,
    verification: verification(row.verified),
    linked_to: [],
    matches_sso_connection: false,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function serializePhoneNumber(
  row: IdentificationBase & {
    phone_number: string;
    reserved?: boolean;
    reserved_for_second_factor?: boolean;
    default_second_factor?: boolean;
  },
) {
  return {
    id: row.id,
    object: 'phone_number' as const,
    phone_number: row.phone_number,
    reserved_for_second_factor: row.reserved_for_second_factor ?? false,
    default_second_factor: row.default_second_factor ?? false,
    reserved: row.reserved ?? false,
    verification: verification(row.verified),
    linked_to: [],
    backup_codes: null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function serializeWeb3Wallet(row: IdentificationBase & { web3_wallet: string }) {
  return {
    id: row.id,
    object: 'web3_wallet' as const,
    web3_wallet: row.web3_wallet,
    verification: verification(row.verified),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
