// Graph's alternate-key addressing for reads: /applications(appId='{appId}') and
// /servicePrincipals(appId='{appId}') (the permissions reference reads Microsoft Graph's own
// service principal that way). Changes go through the object id routes.
import { Controller, Get, Param, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { isGuid } from '../directory/guid.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { Caller, GraphAccess, type GraphCaller } from './graph-authorization.js';
import { GraphController } from './graph-controller.decorator.js';
import { GraphErrors } from './graph-error.js';
import { GraphViews } from './graph-views.js';
import { entityResponse } from './odata-query.js';

function appIdKey(appId: string): string {
  if (!isGuid(appId)) throw GraphErrors.badRequest(`Invalid appId '${appId}': must be a GUID.`);
  return appId.toLowerCase();
}

@GraphController()
@Controller(['v1.0', 'beta'])
export class AlternateKeysController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly views: GraphViews,
  ) {}

  @Get("applications\\(appId=':appId'\\)")
  @GraphAccess('readDirectory')
  application(
    @Caller() caller: GraphCaller,
    @Param('appId') appId: string,
    @Req() req: ExpressRequest,
  ) {
    const key = appIdKey(appId);
    const app = caller.tenant.applications.find((a) => a.appId === key && !a.firstParty);
    if (!app) throw GraphErrors.notFound(`appId=${appId}`);
    return entityResponse(req, this.views.application(caller.tenant, app), {
      entityType: 'application',
      contextPath: 'applications',
    });
  }

  @Get("servicePrincipals\\(appId=':appId'\\)")
  @GraphAccess('readDirectory')
  servicePrincipal(
    @Caller() caller: GraphCaller,
    @Param('appId') appId: string,
    @Req() req: ExpressRequest,
  ) {
    const key = appIdKey(appId);
    const sp = this.directory
      .servicePrincipals(caller.tenant)
      .find((candidate) =>
        candidate.kind === 'application'
          ? candidate.app.appId === key
          : candidate.identity.clientId === key,
      );
    if (!sp) throw GraphErrors.notFound(`appId=${appId}`);
    return entityResponse(req, this.views.servicePrincipal(caller.tenant, sp), {
      entityType: 'servicePrincipal',
      contextPath: 'servicePrincipals',
    });
  }
}
