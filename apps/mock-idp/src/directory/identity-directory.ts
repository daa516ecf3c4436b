// Lookups over the directory: tenants, resource apps, callers, containers and role assignments.
// Mutable only through the Graph subset; reset() returns to the document the emulator started with.
import { Inject, Injectable } from '@nestjs/common';
import { DIRECTORY_DOCUMENT } from '../config/config.tokens.js';
import { applicationCanHold, assignmentGrantsAccess } from './app-roles.js';
import type {
  AppRoleAssignment,
  Application,
  Container,
  DirectoryDocument,
  FederatedIdentityCredential,
  ManagedIdentity,
  Tenant,
} from './directory.types.js';

/** How a managed-identity request names the identity it wants. */
export type IdentitySelector =
  { kind: 'system' } | { kind: 'clientId' | 'objectId' | 'resourceId'; value: string };

export interface ResolvedResource {
  app: Application;
  /** The identifier as the client asked for it (becomes `aud` of v1 tokens). */
  requestedAs: string;
}

const normalizeUri = (uri: string) => uri.trim().replace(/\/+$/, '').toLowerCase();

@Injectable()
export class IdentityDirectory {
  private document: DirectoryDocument;

  constructor(@Inject(DIRECTORY_DOCUMENT) private readonly original: DirectoryDocument) {
    this.document = structuredClone(original);
  }

  reset(): void {
    this.document = structuredClone(this.original);
  }

  get tenants(): readonly Tenant[] {
    return this.document.tenants;
  }

  tenant(tenantId: string): Tenant | undefined {
    const id = tenantId.toLowerCase();
    return this.document.tenants.find((tenant) => tenant.tenantId === id);
  }

  /** A resource by App ID URI (case-insensitive, trailing slash ignored) or by appId. */
  resource(tenant: Tenant, identifier: string): ResolvedResource | undefined {
    const wanted = normalizeUri(identifier);
    const app = tenant.applications.find(
      (candidate) =>
        candidate.appId === wanted ||
        candidate.identifierUris.some((uri) => normalizeUri(uri) === wanted),
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

  servicePrincipal(objectId: string): { tenant: Tenant; app: Application } | undefined {
    const id = objectId.toLowerCase();
    for (const tenant of this.document.tenants) {
      const app = tenant.applications.find(
        (candidate) => candidate.servicePrincipal.objectId === id,
      );
      if (app) return { tenant, app };
    }
    return undefined;
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
  assignedRoles(tenant: Tenant, principalId: string, resource: Application): string[] {
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
  hasAnyAssignment(tenant: Tenant, principalId: string, resource: Application): boolean {
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

  addAssignment(tenant: Tenant, assignment: AppRoleAssignment): void {
    tenant.appRoleAssignments.push(assignment);
  }

  /** True when `principalId` is a managed identity or service principal of the tenant. */
  isPrincipal(tenant: Tenant, principalId: string): boolean {
    return (
      tenant.managedIdentities.some((identity) => identity.principalId === principalId) ||
      tenant.applications.some((app) => app.servicePrincipal.objectId === principalId)
    );
  }

  addFederatedCredential(app: Application, credential: FederatedIdentityCredential): void {
    app.federatedIdentityCredentials.push(credential);
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
