// Lookups over the directory: tenants, resource apps, callers, containers and role assignments,
// and the changes Microsoft Graph makes. Every change is written to the state file (when one is
// configured) before the caller answers; reset() returns to the directory file.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DIRECTORY_DOCUMENT } from '../config/config.tokens.js';
import { PublicEndpoints } from '../config/public-endpoints.js';
import { applicationCanHold, assignmentGrantsAccess } from './app-roles.js';
import { DirectoryStateFile } from './directory-state-file.js';
import type {
  AppRoleAssignment,
  Application,
  ApplicationWithServicePrincipal,
  Container,
  DirectoryDocument,
  FederatedIdentityCredential,
  ManagedIdentity,
  PasswordCredential,
  ServicePrincipal,
  Tenant,
} from './directory.types.js';

/** What Graph's PATCH /applications/{id} may change. */
export type ApplicationPatch = Partial<
  Pick<Application, 'displayName' | 'identifierUris' | 'appRoles' | 'requestedAccessTokenVersion'>
>;

/** How a managed-identity request names the identity it wants. */
export type IdentitySelector =
  { kind: 'system' } | { kind: 'clientId' | 'objectId' | 'resourceId'; value: string };

export interface ResolvedResource {
  app: ApplicationWithServicePrincipal;
  /** The identifier as the client asked for it (becomes `aud` of v1 tokens). */
  requestedAs: string;
}

/** A service principal of a tenant: an application's, or a managed identity (which Graph shows as one). */
export type DirectoryServicePrincipal =
  | { kind: 'application'; objectId: string; app: ApplicationWithServicePrincipal }
  | { kind: 'managedIdentity'; objectId: string; identity: ManagedIdentity };

/** Identifier URIs compare without case and without trailing slashes. */
export const normalizeUri = (uri: string) => uri.trim().replace(/\/+$/, '').toLowerCase();

export const hasServicePrincipal = (app: Application): app is ApplicationWithServicePrincipal =>
  app.servicePrincipal !== undefined;

@Injectable()
export class IdentityDirectory {
  private document: DirectoryDocument;

  constructor(
    @Inject(DIRECTORY_DOCUMENT) private readonly original: DirectoryDocument,
    private readonly endpoints: PublicEndpoints,
    @Optional() private readonly stateFile?: DirectoryStateFile,
  ) {
    this.document = structuredClone(stateFile?.restored ?? original);
  }

  reset(): void {
    this.document = structuredClone(this.original);
    this.changed();
  }

  private changed(): void {
    this.stateFile?.save(this.document);
  }

  get tenants(): readonly Tenant[] {
    return this.document.tenants;
  }

  get containers(): readonly Container[] {
    return this.document.containers;
  }

  tenant(tenantId: string): Tenant | undefined {
    const id = tenantId.toLowerCase();
    return this.document.tenants.find((tenant) => tenant.tenantId === id);
  }

  /** An identifier URI as clients use it: `{authority}` expanded to this emulator's https base URL. */
  identifierUris(app: Application, tenant: Tenant): string[] {
    return app.identifierUris.map((uri) => this.endpoints.expand(uri, tenant.tenantId));
  }

  /**
   * A resource by App ID URI (case-insensitive, trailing slash ignored) or by appId. Only apps with a
   * service principal in the tenant can be token resources (Entra: AADSTS500011 otherwise).
   */
  resource(tenant: Tenant, identifier: string): ResolvedResource | undefined {
    const wanted = normalizeUri(identifier);
    const app = tenant.applications
      .filter(hasServicePrincipal)
      .find(
        (candidate) =>
          candidate.appId === wanted ||
          this.identifierUris(candidate, tenant).some((uri) => normalizeUri(uri) === wanted),
      );
    return app && { app, requestedAs: identifier };
  }

  application(tenant: Tenant, appId: string): Application | undefined {
    const id = appId.toLowerCase();
    return tenant.applications.find((app) => app.appId === id);
  }

  applicationByObjectId(objectId: string): { tenant: Tenant; app: Application } | undefined {
    const id = objectId.toLowerCase();
    for (const tenant of this.document.tenants) {
      const app = tenant.applications.find((candidate) => candidate.objectId === id);
      if (app) return { tenant, app };
    }
    return undefined;
  }

  servicePrincipal(
    objectId: string,
  ): { tenant: Tenant; app: ApplicationWithServicePrincipal } | undefined {
    const id = objectId.toLowerCase();
    for (const tenant of this.document.tenants) {
      const app = tenant.applications
        .filter(hasServicePrincipal)
        .find((candidate) => candidate.servicePrincipal.objectId === id);
      if (app) return { tenant, app };
    }
    return undefined;
  }

  /** Every service principal of the tenant, managed identities included, in a stable order. */
  servicePrincipals(tenant: Tenant): DirectoryServicePrincipal[] {
    return [
      ...tenant.applications.filter(hasServicePrincipal).map((app): DirectoryServicePrincipal => ({
        kind: 'application',
        objectId: app.servicePrincipal.objectId,
        app,
      })),
      ...tenant.managedIdentities.map((identity): DirectoryServicePrincipal => ({
        kind: 'managedIdentity',
        objectId: identity.principalId,
        identity,
      })),
    ];
  }

  tenantServicePrincipal(tenant: Tenant, objectId: string): DirectoryServicePrincipal | undefined {
    const id = objectId.toLowerCase();
    return this.servicePrincipals(tenant).find((sp) => sp.objectId === id);
  }

  containerByHeader(identityHeader: string): Container | undefined {
    return this.document.containers.find(
      (container) => container.identityHeader === identityHeader,
    );
  }

