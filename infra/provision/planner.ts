// From the declaration and the tenant as it is (tenant-state.ts) to the ordered list of Graph
// changes that make the declaration true. Pure: reads nothing, changes nothing, so a dry run and
// a real run print the same plan. Things on the declared applications that the declaration does
// not have (assignments, credentials, app roles) are removed only with `prune`; otherwise they
// are listed as kept.
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import type {
  AppRole,
  Application,
  Declaration,
  FederatedIdentityCredential,
} from './declaration.ts';
import {
  describePrincipal,
  principalKey,
  type ApplicationState,
  type GraphAppRole,
  type ResolvedPrincipal,
  type TenantState,
} from './tenant-state.ts';

export interface ApplicationBody {
  displayName: string;
  identifierUris: string[];
  appRoles: (AppRole | GraphAppRole)[];
  api: { requestedAccessTokenVersion: 1 | 2 | null };
}

export interface FederatedCredentialBody {
  name: string;
  issuer: string;
  subject: string | ResolvedPrincipal;
  audiences: string[];
  description?: string;
}

export type Change = { summary: string } & (
  | { kind: 'createApplication'; app: string; body: ApplicationBody }
  | { kind: 'updateApplication'; app: string; body: Partial<ApplicationBody> }
  | { kind: 'createServicePrincipal'; app: string; appRoleAssignmentRequired: boolean }
  | { kind: 'updateServicePrincipal'; app: string; appRoleAssignmentRequired: boolean }
  | { kind: 'createFederatedCredential'; app: string; body: FederatedCredentialBody }
  | {
      kind: 'updateFederatedCredential';
      app: string;
      credentialId: string;
      body: FederatedCredentialBody;
    }
  | { kind: 'deleteFederatedCredential'; app: string; credentialId: string }
  | {
      kind: 'createAssignment';
      resource: string;
      appRoleId: string;
      principal: ResolvedPrincipal;
    }
  | { kind: 'deleteAssignment'; resource: string; assignmentId: string }
  | { kind: 'removeAppRoles'; app: string; appRoles: AppRole[] }
);

export interface Plan {
  changes: Change[];
  /** Things on the declared applications the declaration does not have, left as they are. */
  kept: string[];
}

