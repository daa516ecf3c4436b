// Reading a managed-identity token request (query string + headers) the way the platforms do,
// refusing anything ambiguous with a 400 that names the problem.
import type { IdentitySelector } from '../directory/identity-directory.js';
import { ManagedIdentityErrors } from '../errors/entra-error.js';

export type Query = Record<string, unknown>;

export function singleQueryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw ManagedIdentityErrors.badRequest(`Query parameter '${name}' must appear once.`);
  return value;
}

export function requiredApiVersion(query: Query, supported: readonly string[]): string {
  const version = singleQueryValue(query, 'api-version');
  if (!version)
    throw ManagedIdentityErrors.badRequest(
      `Required query parameter 'api-version' is missing (supported: ${supported.join(', ')}).`,
    );
  if (!supported.includes(version)) {
    throw ManagedIdentityErrors.badRequest(
      `api-version '${version}' is not supported (supported: ${supported.join(', ')}).`,
    );
  }
  return version;
}

/** The resource without the `/.default` suffix scopes carry (the SDK strips it; curl users may not). */
export function requiredResource(query: Query): string {
  const resource = singleQueryValue(query, 'resource')?.trim();
  if (!resource)
    throw ManagedIdentityErrors.badRequest("Required query parameter 'resource' is missing.");
  return resource.replace(/\/\.default$/i, '');
}

const SELECTOR_PARAMETERS: [name: string, kind: Exclude<IdentitySelector['kind'], 'system'>][] = [
  ['client_id', 'clientId'],
  ['object_id', 'objectId'],
  ['principal_id', 'objectId'],
  ['mi_res_id', 'resourceId'],
  ['msi_res_id', 'resourceId'],
];

/** client_id | object_id | principal_id | mi_res_id | msi_res_id, or the system-assigned identity. */
export function identitySelector(query: Query): IdentitySelector {
  const given = SELECTOR_PARAMETERS.flatMap(([name, kind]) => {
    const value = singleQueryValue(query, name)?.trim();
    return value ? [{ name, kind, value }] : [];
  });
  if (given.length > 1) {
    throw ManagedIdentityErrors.badRequest(
      `Only one of client_id, object_id, principal_id, mi_res_id, msi_res_id may be given (got ${given.map((g) => g.name).join(', ')}).`,
    );
  }
  const [selected] = given;
  return selected ? { kind: selected.kind, value: selected.value } : { kind: 'system' };
}

export function describeSelector(selector: IdentitySelector): string {
  return selector.kind === 'system'
    ? 'the system-assigned identity'
    : `the user-assigned identity with ${selector.kind} '${selector.value}'`;
}
