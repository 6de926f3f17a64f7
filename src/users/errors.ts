import { ClerkError } from '../http/clerk-error.js';

// The users feature's errors, built here once: every feature that looks a user up by id answers the
// same 404 (Clerk: resource_not_found, "No user was found with id …").

/** 404 for a user id that names no user; `param` names the parameter that carried it, when one did. */
export function userNotFound(userId: string, param?: string): ClerkError {
  return new ClerkError('resource_not_found', { ...(param ? { meta: { param_name: param } } : {}), long_message: `No user was found with id ${userId}` });
}
