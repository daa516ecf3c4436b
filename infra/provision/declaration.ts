// The declaration file: which app registrations exist (identifier URIs, app roles, token version),
// which principals hold which of their roles, and which identities they trust through federated
// identity credentials. One zod schema is the single source of truth: the CLI validates with it
// before touching Graph, and entra-declaration.schema.json is generated from it (the spec checks
// that the committed file is current).
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const guid = () => z.string().regex(GUID, 'must be a GUID');
const nonEmpty = () => z.string().trim().min(1, 'must not be empty');

/**
 * Who holds a role or is trusted by a credential. Each form works against real Entra:
 * an object id, the appId of a service principal (a managed identity's client id is the appId of
 * its service principal), a display name resolved through Graph (must match exactly one service
 * principal), or an application of this declaration (its service principal).
 */
export const PrincipalReference = z.union([
  z
    .strictObject({ objectId: guid() })
    .describe('service principal / managed identity object (principal) id'),
  z
    .strictObject({ appId: guid() })
    .describe("appId of a service principal: a managed identity's client id"),
  z
    .strictObject({ displayName: nonEmpty() })
    .describe('display name of exactly one service principal'),
  z
    .strictObject({ application: nonEmpty() })
    .describe('displayName of an application of this declaration'),
]);
export type PrincipalReference = z.infer<typeof PrincipalReference>;

export const AppRole = z.strictObject({
  id: guid().describe('stable GUID of the role: pick it once, never change it'),
  value: z
    .string()
    .regex(/^[^\s.][^\s]*$/, 'must have no spaces and not start with a dot')
    .max(249),
  displayName: nonEmpty(),
  description: nonEmpty(),
  allowedMemberTypes: z
    .array(z.enum(['Application', 'User']))
    .min(1)
    .default(['Application']),
  isEnabled: z.boolean().default(true),
});
export type AppRole = z.infer<typeof AppRole>;

export const FederatedIdentityCredential = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/, '3-120 characters: letters, digits, - and _'),
  issuer: nonEmpty().describe(
    'issuer URL; {authorityHost} and {tenantId} are replaced by the authority host and the tenant being provisioned',
  ),
  subject: z
    .union([nonEmpty(), PrincipalReference])
    .describe(
      "the token's sub: a string, or a principal reference resolved to its object id (a managed identity's sub)",
    ),
  audiences: z.array(nonEmpty()).length(1).default(['api://AzureADTokenExchange']),
  description: z.string().max(600).optional(),
});
export type FederatedIdentityCredential = z.infer<typeof FederatedIdentityCredential>;

export const Application = z.strictObject({
  displayName: nonEmpty().describe('also the key other entries use to refer to this application'),
  identifierUris: z.array(z.url()).default([]),
  requestedAccessTokenVersion: z
    .union([z.literal(1), z.literal(2), z.null()])
    .default(null)
    .describe('access token version issued for this API: null or 1 -> v1.0, 2 -> v2.0'),
  appRoles: z.array(AppRole).default([]),
  servicePrincipal: z
    .strictObject({ appRoleAssignmentRequired: z.boolean().default(false) })
    .default({ appRoleAssignmentRequired: false }),
  federatedIdentityCredentials: z.array(FederatedIdentityCredential).max(20).default([]),
});
export type Application = z.infer<typeof Application>;

export const AppRoleAssignment = z.strictObject({
  principal: PrincipalReference,
  resource: nonEmpty().describe(
    'displayName of the application (of this declaration) defining the role',
  ),
  appRole: nonEmpty().describe('value of the role'),
});
export type AppRoleAssignment = z.infer<typeof AppRoleAssignment>;

