// Reads, over Graph, what the tenant holds for the declared applications (the application, its
// service principal, its federated credentials, the role assignments on it) and resolves every
// principal the declaration names. Nothing here changes the tenant; a principal that cannot be
// resolved stops the run before any change.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import type { Declaration, PrincipalReference } from './declaration.ts';
import { odataString, type GraphClient } from './graph-client.ts';

export interface GraphAppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
  [other: string]: unknown;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  identifierUris: string[];
  appRoles: GraphAppRole[];
  api?: { requestedAccessTokenVersion?: 1 | 2 | null } | null;
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoleAssignmentRequired?: boolean;
}

export interface GraphFederatedCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description?: string | null;
}

export interface GraphAppRoleAssignment {
  id: string;
  principalId: string;
  principalDisplayName?: string;
  resourceId: string;
  appRoleId: string;
}

export interface ApplicationState {
  application: GraphApplication | null;
  servicePrincipal: GraphServicePrincipal | null;
  federatedCredentials: GraphFederatedCredential[];
  /** Role assignments whose resource is this application's service principal. */
  assignedTo: GraphAppRoleAssignment[];
}

/** A principal as the tenant knows it, or a declared application whose service principal is not created yet. */
export type ResolvedPrincipal =
  { objectId: string; displayName: string } | { pendingServicePrincipalOf: string };

export interface TenantState {
  tenantId: string;
  /** By application displayName. */
  applications: Map<string, ApplicationState>;
  /** By principalKey(reference). */
  principals: Map<string, ResolvedPrincipal>;
}

export class ResolutionError extends Error {
  override readonly name = 'ResolutionError';
}

export const principalKey = (reference: PrincipalReference): string => JSON.stringify(reference);

export function describePrincipal(reference: PrincipalReference): string {
  if ('objectId' in reference) return `object ${reference.objectId}`;
  if ('appId' in reference) return `appId ${reference.appId}`;
  if ('displayName' in reference) return `'${reference.displayName}'`;
  return `application '${reference.application}'`;
}

const APP_FIELDS = 'id,appId,displayName,identifierUris,appRoles,api';
const SP_FIELDS = 'id,appId,displayName,appRoleAssignmentRequired';

async function findApplication(
  graph: GraphClient,
  app: Declaration['applications'][number],
): Promise<GraphApplication | null> {
  // An identifier URI is unique in a tenant; a display name is not, so it is the fallback only.
  const [uri] = app.identifierUris;
  const filter = uri
    ? `identifierUris/any(x:x eq ${odataString(uri)})`
    : `displayName eq ${odataString(app.displayName)}`;
  const found = await graph.list<GraphApplication>(
    `/applications?$filter=${encodeURIComponent(filter)}&$select=${APP_FIELDS}`,
    'Application.Read.All',
  );
  if (found.length > 1)
    throw new ResolutionError(
      `${found.length} applications match ${uri ? `identifier URI ${uri}` : `display name '${app.displayName}'`} ` +
        `(${found.map((a) => a.appId).join(', ')}); give the application an identifier URI or remove the duplicates`,
    );
  return found[0] ?? null;
}

async function servicePrincipalByAppId(
  graph: GraphClient,
  appId: string,
): Promise<GraphServicePrincipal | null> {
  const found = await graph.list<GraphServicePrincipal>(
    `/servicePrincipals?$filter=${encodeURIComponent(`appId eq ${odataString(appId)}`)}&$select=${SP_FIELDS}`,
    'Application.Read.All',
  );
  return found[0] ?? null;
}

async function resolvePrincipal(
  graph: GraphClient,
  reference: PrincipalReference,
  applications: Map<string, ApplicationState>,
): Promise<ResolvedPrincipal> {
  if ('application' in reference) {
    const sp = applications.get(reference.application)?.servicePrincipal;
    return sp
      ? { objectId: sp.id, displayName: sp.displayName }
      : { pendingServicePrincipalOf: reference.application };
  }
  let found: GraphServicePrincipal[];
  if ('objectId' in reference) {
    try {
      found = [
        await graph.get<GraphServicePrincipal>(
          `/servicePrincipals/${reference.objectId}?$select=${SP_FIELDS}`,
          'Application.Read.All',
        ),
      ];
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
      found = [];
    }
  } else {
    const filter =
      'appId' in reference
        ? `appId eq ${odataString(reference.appId)}`
        : `displayName eq ${odataString(reference.displayName)}`;
    found = await graph.list<GraphServicePrincipal>(
      `/servicePrincipals?$filter=${encodeURIComponent(filter)}&$select=${SP_FIELDS}`,
      'Application.Read.All',
    );
  }
  if (found.length === 0)
    throw new ResolutionError(
      `no service principal or managed identity with ${describePrincipal(reference)} in the tenant`,
    );
  if (found.length > 1)
    throw new ResolutionError(
      `${found.length} service principals are named ${describePrincipal(reference)} ` +
        `(${found.map((sp) => sp.id).join(', ')}); refer to one by objectId or appId`,
    );
  const [principal] = found as [GraphServicePrincipal];
  return { objectId: principal.id, displayName: principal.displayName };
}

function referencedPrincipals(declaration: Declaration): PrincipalReference[] {
  const references: PrincipalReference[] = declaration.appRoleAssignments.map((a) => a.principal);
  for (const app of declaration.applications)
    for (const fic of app.federatedIdentityCredentials)
      if (typeof fic.subject !== 'string') references.push(fic.subject);
  return references;
}

/** The tenant (from the Graph token's `tid`) and everything the declaration touches, as it is now. */
export async function readTenantState(
  graph: GraphClient,
  declaration: Declaration,
  tenantId?: string,
): Promise<TenantState> {
  const tid = tenantId ?? (await graph.tokenClaims())['tid'];
  if (typeof tid !== 'string' || !tid)
    throw new ResolutionError('the Graph token carries no tenant id (tid); pass --tenant-id');
  const applications = new Map<string, ApplicationState>();
  for (const declared of declaration.applications) {
    const application = await findApplication(graph, declared);
    const servicePrincipal = application
      ? await servicePrincipalByAppId(graph, application.appId)
      : null;
    applications.set(declared.displayName, {
      application,
      servicePrincipal,
      federatedCredentials: application
        ? await graph.list<GraphFederatedCredential>(
            `/applications/${application.id}/federatedIdentityCredentials`,
            'Application.Read.All',
          )
        : [],
      assignedTo: servicePrincipal
        ? await graph.list<GraphAppRoleAssignment>(
            `/servicePrincipals/${servicePrincipal.id}/appRoleAssignedTo`,
            'Application.Read.All',
          )
        : [],
    });
  }
  const principals = new Map<string, ResolvedPrincipal>();
  for (const reference of referencedPrincipals(declaration)) {
    const key = principalKey(reference);
    if (!principals.has(key))
      principals.set(key, await resolvePrincipal(graph, reference, applications));
  }
  return { tenantId: tid, applications, principals };
}