export interface PlanOptions {
  prune: boolean;
  /** Replaces {authorityHost} in credential issuers, e.g. https://login.microsoftonline.com */
  authorityHost: string;
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

const sameGuid = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function roleDiffers(declared: AppRole, existing: GraphAppRole): boolean {
  return (
    declared.value !== existing.value ||
    declared.displayName !== existing.displayName ||
    declared.description !== existing.description ||
    declared.isEnabled !== existing.isEnabled ||
    !sameSet(declared.allowedMemberTypes, existing.allowedMemberTypes ?? [])
  );
}

function principalLabel(principal: ResolvedPrincipal): string {
  return 'objectId' in principal
    ? `'${principal.displayName}' (${principal.objectId})`
    : `the service principal of '${principal.pendingServicePrincipalOf}'`;
}

function subjectLabel(subject: string | ResolvedPrincipal): string {
  return typeof subject === 'string' ? subject : principalLabel(subject);
}

/** The desired app roles, and the undeclared ones to remove at the end (prune). */
function planAppRoles(
  declared: Application,
  existing: GraphAppRole[],
  prune: boolean,
): { appRoles: (AppRole | GraphAppRole)[]; details: string[]; kept: string[] } {
  const details: string[] = [];
  const kept: string[] = [];
  for (const role of declared.appRoles) {
    const sameValue = existing.find((r) => r.value === role.value);
    if (sameValue && !sameGuid(sameValue.id, role.id))
      throw new PlanError(
        `app role '${role.value}' of '${declared.displayName}' has id ${sameValue.id} in the tenant but ${role.id} in the declaration; ` +
          'a role id never changes: put the tenant id in the declaration',
      );
    const current = existing.find((r) => sameGuid(r.id, role.id));
    if (!current) details.push(`add role ${role.value}`);
    else if (roleDiffers(role, current)) details.push(`change role ${role.value}`);
  }
  const undeclared = existing.filter((r) => !declared.appRoles.some((d) => sameGuid(d.id, r.id)));
  const appRoles: (AppRole | GraphAppRole)[] = [...declared.appRoles];
  for (const role of undeclared) {
    if (!prune) {
      kept.push(`role ${role.value} of '${declared.displayName}'`);
      appRoles.push(role);
    } else if (role.isEnabled) {
      // Graph refuses to remove an enabled role: disable it now, remove it once assignments are gone.
      details.push(`disable role ${role.value} (removed at the end)`);
      appRoles.push({ ...role, isEnabled: false });
    } else appRoles.push(role);
  }
  return { appRoles, details, kept };
}

function planApplication(
  declared: Application,
  state: ApplicationState,
  options: PlanOptions,
  plan: Plan,
): void {
  const app = declared.displayName;
  const body: ApplicationBody = {
    displayName: app,
    identifierUris: declared.identifierUris,
    appRoles: declared.appRoles,
    api: { requestedAccessTokenVersion: declared.requestedAccessTokenVersion },
  };
  if (!state.application) {
    const roles = declared.appRoles.map((r) => r.value).join(', ') || 'none';
    plan.changes.push({
      kind: 'createApplication',
      app,
      body,
      summary: `+ application '${app}' (identifier URIs: ${declared.identifierUris.join(', ') || 'none'}; roles: ${roles}; access token version: ${declared.requestedAccessTokenVersion ?? 'null'})`,
    });
  } else {
    const current = state.application;
    const update: Partial<ApplicationBody> = {};
    const details: string[] = [];
    if (current.displayName !== app) {
      update.displayName = app;
      details.push(`display name '${current.displayName}' -> '${app}'`);
    }
    if (!sameSet(current.identifierUris ?? [], declared.identifierUris)) {
      update.identifierUris = declared.identifierUris;
      details.push(
        `identifier URIs [${(current.identifierUris ?? []).join(', ')}] -> [${declared.identifierUris.join(', ')}]`,
      );
    }
    const version = current.api?.requestedAccessTokenVersion ?? null;
    if (version !== declared.requestedAccessTokenVersion) {
      update.api = body.api;
      details.push(`access token version ${version} -> ${declared.requestedAccessTokenVersion}`);
    }
    const roles = planAppRoles(declared, current.appRoles ?? [], options.prune);
    plan.kept.push(...roles.kept);
    if (roles.details.length) {
      update.appRoles = roles.appRoles;
      details.push(...roles.details);
    }
    if (details.length)
      plan.changes.push({
        kind: 'updateApplication',
        app,
        body: update,
        summary: `~ application '${app}': ${details.join('; ')}`,
      });
  }
  const required = declared.servicePrincipal.appRoleAssignmentRequired;
  if (!state.servicePrincipal)
    plan.changes.push({
      kind: 'createServicePrincipal',
      app,
      appRoleAssignmentRequired: required,
      summary: `+ service principal of '${app}'${required ? ' (assignment required)' : ''}`,
    });
  else if ((state.servicePrincipal.appRoleAssignmentRequired ?? false) !== required)
    plan.changes.push({
      kind: 'updateServicePrincipal',
      app,
      appRoleAssignmentRequired: required,
      summary: `~ service principal of '${app}': appRoleAssignmentRequired -> ${required}`,
    });
}

function credentialBody(
  fic: FederatedIdentityCredential,
  state: TenantState,
  options: PlanOptions,
): FederatedCredentialBody {
  const issuer = fic.issuer
    .replaceAll('{authorityHost}', options.authorityHost.replace(/\/+$/, ''))
    .replaceAll('{tenantId}', state.tenantId);
  const subject =
    typeof fic.subject === 'string'
      ? fic.subject
      : (state.principals.get(principalKey(fic.subject)) as ResolvedPrincipal);
  return {
    name: fic.name,
    issuer,
    subject,
    audiences: fic.audiences,
    ...(fic.description === undefined ? {} : { description: fic.description }),
  };
}

function planFederatedCredentials(
  declared: Application,
  state: ApplicationState,
  tenant: TenantState,
  options: PlanOptions,
  plan: Plan,
): void {
  const app = declared.displayName;
  for (const fic of declared.federatedIdentityCredentials) {
    const body = credentialBody(fic, tenant, options);
    const current = state.federatedCredentials.find(
      (c) => c.name.toLowerCase() === fic.name.toLowerCase(),
    );
    const label = `federated credential '${fic.name}' of '${app}' (issuer ${body.issuer}, subject ${subjectLabel(body.subject)})`;
    if (!current) {
      plan.changes.push({ kind: 'createFederatedCredential', app, body, summary: `+ ${label}` });
      continue;
    }
    const subject =
      typeof body.subject === 'string'
        ? body.subject
        : 'objectId' in body.subject
          ? body.subject.objectId
          : undefined;
    const differs =
      current.issuer !== body.issuer ||
      subject === undefined ||
      current.subject.toLowerCase() !== subject.toLowerCase() ||
      !sameSet(current.audiences, body.audiences) ||
      (body.description !== undefined && (current.description ?? '') !== body.description);
    if (differs)
      plan.changes.push({
        kind: 'updateFederatedCredential',
        app,
        credentialId: current.id,
        body,
        summary: `~ ${label} (was issuer ${current.issuer}, subject ${current.subject})`,
      });
  }
  for (const current of state.federatedCredentials) {
    if (
      declared.federatedIdentityCredentials.some(
        (f) => f.name.toLowerCase() === current.name.toLowerCase(),
      )
    )
      continue;
    const label = `federated credential '${current.name}' of '${app}' (subject ${current.subject})`;
    if (options.prune)
      plan.changes.push({
        kind: 'deleteFederatedCredential',
        app,
        credentialId: current.id,
        summary: `- ${label}`,
      });
    else plan.kept.push(label);
  }
}

function planAssignments(
  declaration: Declaration,
  tenant: TenantState,
  options: PlanOptions,
  plan: Plan,
): Change[] {
  const deletions: Change[] = [];
  for (const assignment of declaration.appRoleAssignments) {
    const resourceApp = declaration.applications.find(
      (a) => a.displayName === assignment.resource,
    ) as Application;
    const role = resourceApp.appRoles.find((r) => r.value === assignment.appRole) as AppRole;
    const principal = tenant.principals.get(
      principalKey(assignment.principal),
    ) as ResolvedPrincipal;
    const existing = tenant.applications.get(assignment.resource)?.assignedTo ?? [];
    const held =
      'objectId' in principal &&
      existing.some(
        (a) => sameGuid(a.principalId, principal.objectId) && sameGuid(a.appRoleId, role.id),
      );
    if (!held)
      plan.changes.push({
        kind: 'createAssignment',
        resource: assignment.resource,
        appRoleId: role.id,
        principal,
        summary: `+ role ${role.value} of '${assignment.resource}' to ${principalLabel(principal)} [${describePrincipal(assignment.principal)}]`,
      });
  }
  for (const resourceApp of declaration.applications) {
    const state = tenant.applications.get(resourceApp.displayName);
    for (const current of state?.assignedTo ?? []) {
      const declared = declaration.appRoleAssignments.some((a) => {
        if (a.resource !== resourceApp.displayName) return false;
        const role = resourceApp.appRoles.find((r) => r.value === a.appRole);
        const principal = tenant.principals.get(principalKey(a.principal));
        return (
          role !== undefined &&
          sameGuid(role.id, current.appRoleId) &&
          principal !== undefined &&
          'objectId' in principal &&
          sameGuid(principal.objectId, current.principalId)
        );
      });
      if (declared) continue;
      const role =
        state?.application?.appRoles?.find((r) => sameGuid(r.id, current.appRoleId))?.value ??
        current.appRoleId;
      const label = `role ${role} of '${resourceApp.displayName}' held by '${current.principalDisplayName ?? '?'}' (${current.principalId})`;
      if (options.prune)
        deletions.push({
          kind: 'deleteAssignment',
          resource: resourceApp.displayName,
          assignmentId: current.id,
          summary: `- ${label}`,
        });
      else plan.kept.push(label);
    }
  }
  return deletions;
}

export function planChanges(
  declaration: Declaration,
  tenant: TenantState,
  options: PlanOptions,
): Plan {
  const plan: Plan = { changes: [], kept: [] };
  for (const app of declaration.applications)
    planApplication(
      app,
      tenant.applications.get(app.displayName) as ApplicationState,
      options,
      plan,
    );
  for (const app of declaration.applications)
    planFederatedCredentials(
      app,
      tenant.applications.get(app.displayName) as ApplicationState,
      tenant,
      options,
      plan,
    );
  plan.changes.push(...planAssignments(declaration, tenant, options, plan));
  if (options.prune)
    for (const app of declaration.applications) {
      const existing = tenant.applications.get(app.displayName)?.application?.appRoles ?? [];
      const undeclared = existing.filter((r) => !app.appRoles.some((d) => sameGuid(d.id, r.id)));
      if (undeclared.length)
        plan.changes.push({
          kind: 'removeAppRoles',
          app: app.displayName,
          appRoles: app.appRoles,
          summary: `- roles ${undeclared.map((r) => r.value).join(', ')} of '${app.displayName}'`,
        });
    }
  return plan;
}
