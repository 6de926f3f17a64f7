// Every error code a client can see, with its HTTP status and Clerk's default wording
// (clerk-docs data/api_errors.json, 2025-05).
// Do not rename the codes: they are the wire contract that @clerk/backend callers match on.
// `long` may use `{param}`, filled from meta.param_name.
export const errorCodes = {
  authorization_header_format_invalid: {
    status: 401,
    message: 'Invalid Authorization header format',
    long: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
  },
  clerk_key_invalid: {
    status: 401,
    message: 'The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.',
  },
  request_body_invalid: {
    status: 400,
    message: 'Request body invalid',
    long: 'The request body is invalid. Please consult the API documentation for more information.',
  },
  unsupported_content_type: { status: 415, message: 'Content-Type is unsupported', long: 'Content-Type is unsupported. You should use application/json instead.' },
  resource_not_found: { status: 404, message: 'not found', long: 'The requested resource was not found.' },
  form_param_unknown: { status: 422, message: 'is unknown', long: '{param} is not a valid parameter for this request.' },
  form_param_missing: { status: 422, message: 'is missing', long: '{param} must be included.' },
  form_param_nil: { status: 422, message: 'is missing', long: '{param} must not be null.' },
  form_param_format_invalid: { status: 422, message: 'is invalid', long: '{param} is invalid.' },
  form_param_type_invalid: { status: 422, message: 'is invalid', long: '`{param}` has the wrong type.' },
  form_param_value_invalid: { status: 422, message: 'is invalid', long: '{param} is invalid.' },
  form_param_max_length_exceeded: { status: 422, message: 'exceeds maximum length', long: '{param} is too long.' },
  form_param_exceeds_allowed_size: { status: 422, message: 'exceeds the maximum allowed size', long: '{param} exceeds the maximum allowed size.' },
  form_param_invalid_time: {
    status: 422,
    message: 'invalid format',
    long: '{param} must contain a datetime specified in RFC3339 format (e.g. `2022-10-20T10:00:27.645Z`).',
  },
  form_conditional_param_missing: { status: 422, message: 'is missing', long: '{param} is required.' },
  form_identifier_exists: { status: 422, message: 'That identifier is taken. Please try another.' },
  form_resource_not_found: {
    status: 422,
    message: 'is missing',
    long: 'The resource associated with the supplied {param} was not found.',
  },
  form_verification_needed: {
    status: 422,
    message: 'is unverified',
    long: 'This identification needs to be verified before you can perform this action.',
  },
  form_username_invalid_length: { status: 422, message: 'Username must be between 4 and 64 characters long.' },
  form_username_invalid_character: {
    status: 422,
    message: "Username can only contain letters, numbers and '_' or '-'.",
  },
  form_username_needs_non_number_char: { status: 422, message: 'Username must contain one non-number character.' },
  form_password_length_too_short: { status: 422, message: 'Passwords must be 8 characters or more.' },
  form_password_length_too_long: { status: 422, message: 'Passwords must be less than 72 characters.' },
  form_password_size_in_bytes_exceeded: {
    status: 422,
    message: 'Your password has exceeded the maximum number of bytes allowed, please shorten it or remove some special characters.',
  },
  form_password_pwned: {
    status: 422,
    message: 'Password has been found in an online data breach. For account safety, please use a different password.',
  },
  form_password_not_strong_enough: { status: 422, message: 'Given password is not strong enough.' },
  form_password_no_uppercase: { status: 422, message: 'Passwords must contain at least one uppercase character.' },
  form_password_no_lowercase: { status: 422, message: 'Passwords must contain at least one lowercase character.' },
  form_password_no_number: { status: 422, message: 'Passwords must contain at least one number.' },
  form_password_no_special_char: { status: 422, message: 'Passwords must contain at least one special character.' },
  identification_deletion_failed: { status: 400, message: 'Deletion failed', long: 'You cannot delete your last identification.' },
  incorrect_password: {
    status: 422,
    message: 'incorrect password',
    long: 'The provided password is not the one the user has set',
  },
  no_password_set: {
    status: 400,
    message: 'no password set',
    long: 'This user does not have a password set for their account',
  },
  invalid_totp_secret_code: {
    status: 422,
    message: 'invalid TOTP secret',
    long: 'The TOTP secret is invalid, please provide a valid one base32 encoded',
  },
  user_banned: {
    status: 403,
    message: 'User banned',
    long: 'You have been banned. If you think this was by mistake, please contact support.',
  },
  request_invalid_for_environment: {
    status: 400,
    message: 'Invalid request for environment',
    long: 'Request only valid for development instances.',
  },
  user_locked: {
    status: 403,
    message: 'Account locked',
    long: 'Your account is locked. For more information, please contact support.',
  },
  totp_disabled: { status: 400, message: 'TOTP is disabled', long: 'This user does not have TOTP enabled in their account' },
  totp_incorrect_code: { status: 422, message: 'incorrect TOTP', long: 'The provided TOTP code is incorrect' },
  totp_invalid_length: { status: 422, message: 'invalid length', long: 'The provided TOTP code must be 6 characters long.' },
  too_many_requests: { status: 429, message: 'Too many requests', long: 'Too many requests, retry later' },
  // Gatehouse's own codes for what Node's HTTP parser refuses before a route is found; Clerk's wording unknown.
  request_uri_too_long: { status: 414, message: 'Request URI too long', long: 'The request URI is longer than the server accepts.' },
  request_timeout: { status: 408, message: 'Request timeout', long: 'The request was not received in time.' },
  malformed_request: { status: 400, message: 'Malformed request', long: 'The request is not valid HTTP.' },
  request_header_fields_too_large: {
    status: 431,
    message: 'Request header fields too large',
    long: 'The request headers are larger than the server accepts.',
  },
  // Frontend API only (AE25 usage.fapi): what a browser or app signing in, signing up or managing itself sees.
  form_identifier_not_found: { status: 422, message: "Couldn't find your account." },
  form_password_incorrect: { status: 422, message: 'Password is incorrect. Try again, or use another method.' },
  form_code_incorrect: { status: 422, message: 'is incorrect', long: 'Incorrect code' },
  strategy_for_user_invalid: { status: 400, message: 'Invalid verification strategy', long: 'The verification strategy is not valid for this account' },
  verification_strategy_invalid: { status: 400, message: 'has invalid strategy', long: 'The strategy is not valid for the current verification.' },
  verification_missing: {
    status: 400,
    message: 'is missing',
    long: 'This strategy requires verification preparation before attempting to validate it.',
  },
  verification_expired: { status: 400, message: 'expired', long: 'This verification has expired. You must create a new one.' },
  verification_failed: {
    status: 400,
    message: 'failed',
    long: 'Too many failed attempts. You have to try again with the same or another method.',
  },
  verification_already_verified: { status: 400, message: 'already verified', long: 'This verification has already been verified.' },
  session_exists: { status: 400, message: 'Session already exists', long: "You're already signed in." },
  identifier_already_signed_in: { status: 400, message: "You're already signed in", long: "You're already signed in" },
  client_state_invalid: { status: 400, message: 'Invalid action', long: 'We were unable to complete this action for this Client.' },
  dev_browser_unauthenticated: {
    status: 401,
    message: 'Browser unauthenticated',
    long: 'Unable to authenticate this browser for your development instance. Check your Clerk cookies and try again.',
  },
  origin_invalid: {
    status: 400,
    message: 'Invalid HTTP Origin header',
    long: 'The Request HTTP Origin header must be equal to or a subdomain of the requesting URL.',
  },
  authentication_invalid: {
    status: 401,
    message: 'Invalid authentication',
    long: 'Unable to authenticate the request, you need to supply an active session',
  },
  signed_out: { status: 401, message: 'Signed out', long: 'You are signed out' },
  totp_already_enabled: { status: 400, message: 'TOTP already enabled', long: 'TOTP is already enabled on your account' },
  backup_codes_not_available: {
    status: 400,
    message: 'Backup codes not available',
    long: 'In order to use backup codes, you have to enable any other Multi-factor method',
  },
  user_delete_self_not_enabled: { status: 403, message: 'delete self not enabled', long: 'Self deletion is not enabled for this user' },
  password_required: {
    status: 400,
    message: 'password required',
    long: "Settings for this instance require a password to be set. Cannot remove the user's password.",
  },
  updating_user_password_deprecated: {
    status: 403,
    message: 'deprecated feature',
    long: 'Password is not a valid parameter and can only be updated via /v1/me/change_password',
  },
  sign_up_mode_restricted: { status: 403, message: 'Sign-ups restricted', long: 'New sign-ups are currently restricted.' },
  verification_code_too_many_requests: {
    status: 429,
    message: 'Too many verification code requests',
    long: 'Too many verification code requests. Please wait at least 30 seconds to receive your code before trying again.',
  },
  // Organizations (AE25/AE26 organizations.go, users.go). `long` texts with <…> are filled by the service.
  organization_creator_not_found: { status: 400, message: 'creator not found', long: 'No users found with id {param}.' },
  user_create_organization_not_enabled: {
    status: 403,
    message: 'create organization not enabled',
    long: 'Organization creation is not enabled for this user',
  },
  org_creation_limit_exceeded: {
    status: 403,
    message: 'Organization Creation Limit Exceeded',
    long: 'You have exceeded the maximum number of organizations you can create.',
  },
  organization_membership_quota_exceeded: {
    status: 403,
    message: 'organization membership quota exceeded',
    long: 'You have reached your limit of organization memberships, including outstanding invitations.',
  },
  organization_minimum_permissions_needed: {
    status: 400,
    message: 'minimum organization permissions needed',
    long: 'There has to be at least one organization member with the minimum required permissions',
  },
  already_a_member_in_organization: { status: 400, message: 'already a member', long: 'The user is already a member of the organization.' },
  not_a_member_in_organization: {
    status: 403,
    message: 'not a member',
    long: 'Current user is not a member of the organization. Only organization members can perform this action.',
  },
  not_an_admin_in_organization: {
    status: 403,
    message: 'not an administrator',
    long: 'The user is not an administrator in the organization. Only administrators can perform this action.',
  },
  // The Frontend API with organization_settings.enabled off (Clerk's text, as clerk-js users report it).
  organization_not_enabled_in_instance: {
    status: 403,
    message: 'access denied',
    long: 'The organizations feature is not enabled for this instance. You can enable it at https://dashboard.clerk.com.',
  },
  // Unsourced code (Clerk's text for an organization whose admin_delete_enabled is off is not published).
  organization_admin_delete_not_enabled: {
    status: 403,
    message: 'deletion not enabled',
    long: 'Deleting this organization is not enabled. Ask the application to delete it.',
  },
  organization_invitation_not_unique: {
    status: 400,
    message: 'organization invitation not unique',
    long: 'Organizations cannot have duplicate pending invitations for an email address.',
  },
  organization_invitation_not_pending: { status: 404, message: 'not pending', long: "The organization invitation is not in the 'pending' status." },
  organization_invitation_revoked_code: {
    status: 400,
    message: 'invitation has been revoked',
    long: 'This invitation has been revoked and cannot be used anymore.',
  },
  organization_invitation_already_accepted: {
    status: 400,
    message: 'invitation has already been accepted',
    long: 'This invitation has already been accepted. Sign in instead.',
  },
  organization_domain_already_exists: { status: 422, message: 'organizaton domain already exists', long: 'This domain is already used by another organization.' },
  organization_domain_common: { status: 422, message: 'common email domain', long: 'This is a common email provider domain. Please use a different one.' },
  // Instance invitations (invitations.go).
  duplicate_record: { status: 400, message: 'duplicate record', long: 'There are already pending invitations for the following email addresses.' },
  invitation_already_revoked: { status: 400, message: 'Invitation is already revoked.', long: 'Invitation is already revoked.' },
  invitation_already_accepted: {
    status: 400,
    message: 'Invitation is already accepted, try signing in instead.',
    long: 'Invitation is already accepted, try signing in instead.',
  },
  // Images (images.go).
  image_too_large: { status: 413, message: 'Image too large', long: 'The image being uploaded is more than 10MB. Please choose a smaller one.' },
  image_not_found: { status: 404, message: 'Image not found', long: 'Image not found' },
  internal_clerk_error: {
    status: 500,
    message: 'Oops, an unexpected error occurred',
    long: "There was an internal error on our servers. We've been notified and are working on fixing it.",
  },
} as const satisfies Record<string, { status: number; message: string; long?: string }>;

export type ErrorCode = keyof typeof errorCodes;
