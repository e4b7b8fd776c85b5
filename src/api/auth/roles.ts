// The four roles and what each may do: viewer reads; operator reinstates and runs campaigns;
// security-officer handles keys and export approvals; admin does everything, users included.

export const ROLES = ['viewer', 'operator', 'security-officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a route asks for: `public` (no credentials) or the least role that may call it. */
export type Access = 'public' | Role;

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/**
 * Whether `role` may call a route that needs `need`. Every role includes viewer; operator and
 * security-officer are separate duties (neither includes the other); admin includes all.
 */
export function allows(role: Role, need: Role): boolean {
  if (role === 'admin' || need === 'viewer') return true;
  return role === need;
}
