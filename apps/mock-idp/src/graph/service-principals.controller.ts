// Graph /servicePrincipals: create (for an application of the tenant, by appId), get, list
// (OData), delete. Managed identities are listed too (servicePrincipalType ManagedIdentity), as
// Graph lists them; Microsoft's first-party service principals (Graph, ARM) are read-only.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { randomUUID } from 'node:crypto';
import { IdentityDirectory } from '../directory/identity-directory.js';
import {
  assertMayWriteApplication,
  Caller,
  GraphAccess,
  type GraphCaller,
} from './graph-authorization.js';
import { GraphController } from './graph-controller.decorator.js';
import { GraphErrors } from './graph-error.js';
import {
  booleanValue,
  jsonBody,
  onlyProperties,
  requiredGuid,
  servicePrincipalById,
  type JsonBody,
} from './graph-request.js';
import { GraphViews } from './graph-views.js';
import { collectionResponse, createdEntity, entityResponse } from './odata-query.js';

const SERVICE_PRINCIPAL_PROPERTIES = [
  'appId',
  'accountEnabled',
  'appRoleAssignmentRequired',
  'tags',
  'description',
  'notes',
];

@GraphController()
@Controller(['v1.0/servicePrincipals', 'beta/servicePrincipals'])
export class ServicePrincipalsController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly views: GraphViews,
  ) {}

  @Get()
  @GraphAccess('readDirectory')
  list(@Caller() caller: GraphCaller, @Req() req: ExpressRequest) {
    const { tenant } = caller;
    const all = this.directory.servicePrincipals(tenant);
    const items = all.map((sp) => this.views.servicePrincipal(tenant, sp));
    const template = all.find((sp) => sp.kind === 'application');
    return collectionResponse(req, items, {
      entityType: 'servicePrincipal',
      contextPath: 'servicePrincipals',
      // Every tenant holds Microsoft Graph's service principal: an application-kind template exists.
      template: this.views.servicePrincipal(tenant, template!),
    });
  }

  @Get(':id')
  @GraphAccess('readDirectory')
  get(@Caller() caller: GraphCaller, @Param('id') id: string, @Req() req: ExpressRequest) {
    const sp = servicePrincipalById(this.directory, caller.tenant, id);
    return entityResponse(req, this.views.servicePrincipal(caller.tenant, sp), {
      entityType: 'servicePrincipal',
      contextPath: 'servicePrincipals',
    });
  }

  @Post()
  @HttpCode(201)
  @GraphAccess('writeApplications')
  create(@Caller() caller: GraphCaller, @Body() raw: unknown, @Req() req: ExpressRequest) {
    const { tenant } = caller;
    const body = jsonBody(raw);
    onlyProperties(body, SERVICE_PRINCIPAL_PROPERTIES, 'servicePrincipal');
    const appId = requiredGuid(body, 'appId');
    const app = this.directory.application(tenant, appId);
    if (!app)
      throw GraphErrors.badRequest(
        `The appId '${appId}' of the service principal does not reference a valid application object.`,
      );
    if (app.servicePrincipal)
      throw GraphErrors.duplicate(
        `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
      );
    assertMayWriteApplication(caller, app);
    this.directory.addServicePrincipal(app, {
      objectId: randomUUID(),
      appRoleAssignmentRequired:
        readServicePrincipalChanges(body).appRoleAssignmentRequired ?? false,
    });
    const created = servicePrincipalById(this.directory, tenant, app.servicePrincipal!.objectId);
    return createdEntity(req, 'servicePrincipals', this.views.servicePrincipal(tenant, created));
  }

  @Patch(':id')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  update(@Caller() caller: GraphCaller, @Param('id') id: string, @Body() raw: unknown): void {
    const sp = this.writableApplicationServicePrincipal(caller, id);
    const body = jsonBody(raw);
    onlyProperties(body, SERVICE_PRINCIPAL_PROPERTIES, 'servicePrincipal');
    if (body['appId'] !== undefined && body['appId'] !== sp.app.appId)
      throw GraphErrors.badRequest("Property 'appId' of a service principal cannot be changed.");
    this.directory.updateServicePrincipal(sp.app, readServicePrincipalChanges(body));
  }

  @Delete(':id')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  remove(@Caller() caller: GraphCaller, @Param('id') id: string): void {
    const sp = this.writableApplicationServicePrincipal(caller, id);
    this.directory.removeServicePrincipal(caller.tenant, sp.app);
  }

  /** Managed identities' and Microsoft's service principals are not changed through Graph. */
  private writableApplicationServicePrincipal(caller: GraphCaller, id: string) {
    const sp = servicePrincipalById(this.directory, caller.tenant, id);
    if (sp.kind === 'managedIdentity')
      throw GraphErrors.badRequest(
        `Service principal '${sp.objectId}' belongs to a managed identity: it is managed with the identity's Azure resource.`,
      );
    if (sp.app.firstParty)
      throw GraphErrors.forbidden(
        [],
        `'${sp.app.displayName}' is a Microsoft first-party service principal.`,
      );
    assertMayWriteApplication(caller, sp.app);
    return sp;
  }
}

function readServicePrincipalChanges(body: JsonBody): { appRoleAssignmentRequired?: boolean } {
  if (
    body['accountEnabled'] !== undefined &&
    !booleanValue(body['accountEnabled'], 'accountEnabled')
  )
    throw GraphErrors.badRequest(
      "This emulator models enabled service principals only ('accountEnabled': true).",
    );
  return body['appRoleAssignmentRequired'] === undefined
    ? {}
    : {
        appRoleAssignmentRequired: booleanValue(
          body['appRoleAssignmentRequired'],
          'appRoleAssignmentRequired',
        ),
      };
}
