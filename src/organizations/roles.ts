// The organization roles Gatehouse knows: Clerk's two default roles and their system permissions
// (clerk.com/docs/organizations/roles-permissions). Custom roles and permissions do not exist yet, so a role
// outside this table is refused where one is given. Do not rename the keys: they are wire values.

export const SYSTEM_PERMISSIONS = Object.freeze([
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  'org:sys_memberships:manage',
  'org:sys_domains:read',
  'org:sys_domains:manage',
] as const);

export type Permission = (typeof SYSTEM_PERMISSIONS)[number];

interface Role {
  name: string;
  permissions: readonly Permission[];
}

export const ROLES = Object.freeze({
  'org:admin': { name: 'Admin', permissions: SYSTEM_PERMISSIONS },
  'org:member': { name: 'Member', permissions: ['org:sys_memberships:read'] },
} satisfies Record<string, Role>);

export type RoleKey = keyof typeof ROLES;

/** The role an organization's creator gets (Clerk's default creator_role). */
export const CREATOR_ROLE: RoleKey = 'org:admin';

/**
 * A role that may manage memberships: an organization keeps at least one member holding it
 * (organization_minimum_permissions_needed).
 */
export const MANAGING_PERMISSION: Permission = 'org:sys_memberships:manage';

export function isRole(key: string): key is RoleKey {
  return Object.hasOwn(ROLES, key);
}

export function roleName(key: string): string {
  return isRole(key) ? ROLES[key].name : key;
}

export function rolePermissions(key: string): Permission[] {
  return isRole(key) ? [...ROLES[key].permissions] : [];
}

/** The roles whose holders can manage memberships (Clerk calls this the "minimum permissions"). */
export function managingRoles(): RoleKey[] {
  return (Object.keys(ROLES) as RoleKey[]).filter((key) => (ROLES[key].permissions as readonly string[]).includes(MANAGING_PERMISSION));
}

/**
 * The permissions a session token carries for a role: Clerk leaves the system permissions out of session
 * claims to keep tokens small (clerk/javascript#4816), so the two default roles carry none.
 */
export function tokenPermissions(key: string): string[] {
  return rolePermissions(key).filter((permission) => !permission.startsWith('org:sys_'));
}
