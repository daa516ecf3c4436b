import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'auth:roles';

export interface RoleRequirement {
  roles: readonly string[];
  /** 'any': one of the roles suffices; 'all': every role is needed. */
  match: 'any' | 'all';
}

function roleRequirement(decorator: string, roles: string[], match: RoleRequirement['match']) {
  // An empty list would read as "a role is required" while requiring none: refuse it when the
  // controller is loaded.
  if (roles.length === 0 || roles.some((role) => typeof role !== 'string' || role.length === 0)) {
    throw new Error(`${decorator}() needs at least one non-empty app role name`);
  }
  return SetMetadata(ROLES_KEY, { roles, match } satisfies RoleRequirement);
}

/** App roles of which the caller needs at least one. App roles authorize app-only tokens only. */
export const Roles = (...roles: string[]) => roleRequirement('Roles', roles, 'any');

/** App roles the caller needs all of. */
export const AllRoles = (...roles: string[]) => roleRequirement('AllRoles', roles, 'all');
