// Graph's validation of an application's properties: app roles (unique ids and values, known
// member types, an enabled role is neither removed nor changed before it is disabled), identifier
// URIs (absolute, unique in the tenant), the access token version.
import type { AppRole, Application, Tenant } from '../directory/directory.types.js';
import { isGuid } from '../directory/guid.js';
import { normalizeUri, type IdentityDirectory } from '../directory/identity-directory.js';
import { GraphErrors } from './graph-error.js';
import { booleanValue, type JsonBody } from './graph-request.js';

const MEMBER_TYPES = ['Application', 'User'];

function appRole(raw: unknown, index: number): AppRole {
  const at = `appRoles[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw GraphErrors.badRequest(`Property '${at}' must be an object.`);
  const role = raw as JsonBody;
  const id = role['id'];
  if (typeof id !== 'string' || !isGuid(id))
    throw GraphErrors.badRequest(`Property '${at}.id' is required and must be a GUID.`);
  const types = role['allowedMemberTypes'];
  if (
    !Array.isArray(types) ||
    types.length === 0 ||
    types.some((type) => !MEMBER_TYPES.includes(type as string))
  )
    throw GraphErrors.badRequest(
      `Property '${at}.allowedMemberTypes' must list one or more of ${MEMBER_TYPES.join(', ')}.`,
    );
  const value = role['value'];
  if (value !== undefined && value !== null) {
    if (typeof value !== 'string' || value === '' || /\s/.test(value) || value.startsWith('.'))
      throw GraphErrors.badRequest(
        `Property '${at}.value' must be a string without spaces that does not start with '.'.`,
      );
  }
  const text = (name: string) => {
    const v = role[name];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string')
      throw GraphErrors.badRequest(`Property '${at}.${name}' must be a string.`);
    return v;
  };
  return {
    id: id.toLowerCase(),
    value: typeof value === 'string' ? value : '',
    displayName: text('displayName'),
    description: text('description'),
    allowedMemberTypes: types as AppRole['allowedMemberTypes'],
    isEnabled:
      role['isEnabled'] === undefined ? true : booleanValue(role['isEnabled'], `${at}.isEnabled`),
  };
}

/** The appRoles of a create or update body, checked on their own (ids and values unique). */
export function readAppRoles(raw: unknown): AppRole[] {
  if (!Array.isArray(raw)) throw GraphErrors.badRequest("Property 'appRoles' must be an array.");
  const roles = raw.map(appRole);
  const ids = new Set(roles.map((role) => role.id));
  const values = roles.filter((role) => role.value !== '').map((role) => role.value.toLowerCase());
  if (ids.size !== roles.length || new Set(values).size !== values.length)
    throw GraphErrors.badRequest('Property value cannot have duplicate id or claim values.');
  return roles;
}

/** Graph refuses to remove or change an enabled role in one step: disable it first. */
export function checkRoleChanges(current: AppRole[], next: AppRole[]): void {
  for (const role of current.filter((r) => r.isEnabled)) {
    const updated = next.find((r) => r.id === role.id);
    const changed =
      !updated ||
      updated.value !== role.value ||
      updated.allowedMemberTypes.join() !== role.allowedMemberTypes.join();
    if (changed)
      throw GraphErrors.badRequest(
        `Property value cannot be deleted or updated unless it is disabled first: app role '${role.value}' (${role.id}) is enabled; set isEnabled to false in one update, then remove or change it in the next.`,
      );
  }
}

export function readIdentifierUris(
  raw: unknown,
  directory: IdentityDirectory,
  tenant: Tenant,
  self: Application | undefined,
): string[] {
  if (!Array.isArray(raw) || raw.some((uri) => typeof uri !== 'string'))
    throw GraphErrors.badRequest("Property 'identifierUris' must be an array of strings.");
  const uris = raw as string[];
  for (const uri of uris) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s*]+$/i.test(uri) || uri.length > 255)
      throw GraphErrors.badRequest(
        `Values of identifierUris property must follow the format api://{appId}, https://{verified domain}/... : '${uri}' is not an absolute URI without spaces or wildcards.`,
      );
  }
  const normalized = uris.map(normalizeUri);
  if (new Set(normalized).size !== normalized.length)
    throw GraphErrors.badRequest("Property 'identifierUris' lists the same URI twice.");
  for (const other of tenant.applications) {
    if (other === self) continue;
    const taken = directory.identifierUris(other, tenant).map(normalizeUri);
    if (normalized.some((uri) => taken.includes(uri)))
      throw GraphErrors.duplicate(
        'Another object with the same value for property identifierUris already exists.',
      );
  }
  return uris;
}

export function readTokenVersion(raw: unknown): 1 | 2 | null {
  if (raw === null || raw === 1 || raw === 2) return raw;
  throw GraphErrors.badRequest("Property 'api.requestedAccessTokenVersion' must be 1, 2 or null.");
}
