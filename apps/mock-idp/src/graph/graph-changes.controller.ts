// The Graph changes the reference documents make: add a federated identity credential, assign an
// app role. Either one decides who can get tokens (a trusted issuer, a role), so they are mounted
// only with the admin API (MOCK_IDP_ADMIN_ENABLED=true); otherwise they are 404 like /_admin.
// No authentication beyond that: changes live in memory until POST /_admin/reset.
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { acceptsDefaultAccess, DEFAULT_ACCESS_ROLE_ID } from '../directory/app-roles.js';
import type { FederatedIdentityCredential } from '../directory/directory.types.js';
import { isGuid } from '../directory/guid.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { GraphEndpoint } from '../http/endpoint.js';
import { EntraError, EntraErrors } from '../errors/entra-error.js';
import {
  applicationByObjectId,
  federatedCredentialView,
  graphNotFound,
} from './graph-resources.js';

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

@Controller('v1.0')
@GraphEndpoint
export class GraphChangesController {
  constructor(private readonly directory: IdentityDirectory) {}

  @Post('applications/:id/federatedIdentityCredentials')
  @HttpCode(201)
  addFederatedCredential(@Param('id') id: string, @Body() raw: unknown) {
    const app = applicationByObjectId(this.directory, id);
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
    return federatedCredentialView(app, credential);
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
    if (!resource) throw graphNotFound('servicePrincipal', assignment.resourceId);
    if (id.toLowerCase() !== assignment.resourceId && id.toLowerCase() !== assignment.principalId) {
      throw EntraErrors.invalidParameter(
        'resourceId',
        'or principalId must be the service principal in the path',
      );
    }
    if (!this.directory.isPrincipal(resource.tenant, assignment.principalId))
      throw graphNotFound('principal', assignment.principalId);
    const defaultAccess =
      assignment.appRoleId === DEFAULT_ACCESS_ROLE_ID && acceptsDefaultAccess(resource.app);
    if (!defaultAccess && !resource.app.appRoles.some((role) => role.id === assignment.appRoleId)) {
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
