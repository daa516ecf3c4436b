// App role assignments, from both ends as Graph offers them:
//   /servicePrincipals/{resource}/appRoleAssignedTo    who holds roles of this resource
//   /servicePrincipals/{principal}/appRoleAssignments  which roles this principal holds
// POST (create), GET (list, OData), DELETE /{assignmentId}. A new assignment is in the next token.
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import {
  appRoleAssignmentId,
  acceptsDefaultAccess,
  DEFAULT_ACCESS_ROLE_ID,
} from '../directory/app-roles.js';
import type { AppRoleAssignment } from '../directory/directory.types.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { Caller, GraphAccess, type GraphCaller } from './graph-authorization.js';
import { GraphController } from './graph-controller.decorator.js';
import { GraphErrors } from './graph-error.js';
import { jsonBody, onlyProperties, requiredGuid, servicePrincipalById } from './graph-request.js';
import { GraphViews } from './graph-views.js';
import { collectionResponse, createdEntity } from './odata-query.js';

type End = 'appRoleAssignedTo' | 'appRoleAssignments';

const TEMPLATE_ASSIGNMENT: AppRoleAssignment = {
  id: '',
  principalId: '',
  resourceId: '',
  appRoleId: '',
};

@GraphController()
@Controller(['v1.0/servicePrincipals/:id', 'beta/servicePrincipals/:id'])
export class AppRoleAssignmentsController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly views: GraphViews,
  ) {}

  @Get('appRoleAssignedTo')
  @GraphAccess('readAssignments')
  listAssignedTo(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Req() req: ExpressRequest,
  ) {
    return this.list(caller, id, 'appRoleAssignedTo', req);
  }

  @Get('appRoleAssignments')
  @GraphAccess('readAssignments')
  listAssignments(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Req() req: ExpressRequest,
  ) {
    return this.list(caller, id, 'appRoleAssignments', req);
  }

  @Post('appRoleAssignedTo')
  @HttpCode(201)
  @GraphAccess('writeAssignments')
  assignTo(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: ExpressRequest,
  ) {
    return this.create(caller, id, 'appRoleAssignedTo', raw, req);
  }

  @Post('appRoleAssignments')
  @HttpCode(201)
  @GraphAccess('writeAssignments')
  assign(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: ExpressRequest,
  ) {
    return this.create(caller, id, 'appRoleAssignments', raw, req);
  }

  @Delete('appRoleAssignedTo/:assignmentId')
  @HttpCode(204)
  @GraphAccess('writeAssignments')
  unassignFrom(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
  ): void {
    this.remove(caller, id, 'appRoleAssignedTo', assignmentId);
  }

  @Delete('appRoleAssignments/:assignmentId')
  @HttpCode(204)
  @GraphAccess('writeAssignments')
  unassign(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
  ): void {
    this.remove(caller, id, 'appRoleAssignments', assignmentId);
  }

  private atEnd(caller: GraphCaller, id: string, end: End): AppRoleAssignment[] {
    const sp = servicePrincipalById(this.directory, caller.tenant, id);
    return caller.tenant.appRoleAssignments.filter((a) =>
      end === 'appRoleAssignedTo' ? a.resourceId === sp.objectId : a.principalId === sp.objectId,
    );
  }

  private list(caller: GraphCaller, id: string, end: End, req: ExpressRequest) {
    const { tenant } = caller;
    const items = this.atEnd(caller, id, end).map((a) => this.views.assignment(tenant, a));
    return collectionResponse(req, items, {
      entityType: 'appRoleAssignment',
      contextPath: `servicePrincipals('${id.toLowerCase()}')/${end}`,
      template: this.views.assignment(tenant, TEMPLATE_ASSIGNMENT),
    });
  }

  private create(caller: GraphCaller, id: string, end: End, raw: unknown, req: ExpressRequest) {
    const { tenant } = caller;
    const body = jsonBody(raw);
    onlyProperties(
      body,
      ['principalId', 'resourceId', 'appRoleId', 'principalType'],
      'appRoleAssignment',
    );
    const principalId = requiredGuid(body, 'principalId');
    const resourceId = requiredGuid(body, 'resourceId');
    const appRoleId = requiredGuid(body, 'appRoleId');
    const inPath = servicePrincipalById(this.directory, tenant, id).objectId;
    // Graph's documented form names the resource in the path for appRoleAssignedTo and the
    // principal for appRoleAssignments; the reference document posts appRoleAssignedTo to the
    // principal's id, which Graph accepts as well.
    const expected = end === 'appRoleAssignedTo' ? [resourceId, principalId] : [principalId];
    if (!expected.includes(inPath))
      throw GraphErrors.badRequest(
        `The service principal in the path (${inPath}) must be the ${end === 'appRoleAssignedTo' ? 'resourceId (or principalId)' : 'principalId'} of the assignment.`,
      );
    const resource = servicePrincipalById(this.directory, tenant, resourceId);
    servicePrincipalById(this.directory, tenant, principalId);
    if (resource.kind !== 'application')
      throw GraphErrors.badRequest(
        `Permission being assigned was not found on application '${resourceId}': a managed identity defines no app roles.`,
      );
    const app = resource.app;
    const role = app.appRoles.find((r) => r.id === appRoleId);
    const defaultAccess = appRoleId === DEFAULT_ACCESS_ROLE_ID && acceptsDefaultAccess(app);
    if (!role && !defaultAccess)
      throw GraphErrors.badRequest(
        `Permission being assigned was not found on application '${app.appId}' (${app.displayName}): it defines no app role '${appRoleId}'.`,
      );
    if (role && !role.allowedMemberTypes.includes('Application'))
      throw GraphErrors.badRequest(
        `App role '${role.value}' of '${app.displayName}' cannot be assigned to a service principal: its allowedMemberTypes are ${role.allowedMemberTypes.join(', ')}.`,
      );
    if (role && !role.isEnabled)
      throw GraphErrors.badRequest(
        `App role '${role.value}' of '${app.displayName}' is disabled and cannot be assigned.`,
      );
    const duplicate = tenant.appRoleAssignments.some(
      (a) =>
        a.principalId === principalId && a.resourceId === resourceId && a.appRoleId === appRoleId,
    );
    if (duplicate)
      throw GraphErrors.duplicate('Permission being assigned already exists on the object.');
    const assignment: AppRoleAssignment = {
      id: appRoleAssignmentId(principalId, 'random'),
      principalId,
      resourceId,
      appRoleId,
      createdDateTime: new Date().toISOString(),
    };
    this.directory.addAssignment(tenant, assignment);
    return createdEntity(
      req,
      `servicePrincipals('${inPath}')/${end}`,
      this.views.assignment(tenant, assignment),
    );
  }

  private remove(caller: GraphCaller, id: string, end: End, assignmentId: string): void {
    const assignment = this.atEnd(caller, id, end).find((a) => a.id === assignmentId);
    if (!assignment) throw GraphErrors.notFound(assignmentId);
    this.directory.removeAssignment(caller.tenant, assignment.id);
  }
}
