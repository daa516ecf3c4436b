import { SetMetadata } from '@nestjs/common';

export const ROLES_KEY = 'auth:roles';

export interface RoleRequirement {
  roles: readonly string[];
  /** 'any': one of the roles suffices; 'all': every role is needed. */
  match: 'any' | 'all';
}

/** App roles of which the caller needs at least one. App roles authorize app-only tokens only. */
export const Roles = (...roles: string[]) =>
  SetMetadata(ROLES_KEY, { roles, match: 'any' } satisfies RoleRequirement);

/** App roles the caller needs all of. */
export const AllRoles = (...roles: string[]) =>
  SetMetadata(ROLES_KEY, { roles, match: 'all' } satisfies RoleRequirement);
