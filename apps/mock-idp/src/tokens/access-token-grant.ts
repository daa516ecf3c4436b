// The decision every token endpoint shares once the caller is known: does the resource exist in
// the tenant, may this caller have a token for it, and which app roles go into it.
import { Injectable } from '@nestjs/common';
import type { Tenant } from '../directory/directory.types.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraErrors } from '../errors/entra-error.js';
import { TokenFactory, type IssuedToken, type TokenCaller } from './token-factory.js';

@Injectable()
export class AccessTokenGrant {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly tokens: TokenFactory,
  ) {}

  async grant(
    tenant: Tenant,
    caller: TokenCaller,
    resourceIdentifier: string,
    lifetimeSeconds: number,
  ): Promise<IssuedToken> {
    const resource = this.directory.resource(tenant, resourceIdentifier);
    if (!resource) throw EntraErrors.resourceNotFound(resourceIdentifier, tenant.tenantId);
    if (
      resource.app.servicePrincipal.appRoleAssignmentRequired &&
      !this.directory.hasAnyAssignment(tenant, caller.principalId, resource.app)
    ) {
      throw EntraErrors.roleAssignmentRequired(caller.appId, resourceIdentifier);
    }
    const roles = this.directory.assignedRoles(tenant, caller.principalId, resource.app);
    return this.tokens.issue({ tenant, resource, caller, roles, lifetimeSeconds });
  }
}