  imdsContainer(): Container | undefined {
    return this.document.containers.find((container) => container.servesImds);
  }

  /** The identity attached to `container` that the selector names, with its tenant. */
  attachedIdentity(
    container: Container,
    selector: IdentitySelector,
  ): { tenant: Tenant; identity: ManagedIdentity } | undefined {
    for (const tenant of this.document.tenants) {
      for (const identity of tenant.managedIdentities) {
        if (!container.managedIdentities.includes(identity.principalId)) continue;
        if (matchesSelector(identity, selector)) return { tenant, identity };
      }
    }
    return undefined;
  }

  /** Values of the enabled application roles of `resource` assigned to `principalId`. */
  assignedRoles(
    tenant: Tenant,
    principalId: string,
    resource: ApplicationWithServicePrincipal,
  ): string[] {
    const roleIds = new Set(
      tenant.appRoleAssignments
        .filter(
          (a) =>
            a.principalId === principalId && a.resourceId === resource.servicePrincipal.objectId,
        )
        .map((a) => a.appRoleId),
    );
    return resource.appRoles
      .filter((role) => roleIds.has(role.id) && applicationCanHold(role))
      .map((role) => role.value);
  }

  /** An assignment that counts for appRoleAssignmentRequired: a role the caller can hold, or default access. */
  hasAnyAssignment(
    tenant: Tenant,
    principalId: string,
    resource: ApplicationWithServicePrincipal,
  ): boolean {
    return tenant.appRoleAssignments.some(
      (a) =>
        a.principalId === principalId &&
        a.resourceId === resource.servicePrincipal.objectId &&
        assignmentGrantsAccess(resource, a.appRoleId),
    );
  }

  assignmentsTo(resourceSpObjectId: string): AppRoleAssignment[] {
    const found = this.servicePrincipal(resourceSpObjectId);
    return found
      ? found.tenant.appRoleAssignments.filter(
          (a) => a.resourceId === found.app.servicePrincipal.objectId,
        )
      : [];
  }

  /** True when `principalId` is a managed identity or service principal of the tenant. */
  isPrincipal(tenant: Tenant, principalId: string): boolean {
    return this.tenantServicePrincipal(tenant, principalId) !== undefined;
  }

  // Changes (Microsoft Graph, the admin API). Callers validate first; each change is persisted.

  addApplication(tenant: Tenant, app: Application): void {
    tenant.applications.push(app);
    this.changed();
  }

  updateApplication(app: Application, patch: ApplicationPatch): void {
    Object.assign(app, patch);
    this.changed();
  }

  /** Deletes the app with its service principal and every assignment that one holds or grants. */
  removeApplication(tenant: Tenant, app: Application): void {
    this.dropServicePrincipal(tenant, app);
    tenant.applications = tenant.applications.filter((candidate) => candidate !== app);
    this.changed();
  }

  addServicePrincipal(app: Application, servicePrincipal: ServicePrincipal): void {
    app.servicePrincipal = servicePrincipal;
    this.changed();
  }

  updateServicePrincipal(
    app: ApplicationWithServicePrincipal,
    patch: Partial<Omit<ServicePrincipal, 'objectId'>>,
  ): void {
    Object.assign(app.servicePrincipal, patch);
    this.changed();
  }

  removeServicePrincipal(tenant: Tenant, app: Application): void {
    this.dropServicePrincipal(tenant, app);
    this.changed();
  }

  addPassword(app: Application, credential: PasswordCredential): void {
    app.passwordCredentials.push(credential);
    this.changed();
  }

  removePassword(app: Application, keyId: string): void {
    app.passwordCredentials = app.passwordCredentials.filter((c) => c.keyId !== keyId);
    this.changed();
  }

  addFederatedCredential(app: Application, credential: FederatedIdentityCredential): void {
    app.federatedIdentityCredentials.push(credential);
    this.changed();
  }

  updateFederatedCredential(
    credential: FederatedIdentityCredential,
    patch: Partial<Omit<FederatedIdentityCredential, 'id' | 'name'>>,
  ): void {
    Object.assign(credential, patch);
    this.changed();
  }

  removeFederatedCredential(app: Application, id: string): void {
    app.federatedIdentityCredentials = app.federatedIdentityCredentials.filter(
      (fic) => fic.id !== id,
    );
    this.changed();
  }

  addAssignment(tenant: Tenant, assignment: AppRoleAssignment): void {
    tenant.appRoleAssignments.push(assignment);
    this.changed();
  }

  removeAssignment(tenant: Tenant, id: string): void {
    tenant.appRoleAssignments = tenant.appRoleAssignments.filter((a) => a.id !== id);
    this.changed();
  }

  private dropServicePrincipal(tenant: Tenant, app: Application): void {
    const objectId = app.servicePrincipal?.objectId;
    if (!objectId) return;
    delete app.servicePrincipal;
    tenant.appRoleAssignments = tenant.appRoleAssignments.filter(
      (a) => a.principalId !== objectId && a.resourceId !== objectId,
    );
  }
}

function matchesSelector(identity: ManagedIdentity, selector: IdentitySelector): boolean {
  switch (selector.kind) {
    case 'system':
      return identity.type === 'SystemAssigned';
    case 'clientId':
      return identity.type === 'UserAssigned' && identity.clientId === selector.value.toLowerCase();
    case 'objectId':
      return (
        identity.type === 'UserAssigned' && identity.principalId === selector.value.toLowerCase()
      );
    case 'resourceId':
      return (
        identity.type === 'UserAssigned' &&
        identity.resourceId.toLowerCase() === selector.value.toLowerCase()
      );
  }
}
