// The emulator's model of Entra ID, as read from the directory JSON (schema: apps/mock-idp/README.md).
// Field names follow Microsoft Graph (application, servicePrincipal, appRoleAssignment,
// federatedIdentityCredential) so a directory file reads like `az rest` output.

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: ('Application' | 'User')[];
  isEnabled: boolean;
}

export interface PasswordCredential {
  keyId: string;
  displayName?: string;
  /** First characters of the secret, as Graph shows them (set when Graph's addPassword made it). */
  hint?: string;
  startDateTime?: string;
  /** Plain secret (only for throwaway directories written by tests) ... */
  secretText?: string;
  /** ... or its SHA-256, hex encoded: what a committed directory should hold. */
  secretSha256?: string;
  /** ISO date; expired secrets are refused with AADSTS7000222. */
  endDateTime?: string;
}

export interface KeyCredential {
  keyId: string;
  displayName?: string;
  /** PEM or base64 DER X.509 certificate whose key signs the app's own client assertions. */
  key: string;
  endDateTime?: string;
}

export interface FederatedIdentityCredential {
  /** Graph id (GUID); derived from the app and the name when the directory file gives none. */
  id: string;
  name: string;
  description?: string;
  /** May contain `{authority}` and `{tenantId}`, resolved to this emulator once it listens. */
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface ServicePrincipal {
  objectId: string;
  appRoleAssignmentRequired: boolean;
}

export interface Application {
  appId: string;
  objectId: string;
  displayName: string;
  identifierUris: string[];
  /** null/1 -> v1.0 access tokens for this resource, 2 -> v2.0. */
  requestedAccessTokenVersion: 1 | 2 | null;
  appRoles: AppRole[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
  /** Absent: the app is registered but has no service principal in the tenant (`az ad sp create` not run yet). */
  servicePrincipal?: ServicePrincipal;
  /** Object ids of the principals that own the app (the caller that created it through Graph). */
  owners: string[];
  createdDateTime?: string;
  /**
   * Microsoft's own apps (Microsoft Graph, Azure Resource Manager): only their service principal lives
   * in the tenant, so Graph lists them under servicePrincipals but not under applications; they are
   * added to every tenant at load and never written to a state file.
   */
  firstParty?: boolean;
}

/** An application with its service principal: what can be a token resource or a token caller. */
export type ApplicationWithServicePrincipal = Application & { servicePrincipal: ServicePrincipal };

export type ManagedIdentityType = 'SystemAssigned' | 'UserAssigned';

export interface ManagedIdentity {
  name: string;
  type: ManagedIdentityType;
  clientId: string;
  principalId: string;
  resourceId: string;
}

export interface AppRoleAssignment {
  /** Graph's id of the assignment (base64url, not a GUID; see app-role-assignment-id.ts). */
  id: string;
  /** Object id of the caller: a managed identity's principalId or a service principal's objectId. */
  principalId: string;
  /** Object id of the resource application's service principal. */
  resourceId: string;
  appRoleId: string;
  createdDateTime?: string;
}

export interface Tenant {
  tenantId: string;
  displayName: string;
  applications: Application[];
  managedIdentities: ManagedIdentity[];
  appRoleAssignments: AppRoleAssignment[];
}

/** A compute host whose managed-identity endpoint hands out tokens for the identities attached to it. */
export interface Container {
  name: string;
  /** The IDENTITY_HEADER value the platform gives the container (App Service / Container Apps protocol). */
  identityHeader: string;
  /** Whether IMDS requests (which carry no identity header) are answered for this container. */
  servesImds: boolean;
  /** principalIds of the attached managed identities (at most one system-assigned). */
  managedIdentities: string[];
}

export interface DirectoryDocument {
  tenants: Tenant[];
  containers: Container[];
}
