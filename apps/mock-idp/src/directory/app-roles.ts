// Which app roles an application (a service principal or managed identity) can hold, as Entra
// decides it for client-credentials tokens and for AADSTS501051.
import { createHash, randomBytes } from 'node:crypto';
import type { AppRole, Application } from './directory.types.js';
import { guidBytes } from './guid.js';

/** Graph's "default access" app role: assigned to the app without any specific role. */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

export function applicationCanHold(role: AppRole): boolean {
  return role.isEnabled && role.allowedMemberTypes.includes('Application');
}

/**
 * The default access is assignable to a resource none of whose roles an application can hold
 * (Graph documents it for resources that declare no app roles).
 */
export function acceptsDefaultAccess(resource: Application): boolean {
  return !resource.appRoles.some(applicationCanHold);
}

/** Whether an assignment of `appRoleId` on `resource` gives an application access to it. */
export function assignmentGrantsAccess(resource: Application, appRoleId: string): boolean {
  if (appRoleId === DEFAULT_ACCESS_ROLE_ID) return acceptsDefaultAccess(resource);
  return resource.appRoles.some((role) => role.id === appRoleId && applicationCanHold(role));
}

/**
 * Graph's appRoleAssignment ids are not GUIDs: 32 bytes base64url, starting with the principal's
 * object id. The other 16 bytes: derived from (resource, role) for assignments of the directory
 * file (same id at every start), random for assignments created through Graph.
 */
export function appRoleAssignmentId(
  principalId: string,
  discriminator: { resourceId: string; appRoleId: string } | 'random',
): string {
  const rest =
    discriminator === 'random'
      ? randomBytes(16)
      : createHash('sha256')
          .update(`${discriminator.resourceId}/${discriminator.appRoleId}`)
          .digest()
          .subarray(0, 16);
  return Buffer.concat([guidBytes(principalId), rest]).toString('base64url');
}