export const Declaration = z
  .strictObject({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    applications: z.array(Application).min(1),
    appRoleAssignments: z.array(AppRoleAssignment).default([]),
  })
  .superRefine((declaration, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    const apps = new Map<string, Application>();
    const identifierUris = new Set<string>();
    declaration.applications.forEach((app, index) => {
      if (apps.has(app.displayName))
        issue(['applications', index, 'displayName'], `'${app.displayName}' is declared twice`);
      apps.set(app.displayName, app);
      app.identifierUris.forEach((uri, uriIndex) => {
        if (identifierUris.has(uri))
          issue(['applications', index, 'identifierUris', uriIndex], `'${uri}' is used twice`);
        identifierUris.add(uri);
      });
      for (const key of ['id', 'value'] as const) {
        const seen = new Set<string>();
        app.appRoles.forEach((role, roleIndex) => {
          const value = role[key].toLowerCase();
          if (seen.has(value))
            issue(
              ['applications', index, 'appRoles', roleIndex, key],
              `'${role[key]}' is used by two roles`,
            );
          seen.add(value);
        });
      }
      const names = new Set<string>();
      app.federatedIdentityCredentials.forEach((fic, ficIndex) => {
        if (names.has(fic.name.toLowerCase()))
          issue(
            ['applications', index, 'federatedIdentityCredentials', ficIndex, 'name'],
            `'${fic.name}' is used twice`,
          );
        names.add(fic.name.toLowerCase());
      });
    });
    const checkApplicationReference = (reference: unknown, path: (string | number)[]) => {
      if (typeof reference === 'object' && reference && 'application' in reference) {
        const name = (reference as { application: string }).application;
        if (!apps.has(name))
          issue([...path, 'application'], `'${name}' is not an application of this declaration`);
      }
    };
    declaration.applications.forEach((app, index) =>
      app.federatedIdentityCredentials.forEach((fic, ficIndex) =>
        checkApplicationReference(fic.subject, [
          'applications',
          index,
          'federatedIdentityCredentials',
          ficIndex,
          'subject',
        ]),
      ),
    );
    const assignments = new Set<string>();
    declaration.appRoleAssignments.forEach((assignment, index) => {
      const path = ['appRoleAssignments', index];
      checkApplicationReference(assignment.principal, [...path, 'principal']);
      const resource = apps.get(assignment.resource);
      if (!resource) {
        issue(
          [...path, 'resource'],
          `'${assignment.resource}' is not an application of this declaration`,
        );
        return;
      }
      const role = resource.appRoles.find((r) => r.value === assignment.appRole);
      if (!role)
        issue(
          [...path, 'appRole'],
          `'${assignment.appRole}' is not a role of '${assignment.resource}' (roles: ${resource.appRoles.map((r) => r.value).join(', ') || 'none'})`,
        );
      else if (!role.allowedMemberTypes.includes('Application'))
        issue([...path, 'appRole'], `'${role.value}' does not allow Application members`);
      const key = JSON.stringify([assignment.principal, assignment.resource, assignment.appRole]);
      if (assignments.has(key)) issue(path, 'the same assignment is declared twice');
      assignments.add(key);
    });
  });
export type Declaration = z.infer<typeof Declaration>;

export class DeclarationError extends Error {
  override readonly name = 'DeclarationError';
}

/** `applications[0].appRoles[1].id` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Validates a parsed declaration; throws a DeclarationError listing every problem with its field. */
export function parseDeclaration(raw: unknown, source = 'declaration'): Declaration {
  const result = Declaration.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `  ${fieldPath(issue.path) || '(root)'}: ${issue.message}`,
  );
  throw new DeclarationError(`${source} is not valid:\n${problems.join('\n')}`);
}

export function readDeclaration(path: string): Declaration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DeclarationError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DeclarationError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseDeclaration(raw, path);
}

export const DECLARATION_SCHEMA_PATH = fileURLToPath(
  new URL('entra-declaration.schema.json', import.meta.url),
);

/** JSON Schema (draft 2020-12) of the declaration file, as committed in entra-declaration.schema.json. */
export function declarationJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Declaration, { io: 'input', target: 'draft-2020-12' }),
    title: 'entra-s2s Entra ID declaration',
  };
}
