// Reading a Graph request: object ids in the path (scoped to the caller's tenant) and JSON bodies,
// each failure a Graph 400/404 naming the property or the id.
import type { Application, Tenant } from '../directory/directory.types.js';
import { isGuid } from '../directory/guid.js';
import type {
  DirectoryServicePrincipal,
  IdentityDirectory,
} from '../directory/identity-directory.js';
import { GraphErrors } from './graph-error.js';

export type JsonBody = Record<string, unknown>;

export function objectId(id: string): string {
  if (!isGuid(id)) throw GraphErrors.invalidObjectId(id);
  return id.toLowerCase();
}

/** An application registered in the tenant (Microsoft's first-party apps are not). */
export function applicationById(tenant: Tenant, id: string): Application {
  const wanted = objectId(id);
  const app = tenant.applications.find((a) => a.objectId === wanted && !a.firstParty);
  if (!app) throw GraphErrors.notFound(id);
  return app;
}

export function servicePrincipalById(
  directory: IdentityDirectory,
  tenant: Tenant,
  id: string,
): DirectoryServicePrincipal {
  const sp = directory.tenantServicePrincipal(tenant, objectId(id));
  if (!sp) throw GraphErrors.notFound(id);
  return sp;
}

export function jsonBody(body: unknown): JsonBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw GraphErrors.badRequest('The request body must be a JSON object.');
  return body as JsonBody;
}

/** Refuses properties Graph does not have on the type (Graph: 400 naming the property). */
export function onlyProperties(body: JsonBody, known: readonly string[], type: string): void {
  for (const name of Object.keys(body)) {
    if (name.startsWith('@odata.')) continue;
    if (!known.includes(name))
      throw GraphErrors.badRequest(
        `Property '${name}' does not exist on type 'microsoft.graph.${type}' (or this emulator does not model it).`,
      );
  }
}

export function requiredString(body: JsonBody, name: string, maxLength = 256): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw GraphErrors.badRequest(`Property '${name}' is required and must be a non-empty string.`);
  if (value.length > maxLength)
    throw GraphErrors.badRequest(`Property '${name}' is longer than ${maxLength} characters.`);
  return value;
}

export function optionalString(body: JsonBody, name: string, maxLength = 1024): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw GraphErrors.badRequest(`Property '${name}' must be a string.`);
  if (value.length > maxLength)
    throw GraphErrors.badRequest(`Property '${name}' is longer than ${maxLength} characters.`);
  return value;
}

export function requiredGuid(body: JsonBody, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !isGuid(value))
    throw GraphErrors.badRequest(`Property '${name}' is required and must be a GUID.`);
  return value.toLowerCase();
}

export function stringArray(body: JsonBody, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw GraphErrors.badRequest(`Property '${name}' must be an array of strings.`);
  return value as string[];
}

/** Graph's Edm.Boolean; the strings "true"/"false" are accepted too (the reference manifest.json writes them). */
export function booleanValue(value: unknown, name: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw GraphErrors.badRequest(`Property '${name}' must be true or false.`);
}
