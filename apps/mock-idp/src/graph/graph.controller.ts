// The Graph reads the reference documents use (`az rest .../appRoleAssignedTo`,
// `.../federatedIdentityCredentials`). Always served: they only show the directory. The changes
// are in GraphChangesController, mounted with the admin API.
import { Controller, Get, Param } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { GraphEndpoint } from '../http/endpoint.js';
import {
  applicationByObjectId,
  federatedCredentialView,
  graphNotFound,
} from './graph-resources.js';

@Controller('v1.0')
@GraphEndpoint
export class GraphController {
  constructor(private readonly directory: IdentityDirectory) {}

  @Get('applications/:id')
  getApplication(@Param('id') id: string) {
    const app = applicationByObjectId(this.directory, id);
    return {
      id: app.objectId,
      appId: app.appId,
      displayName: app.displayName,
      identifierUris: app.identifierUris,
      appRoles: app.appRoles,
      api: { requestedAccessTokenVersion: app.requestedAccessTokenVersion },
      federatedIdentityCredentials: app.federatedIdentityCredentials.map((fic) =>
        federatedCredentialView(app, fic),
      ),
    };
  }

  @Get('applications/:id/federatedIdentityCredentials')
  listFederatedCredentials(@Param('id') id: string) {
    const app = applicationByObjectId(this.directory, id);
    return {
      value: app.federatedIdentityCredentials.map((fic) => federatedCredentialView(app, fic)),
    };
  }

  @Get('servicePrincipals/:id/appRoleAssignedTo')
  listAssignments(@Param('id') id: string) {
    if (!this.directory.servicePrincipal(id)) throw graphNotFound('servicePrincipal', id);
    return {
      value: this.directory
        .assignmentsTo(id.toLowerCase())
        .map((a) => ({ id: randomUUID(), ...a })),
    };
  }
}
