// The directory's objects as Microsoft Graph returns them (v1.0 property names and defaults for
// what the emulator does not model). `{authority}` templates of the directory file read back as
// the real URLs: clients compare them with what they configured.
import { Injectable } from '@nestjs/common';
import { PublicEndpoints } from '../config/public-endpoints.js';
import type {
  AppRole,
  AppRoleAssignment,
  Application,
  FederatedIdentityCredential,
  PasswordCredential,
  Tenant,
} from '../directory/directory.types.js';
import { MICROSOFT_SERVICES_TENANT_ID } from '../directory/first-party.js';
import {
  IdentityDirectory,
  type DirectoryServicePrincipal,
} from '../directory/identity-directory.js';
import type { GraphObject } from './odata-query.js';

const appRoleView = (role: AppRole) => ({
  allowedMemberTypes: role.allowedMemberTypes,
  description: role.description,
  displayName: role.displayName,
  id: role.id,
  isEnabled: role.isEnabled,
  origin: 'Application',
  value: role.value,
});

export const passwordCredentialView = (credential: PasswordCredential) => ({
  customKeyIdentifier: null,
  displayName: credential.displayName ?? null,
  endDateTime: credential.endDateTime ?? null,
  hint: credential.hint ?? null,
  keyId: credential.keyId,
  secretText: null,
  startDateTime: credential.startDateTime ?? null,
});

@Injectable()
export class GraphViews {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly endpoints: PublicEndpoints,
  ) {}

  application(tenant: Tenant, app: Application): GraphObject {
    return {
      id: app.objectId,
      deletedDateTime: null,
      appId: app.appId,
      createdDateTime: app.createdDateTime ?? null,
      description: null,
      displayName: app.displayName,
      identifierUris: this.directory.identifierUris(app, tenant),
      isFallbackPublicClient: null,
      publisherDomain: null,
      signInAudience: 'AzureADMyOrg',
      tags: [],
      api: {
        acceptMappedClaims: null,
        knownClientApplications: [],
        requestedAccessTokenVersion: app.requestedAccessTokenVersion,
        oauth2PermissionScopes: [],
        preAuthorizedApplications: [],
      },
      appRoles: app.appRoles.map(appRoleView),
      info: {
        logoUrl: null,
        marketingUrl: null,
        privacyStatementUrl: null,
        supportUrl: null,
        termsOfServiceUrl: null,
      },
      keyCredentials: app.keyCredentials.map((credential) => ({
        customKeyIdentifier: null,
        displayName: credential.displayName ?? null,
        endDateTime: credential.endDateTime ?? null,
        key: null,
        keyId: credential.keyId,
        startDateTime: null,
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
      })),
      optionalClaims: null,
      parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
      passwordCredentials: app.passwordCredentials.map(passwordCredentialView),
      publicClient: { redirectUris: [] },
      requiredResourceAccess: [],
      spa: { redirectUris: [] },
      web: {
        homePageUrl: null,
        logoutUrl: null,
        redirectUris: [],
        implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      },
    };
  }

  servicePrincipal(tenant: Tenant, sp: DirectoryServicePrincipal): GraphObject {
    const common = {
      id: sp.objectId,
      deletedDateTime: null,
      accountEnabled: true,
      appDescription: null,
      appRoleAssignmentRequired: false,
      description: null,
      homepage: null,
      loginUrl: null,
      logoutUrl: null,
      notes: null,
      notificationEmailAddresses: [],
      preferredSingleSignOnMode: null,
      replyUrls: [],
      signInAudience: 'AzureADMyOrg',
      tags: [],
      keyCredentials: [],
      oauth2PermissionScopes: [],
      passwordCredentials: [],
    };
    if (sp.kind === 'managedIdentity') {
      const { identity } = sp;
      return {
        ...common,
        alternativeNames: [
          `isExplicit=${identity.type === 'UserAssigned' ? 'True' : 'False'}`,
          identity.resourceId,
        ],
        appDisplayName: null,
        appId: identity.clientId,
        appOwnerOrganizationId: null,
        appRoles: [],
        displayName: identity.name,
        servicePrincipalNames: [identity.clientId, identity.resourceId],
        servicePrincipalType: 'ManagedIdentity',
        signInAudience: null,
      };
    }
    const { app } = sp;
    const identifierUris = this.directory.identifierUris(app, tenant);
    return {
      ...common,
      alternativeNames: [],
      appDisplayName: app.displayName,
      appId: app.appId,
      appOwnerOrganizationId: app.firstParty ? MICROSOFT_SERVICES_TENANT_ID : tenant.tenantId,
      appRoleAssignmentRequired: app.servicePrincipal.appRoleAssignmentRequired,
      appRoles: app.appRoles.map(appRoleView),
      displayName: app.displayName,
      servicePrincipalNames: [app.appId, ...identifierUris],
      servicePrincipalType: 'Application',
    };
  }

  assignment(tenant: Tenant, assignment: AppRoleAssignment): GraphObject {
    const principal = this.directory.tenantServicePrincipal(tenant, assignment.principalId);
    const resource = this.directory.tenantServicePrincipal(tenant, assignment.resourceId);
    return {
      id: assignment.id,
      deletedDateTime: null,
      appRoleId: assignment.appRoleId,
      createdDateTime: assignment.createdDateTime ?? null,
      principalDisplayName: principal ? principalName(principal) : null,
      principalId: assignment.principalId,
      principalType: 'ServicePrincipal',
      resourceDisplayName: resource ? principalName(resource) : null,
      resourceId: assignment.resourceId,
    };
  }

  federatedCredential(tenant: Tenant, credential: FederatedIdentityCredential): GraphObject {
    return {
      id: credential.id,
      audiences: credential.audiences,
      description: credential.description ?? null,
      issuer: this.endpoints.expand(credential.issuer, tenant.tenantId),
      name: credential.name,
      subject: credential.subject,
    };
  }
}

function principalName(sp: DirectoryServicePrincipal): string {
  return sp.kind === 'managedIdentity' ? sp.identity.name : sp.app.displayName;
}
