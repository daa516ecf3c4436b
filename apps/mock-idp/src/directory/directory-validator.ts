// Turns the untrusted directory JSON into a DirectoryDocument, or fails with every problem found,
// each naming its field (`tenants[0].applications[1].appRoles[0].id: must be a GUID`).
import type {
  AppRole,
  AppRoleAssignment,
  Application,
  Container,
  DirectoryDocument,
  FederatedIdentityCredential,
  KeyCredential,
  ManagedIdentity,
  PasswordCredential,
  Tenant,
} from './directory.types.js';
import { acceptsDefaultAccess, appRoleAssignmentId, DEFAULT_ACCESS_ROLE_ID } from './app-roles.js';
import { firstPartyApplications } from './first-party.js';
import { deterministicGuid, isGuid } from './guid.js';

export class DirectoryValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid directory:\n  ${problems.join('\n  ')}`);
    this.name = 'DirectoryValidationError';
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

type Json = Record<string, unknown>;

/** Reads fields of one JSON object and records what is wrong with them under their path. */
class FieldReader {
  constructor(
    private readonly problems: string[],
    readonly path: string,
    readonly value: Json,
  ) {}

  private fail(field: string, message: string): undefined {
    this.problems.push(`${this.path}.${field}: ${message}`);
    return undefined;
  }

  string(field: string, options: { optional?: boolean } = {}): string | undefined {
    const value = this.value[field];
    if (value === undefined && options.optional) return undefined;
    if (typeof value !== 'string' || value.trim() === '')
      return this.fail(field, 'must be a non-empty string');
    return value;
  }

  guid(field: string, options: { optional?: boolean } = {}): string | undefined {
    const value = this.string(field, options);
    if (value === undefined) return undefined;
    if (!isGuid(value)) return this.fail(field, 'must be a GUID');
    return value.toLowerCase();
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.value[field];
    if (value === undefined) return fallback;
    // The Entra manifest of the reference document writes isEnabled as the string "true".
    if (value === 'true' || value === true) return true;
    if (value === 'false' || value === false) return false;
    this.fail(field, 'must be true or false');
    return fallback;
  }

  date(field: string): string | undefined {
    const value = this.string(field, { optional: true });
    if (value !== undefined && Number.isNaN(Date.parse(value)))
      return this.fail(field, 'must be an ISO date');
    return value;
  }

  stringList(field: string, options: { nonEmpty?: boolean } = {}): string[] {
    const value = this.value[field] ?? [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
      this.fail(field, 'must be an array of non-empty strings');
      return [];
    }
    if (options.nonEmpty && value.length === 0) this.fail(field, 'must not be empty');
    return value as string[];
  }

  objects(field: string, options: { optional?: boolean } = {}): FieldReader[] {
    const value = this.value[field];
    if (value === undefined && options.optional) return [];
    if (!Array.isArray(value)) {
      this.fail(field, 'must be an array');
      return [];
    }
    return value.flatMap((item, index) => {
      const path = `${this.path}.${field}[${index}]`;
      if (!isObject(item)) {
        this.problems.push(`${path}: must be an object`);
        return [];
      }
      return [new FieldReader(this.problems, path, item)];
    });
  }

  object(field: string, options: { optional?: boolean } = {}): FieldReader | undefined {
    const value = this.value[field];
    if (value === undefined && options.optional) return undefined;
    if (!isObject(value)) return this.fail(field, 'must be an object');
    return new FieldReader(this.problems, `${this.path}.${field}`, value);
  }

  report(field: string, message: string): void {
    this.fail(field, message);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readAppRole(reader: FieldReader): AppRole {
  const allowedMemberTypes = reader.stringList('allowedMemberTypes', { nonEmpty: true });
  for (const type of allowedMemberTypes) {
    if (type !== 'Application' && type !== 'User')
      reader.report('allowedMemberTypes', `unknown member type "${type}" (Application | User)`);
  }
  return {
    id: reader.guid('id') ?? '',
    value: reader.string('value') ?? '',
    displayName: reader.string('displayName', { optional: true }) ?? '',
    description: reader.string('description', { optional: true }) ?? '',
    allowedMemberTypes: allowedMemberTypes as AppRole['allowedMemberTypes'],
    isEnabled: reader.boolean('isEnabled', true),
  };
}

function readPasswordCredential(reader: FieldReader): PasswordCredential {
  const secretText = reader.string('secretText', { optional: true });
  const secretSha256 = reader.string('secretSha256', { optional: true });
  if ((secretText === undefined) === (secretSha256 === undefined)) {
    reader.report('secretText', 'exactly one of secretText and secretSha256 is required');
  }
  if (secretSha256 !== undefined && !SHA256_HEX.test(secretSha256))
    reader.report('secretSha256', 'must be 64 hex digits');
  return {
    keyId: reader.guid('keyId') ?? '',
    displayName: reader.string('displayName', { optional: true }),
    hint: reader.string('hint', { optional: true }),
    secretText,
    secretSha256: secretSha256?.toLowerCase(),
    startDateTime: reader.date('startDateTime'),
    endDateTime: reader.date('endDateTime'),
  };
}

function readKeyCredential(reader: FieldReader): KeyCredential {
  return {
    keyId: reader.guid('keyId') ?? '',
    displayName: reader.string('displayName', { optional: true }),
    key: reader.string('key') ?? '',
    endDateTime: reader.date('endDateTime'),
  };
}

function readFederatedIdentityCredential(
  reader: FieldReader,
  appObjectId: string,
): FederatedIdentityCredential {
  const name = reader.string('name') ?? '';
  return {
    id:
      reader.guid('id', { optional: true }) ??
      deterministicGuid('federated identity credential', appObjectId, name),
    name,
    description: reader.string('description', { optional: true }),
    issuer: reader.string('issuer') ?? '',
    subject: reader.string('subject') ?? '',
    audiences: reader.stringList('audiences', { nonEmpty: true }),
  };
}

function readApplication(reader: FieldReader): Application {
  const version = reader.value['requestedAccessTokenVersion'] ?? null;
  if (version !== null && version !== 1 && version !== 2) {
    reader.report('requestedAccessTokenVersion', 'must be 1, 2 or null');
  }
  const servicePrincipal = reader.object('servicePrincipal', { optional: true });
  const objectId = reader.guid('objectId') ?? '';
  return {
    appId: reader.guid('appId') ?? '',
    objectId,
    displayName: reader.string('displayName') ?? '',
    identifierUris: reader.stringList('identifierUris'),
    requestedAccessTokenVersion: version === 2 ? 2 : version === 1 ? 1 : null,
    appRoles: reader.objects('appRoles', { optional: true }).map(readAppRole),
    passwordCredentials: reader
      .objects('passwordCredentials', { optional: true })
      .map(readPasswordCredential),
    keyCredentials: reader.objects('keyCredentials', { optional: true }).map(readKeyCredential),
    federatedIdentityCredentials: reader
      .objects('federatedIdentityCredentials', { optional: true })
      .map((fic) => readFederatedIdentityCredential(fic, objectId)),
    ...(servicePrincipal && {
      servicePrincipal: {
        objectId: servicePrincipal.guid('objectId') ?? '',
        appRoleAssignmentRequired: servicePrincipal.boolean('appRoleAssignmentRequired', false),
      },
    }),
    owners: reader.stringList('owners').map((id) => id.toLowerCase()),
    createdDateTime: reader.date('createdDateTime'),
  };
}

function readManagedIdentity(reader: FieldReader): ManagedIdentity {
  const type = reader.string('type');
  if (type !== undefined && type !== 'SystemAssigned' && type !== 'UserAssigned') {
    reader.report('type', 'must be "SystemAssigned" or "UserAssigned"');
  }
  return {
    name: reader.string('name') ?? '',
    type: type === 'SystemAssigned' ? 'SystemAssigned' : 'UserAssigned',
    clientId: reader.guid('clientId') ?? '',
    principalId: reader.guid('principalId') ?? '',
    resourceId: reader.string('resourceId') ?? '',
  };
}

/**
 * The resource may be named by its service principal's object id (`resourceId`) or by its appId
 * (`resourceAppId`, e.g. Microsoft Graph's), the role by id (`appRoleId`) or by value (`appRole`,
 * e.g. "Application.ReadWrite.All").
 */
function readAssignment(reader: FieldReader, applications: Application[]): AppRoleAssignment {
  const principalId = reader.guid('principalId') ?? '';
  let resourceId = '';
  let resource: Application | undefined;
  if (reader.value['resourceAppId'] !== undefined && reader.value['resourceId'] === undefined) {
    const appId = reader.guid('resourceAppId');
    resource = applications.find((app) => app.appId === appId);
    if (appId && !resource?.servicePrincipal)
      reader.report(
        'resourceAppId',
        `no application "${appId}" with a service principal in this tenant`,
      );
    resourceId = resource?.servicePrincipal?.objectId ?? '';
  } else {
    resourceId = reader.guid('resourceId') ?? '';
  }
  let appRoleId = '';
  if (reader.value['appRole'] !== undefined && reader.value['appRoleId'] === undefined) {
    const value = reader.string('appRole');
    resource ??= applications.find((app) => app.servicePrincipal?.objectId === resourceId);
    const role = resource?.appRoles.find((candidate) => candidate.value === value);
    if (value && resource && !role)
      reader.report('appRole', `"${resource.displayName}" has no app role "${value}"`);
    appRoleId = role?.id ?? '';
  } else {
    appRoleId = reader.guid('appRoleId') ?? '';
  }
  return {
    id:
      reader.string('id', { optional: true }) ??
      appRoleAssignmentId(principalId || '00000000-0000-0000-0000-000000000000', {
        resourceId,
        appRoleId,
      }),
    principalId,
    resourceId,
    appRoleId,
    createdDateTime: reader.date('createdDateTime'),
  };
}

function readTenant(reader: FieldReader): Tenant {
  const tenantId = reader.guid('tenantId') ?? '';
  const declared = reader.objects('applications').map(readApplication);
  const firstParty = tenantId ? firstPartyApplications(tenantId) : [];
  declared.forEach((app, a) => {
    if (firstParty.some((microsoft) => microsoft.appId === app.appId))
      reader.report(
        `applications[${a}].appId`,
        `"${app.appId}" is a Microsoft first-party app; every tenant already holds its service principal`,
      );
  });
  const applications = [...declared, ...firstParty];
  return {
    tenantId,
    displayName: reader.string('displayName', { optional: true }) ?? '',
    applications,
    managedIdentities: reader
      .objects('managedIdentities', { optional: true })
      .map(readManagedIdentity),
    appRoleAssignments: reader
      .objects('appRoleAssignments', { optional: true })
      .map((assignment) => readAssignment(assignment, applications)),
  };
}

function readContainer(reader: FieldReader): Container {
  return {
    name: reader.string('name') ?? '',
    identityHeader: reader.string('identityHeader') ?? '',
    servesImds: reader.boolean('servesImds', false),
    managedIdentities: reader.stringList('managedIdentities').map((id) => id.toLowerCase()),
  };
}

/** Reports a value seen twice under `what`, naming the second path. */
function checkUnique(
  problems: string[],
  what: string,
  entries: [path: string, value: string][],
): void {
  const seen = new Map<string, string>();
  for (const [path, value] of entries) {
    if (value === '') continue;
    const key = value.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      problems.push(`${path}: duplicate ${what} "${value}" (first at ${first})`);
    else seen.set(key, path);
  }
}

function checkReferences(problems: string[], document: DirectoryDocument): void {
  const objectIds: [string, string][] = [];
  const appIds: [string, string][] = [];
  const identifierUris: [string, string][] = [];
  const principalsByTenant = new Map<string, Map<string, ManagedIdentity | Application>>();
  const allIdentities = new Map<string, ManagedIdentity>();

  document.tenants.forEach((tenant, t) => {
    const base = `tenants[${t}]`;
    const principals = new Map<string, ManagedIdentity | Application>();
    principalsByTenant.set(tenant.tenantId, principals);
    tenant.applications.forEach((app, a) => {
      const path = `${base}.applications[${a}]`;
      appIds.push([`${path}.appId`, app.appId]);
      objectIds.push([`${path}.objectId`, app.objectId]);
      if (app.servicePrincipal) {
        objectIds.push([`${path}.servicePrincipal.objectId`, app.servicePrincipal.objectId]);
        principals.set(app.servicePrincipal.objectId, app);
      }
      app.identifierUris.forEach((uri, u) =>
        identifierUris.push([`${path}.identifierUris[${u}]`, uri]),
      );
      checkUnique(
        problems,
        'app role id',
        app.appRoles.map((role, r) => [`${path}.appRoles[${r}].id`, role.id]),
      );
      checkUnique(
        problems,
        'app role value',
        app.appRoles.map((role, r) => [`${path}.appRoles[${r}].value`, role.value]),
      );
      checkUnique(
        problems,
        'federated identity credential name',
        app.federatedIdentityCredentials.map((fic, f) => [
          `${path}.federatedIdentityCredentials[${f}].name`,
          fic.name,
        ]),
      );
      app.federatedIdentityCredentials.forEach((fic, f) =>
        objectIds.push([`${path}.federatedIdentityCredentials[${f}].id`, fic.id]),
      );
    });
    tenant.managedIdentities.forEach((identity, m) => {
      const path = `${base}.managedIdentities[${m}]`;
      appIds.push([`${path}.clientId`, identity.clientId]);
      objectIds.push([`${path}.principalId`, identity.principalId]);
      principals.set(identity.principalId, identity);
      allIdentities.set(identity.principalId, identity);
    });
    tenant.appRoleAssignments.forEach((assignment, i) => {
      const path = `${base}.appRoleAssignments[${i}]`;
      if (assignment.principalId && !principals.has(assignment.principalId)) {
        problems.push(
          `${path}.principalId: no managed identity or service principal "${assignment.principalId}" in this tenant`,
        );
      }
      const resource = tenant.applications.find(
        (app) => app.servicePrincipal?.objectId === assignment.resourceId,
      );
      if (assignment.resourceId && !resource) {
        problems.push(
          `${path}.resourceId: no service principal "${assignment.resourceId}" in this tenant`,
        );
      } else if (
        resource &&
        assignment.appRoleId &&
        !resource.appRoles.some((role) => role.id === assignment.appRoleId) &&
        !(assignment.appRoleId === DEFAULT_ACCESS_ROLE_ID && acceptsDefaultAccess(resource))
      ) {
        problems.push(
          `${path}.appRoleId: "${resource.displayName}" has no app role "${assignment.appRoleId}"`,
        );
      }
    });
  });
  checkUnique(
    problems,
    'tenant id',
    document.tenants.map((tenant, t) => [`tenants[${t}].tenantId`, tenant.tenantId]),
  );
  checkUnique(problems, 'object id', objectIds);
  document.tenants.forEach((tenant, t) =>
    checkUnique(
      problems,
      'app role assignment',
      tenant.appRoleAssignments.map((a, i) => [
        `tenants[${t}].appRoleAssignments[${i}]`,
        `${a.principalId}/${a.resourceId}/${a.appRoleId}`,
      ]),
    ),
  );
  checkUnique(problems, 'application/client id', appIds);
  checkUnique(problems, 'identifier URI', identifierUris);

  checkUnique(
    problems,
    'identity header',
    document.containers.map((c, i) => [`containers[${i}].identityHeader`, c.identityHeader]),
  );
  const imdsHosts = document.containers.flatMap((c, i) => (c.servesImds ? [i] : []));
  if (imdsHosts.length > 1)
    problems.push(`containers[${imdsHosts[1]}].servesImds: only one container can serve IMDS`);
  document.containers.forEach((container, c) => {
    let systemAssigned = 0;
    container.managedIdentities.forEach((principalId, i) => {
      const identity = allIdentities.get(principalId);
      if (!identity)
        problems.push(
          `containers[${c}].managedIdentities[${i}]: no managed identity with principalId "${principalId}"`,
        );
      else if (identity.type === 'SystemAssigned' && ++systemAssigned > 1) {
        problems.push(
          `containers[${c}].managedIdentities[${i}]: a container has at most one system-assigned identity`,
        );
      }
    });
  });
}

export function parseDirectory(raw: unknown): DirectoryDocument {
  const problems: string[] = [];
  if (!isObject(raw)) throw new DirectoryValidationError(['(root): must be a JSON object']);
  const root = new FieldReader(problems, '', raw);
  // Root-level paths read better without the leading dot.
  const tenants = root.objects('tenants').map(readTenant);
  const containers = root.objects('containers', { optional: true }).map(readContainer);
  if (tenants.length === 0 && !problems.some((p) => p.startsWith('.tenants:')))
    problems.push('.tenants: must not be empty');
  const document: DirectoryDocument = { tenants, containers };
  if (problems.length === 0) checkReferences(problems, document);
  if (problems.length > 0)
    throw new DirectoryValidationError(problems.map((p) => p.replace(/^\./, '')));
  return document;
}
