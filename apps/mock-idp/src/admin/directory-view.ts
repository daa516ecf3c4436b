// The directory as the console shows it: every id, name and relation, with names resolved for
// role assignments and containers; credentials reduced to their key ids (no secret, no hash).
import type { IdentityDirectory } from '../directory/identity-directory.js';
import type { Tenant } from '../directory/directory.types.js';

function principalName(tenant: Tenant, principalId: string): string | undefined {
  return (
    tenant.managedIdentities.find((identity) => identity.principalId === principalId)?.name ??
    tenant.applications.find((app) => app.servicePrincipal?.objectId === principalId)?.displayName
  );
}

export function directoryView(directory: IdentityDirectory) {
  return {
    tenants: directory.tenants.map((tenant) => ({
      tenantId: tenant.tenantId,
      displayName: tenant.displayName,
      applications: tenant.applications.map((app) => ({
        displayName: app.displayName,
        appId: app.appId,
        objectId: app.objectId,
        identifierUris: app.identifierUris,
        requestedAccessTokenVersion: app.requestedAccessTokenVersion,
        appRoles: app.appRoles,
        servicePrincipal: app.servicePrincipal,
        passwordCredentialKeyIds: app.passwordCredentials.map((credential) => credential.keyId),
        keyCredentialKeyIds: app.keyCredentials.map((credential) => credential.keyId),
        federatedIdentityCredentials: app.federatedIdentityCredentials,
      })),
      managedIdentities: tenant.managedIdentities.map((identity) => ({
        ...identity,
        containers: directory.containers
          .filter((container) => container.managedIdentities.includes(identity.principalId))
          .map((container) => ({
            name: container.name,
            identityHeader: container.identityHeader,
            servesImds: container.servesImds,
          })),
      })),
      appRoleAssignments: tenant.appRoleAssignments.map((assignment) => {
        const resource = tenant.applications.find(
          (app) => app.servicePrincipal?.objectId === assignment.resourceId,
        );
        return {
          ...assignment,
          principalName: principalName(tenant, assignment.principalId),
          resourceName: resource?.displayName,
          appRoleValue:
            resource?.appRoles.find((role) => role.id === assignment.appRoleId)?.value ??
            (/^0{8}-(0{4}-){3}0{12}$/.test(assignment.appRoleId) ? '(default access)' : undefined),
        };
      }),
    })),
    containers: directory.containers,
  };
}
