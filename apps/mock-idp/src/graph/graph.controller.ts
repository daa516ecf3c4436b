// The few Microsoft Graph calls the reference documents use to set up roles and federation
// (`az rest .../appRoleAssignedTo`, `.../federatedIdentityCredentials`). No authentication:
// this is a local emulator; changes live in memory until POST /_admin/reset.
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Application, FederatedIdentityCredential } from '../directory/directory.types.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraError, EntraErrors } from '../errors/entra-error.js';
import { isGuid } from '../directory/guid.js';

function notFound(kind: string, id: string): EntraError {
  return new EntraError(
    404,
    'not_found',
    undefined,
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present (${kind}).`,
  );
}

function stringField(body: Record<string, unknown>, name: string, guid = false): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw EntraErrors.invalidParameter(name, 'is required');
  if (guid && !isGuid(value)) throw EntraErrors.invalidParameter(name, 'must be a GUID');
  return guid ? value.toLowerCase() : value;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw EntraErrors.malformedBody('a JSON object is required');
  return body as Record<string, unknown>;
}

const ficView = (app: Application, fic: FederatedIdentityCredential) => ({
  id: `${app.objectId}:${fic.name}`,
  ...fic,
});

@Controller('v1.0')
export class GraphController {
  constructor(private readonly directory: IdentityDirectory) {}

  private application(objectId: string): Application {
    const found = this.directory.applicationByObjectId(objectId);
    if (!found) throw notFound('application', objectId);
    return found.app;
  }

  @Get('applications/:id')
  getApplication(@Param('id') id: string) {
    const app = this.application(id);
    return {
      id: app.objectId,
      appId: app.appId,
      displayName: app.displayName,
      identifierUris: app.identifierUris,
      appRoles: app.appRoles,
      api: { requestedAccessTokenVersion: app.requestedAccessTokenVersion },
      federatedIdentityCredentials: app.federatedIdentityCredentials.map((fic) =>
        ficView(app, fic),
      ),
    };
  }

  @Get('applications/:id/federatedIdentityCredentials')
  listFederatedCredentials(@Param('id') id: string) {
    const app = this.application(id);
    return { value: app.federatedIdentityCredentials.map((fic) => ficView(app, fic)) };
  }

  @Post('applications/:id/federatedIdentityCredentials')
  @HttpCode(201)
  addFederatedCredential(@Param('id') id: string, @Body() raw: unknown) {
    const app = this.application(id);
    const body = objectBody(raw);
    const audiences = body['audiences'];
    if (
      !Array.isArray(audiences) ||
      audiences.length === 0 ||
      audiences.some((a) => typeof a !== 'string' || a === '')
    ) {
      throw EntraErrors.invalidParameter('audiences', 'must be a non-empty array of strings');
    }
    const credential: FederatedIdentityCredential = {
      name: stringField(body, 'name'),
      issuer: stringField(body, 'issuer'),
      subject: stringField(body, 'subject'),
      audiences: audiences as string[],
    };
    if (app.federatedIdentityCredentials.some((fic) => fic.name === credential.name)) {
      throw new EntraError(
        409,
        'invalid_request',
        undefined,
        `A federated identity credential named '${credential.name}' already exists.`,
      );
    }
    this.directory.addFederatedCredential(app, credential);
    return ficView(app, credential);
  }

  @Get('servicePrincipals/:id/appRoleAssignedTo')
  listAssignments(@Param('id') id: string) {
    if (!this.directory.servicePrincipal(id)) throw notFound('servicePrincipal', id);
    return {
      value: this.directory
        .assignmentsTo(id.toLowerCase())
        .map((a) => ({ id: randomUUID(), ...a })),
    };
  }

  @Post('servicePrincipals/:id/appRoleAssignedTo')
  @HttpCode(201)
  addAssignment(@Param('id') id: string, @Body() raw: unknown) {
    const body = objectBody(raw);
    const assignment = {
      principalId: stringField(body, 'principalId', true),
      resourceId: stringField(body, 'resourceId', true),
      appRoleId: stringField(body, 'appRoleId', true),
    };
    // The reference document posts to the *principal's* id; Graph accepts either end in the path.
    const resource = this.directory.servicePrincipal(assignment.resourceId);
    if (!resource) throw notFound('servicePrincipal', assignment.resourceId);
    if (id.toLowerCase() !== assignment.resourceId && id.toLowerCase() !== assignment.principalId) {
      throw EntraErrors.invalidParameter(
        'resourceId',
        'or principalId must be the service principal in the path',
      );
    }
    if (!this.directory.isPrincipal(resource.tenant, assignment.principalId))
      throw notFound('principal', assignment.principalId);
    if (!resource.app.appRoles.some((role) => role.id === assignment.appRoleId)) {
      throw EntraErrors.invalidParameter(
        'appRoleId',
        `is not an app role of '${resource.app.displayName}'`,
      );
    }
    const existing = this.directory
      .assignmentsTo(assignment.resourceId)
      .some(
        (a) => a.principalId === assignment.principalId && a.appRoleId === assignment.appRoleId,
      );
    if (existing)
      throw new EntraError(
        409,
        'invalid_request',
        undefined,
        'Permission being assigned already exists on the object.',
      );
    this.directory.addAssignment(resource.tenant, assignment);
    return { id: randomUUID(), ...assignment, resourceDisplayName: resource.app.displayName };
  }
}
