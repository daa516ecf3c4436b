// Graph /applications: create, get, list (OData), update, delete, addPassword/removePassword.
// Served under /v1.0 and /beta over https; what a setup script or `az ad app` needs.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Application, PasswordCredential } from '../directory/directory.types.js';
import { IdentityDirectory, type ApplicationPatch } from '../directory/identity-directory.js';
import {
  checkRoleChanges,
  readAppRoles,
  readIdentifierUris,
  readTokenVersion,
} from './application-rules.js';
import {
  assertMayWriteApplication,
  Caller,
  GraphAccess,
  type GraphCaller,
} from './graph-authorization.js';
import { GraphErrors } from './graph-error.js';
import { GraphController } from './graph-controller.decorator.js';
import {
  applicationById,
  jsonBody,
  onlyProperties,
  optionalString,
  requiredGuid,
  requiredString,
  type JsonBody,
} from './graph-request.js';
import { GraphViews, passwordCredentialView } from './graph-views.js';
import { collectionResponse, createdEntity, entityResponse, serviceRoot } from './odata-query.js';

/** Properties a create/update may carry. Those the emulator does not model are accepted and dropped. */
const APPLICATION_PROPERTIES = [
  'displayName',
  'identifierUris',
  'appRoles',
  'api',
  'signInAudience',
  'description',
  'notes',
  'tags',
  'web',
  'spa',
  'publicClient',
  'info',
  'isFallbackPublicClient',
  'optionalClaims',
  'requiredResourceAccess',
  'keyCredentials',
  'passwordCredentials',
];

const DEFAULT_SECRET_LIFETIME_MS = 2 * 365 * 86400_000;

@GraphController()
@Controller(['v1.0/applications', 'beta/applications'])
export class ApplicationsController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly views: GraphViews,
  ) {}

  @Get()
  @GraphAccess('readDirectory')
  list(@Caller() caller: GraphCaller, @Req() req: ExpressRequest) {
    const { tenant } = caller;
    const items = tenant.applications
      .filter((app) => !app.firstParty)
      .map((app) => this.views.application(tenant, app));
    return collectionResponse(req, items, {
      entityType: 'application',
      contextPath: 'applications',
      template: this.views.application(tenant, templateApplication()),
    });
  }

  @Get(':id')
  @GraphAccess('readDirectory')
  get(@Caller() caller: GraphCaller, @Param('id') id: string, @Req() req: ExpressRequest) {
    const app = applicationById(caller.tenant, id);
    return entityResponse(req, this.views.application(caller.tenant, app), {
      entityType: 'application',
      contextPath: 'applications',
    });
  }

  @Post()
  @HttpCode(201)
  @GraphAccess('writeApplications')
  create(@Caller() caller: GraphCaller, @Body() raw: unknown, @Req() req: ExpressRequest) {
    const { tenant } = caller;
    const body = jsonBody(raw);
    onlyProperties(body, APPLICATION_PROPERTIES, 'application');
    refuseUnmodelledCredentials(body);
    const changes = this.readChanges(body, undefined, caller);
    const app: Application = {
      appId: randomUUID(),
      objectId: randomUUID(),
      displayName: requiredString(body, 'displayName'),
      identifierUris: changes.identifierUris ?? [],
      requestedAccessTokenVersion: changes.requestedAccessTokenVersion ?? null,
      appRoles: changes.appRoles ?? [],
      passwordCredentials: [],
      keyCredentials: [],
      federatedIdentityCredentials: [],
      // Graph makes an app-only caller the owner of what it creates (Application.ReadWrite.OwnedBy relies on it).
      owners: [caller.principalId],
      createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    this.directory.addApplication(tenant, app);
    return createdEntity(req, 'applications', this.views.application(tenant, app));
  }

  @Patch(':id')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  update(@Caller() caller: GraphCaller, @Param('id') id: string, @Body() raw: unknown): void {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    const body = jsonBody(raw);
    onlyProperties(body, APPLICATION_PROPERTIES, 'application');
    refuseUnmodelledCredentials(body);
    const changes = this.readChanges(body, app, caller);
    if (body['displayName'] !== undefined)
      changes.displayName = requiredString(body, 'displayName');
    this.directory.updateApplication(app, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  remove(@Caller() caller: GraphCaller, @Param('id') id: string): void {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    this.directory.removeApplication(caller.tenant, app);
  }

  @Post(':id/addPassword')
  @HttpCode(200)
  @GraphAccess('writeApplications')
  addPassword(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: ExpressRequest,
  ) {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    const body = raw === undefined ? {} : jsonBody(raw);
    onlyProperties(body, ['passwordCredential'], 'application.addPassword');
    const requested =
      body['passwordCredential'] === undefined ? {} : jsonBody(body['passwordCredential']);
    onlyProperties(
      requested,
      ['displayName', 'startDateTime', 'endDateTime'],
      'passwordCredential',
    );
    const start = dateProperty(requested, 'startDateTime') ?? new Date();
    const end =
      dateProperty(requested, 'endDateTime') ??
      new Date(start.getTime() + DEFAULT_SECRET_LIFETIME_MS);
    if (end <= start)
      throw GraphErrors.badRequest('Property endDateTime must be later than startDateTime.');
    const secretText = newClientSecret();
    const credential: PasswordCredential = {
      keyId: randomUUID(),
      displayName: optionalString(requested, 'displayName'),
      hint: secretText.slice(0, 3),
      secretSha256: createHash('sha256').update(secretText, 'utf8').digest('hex'),
      startDateTime: start.toISOString(),
      endDateTime: end.toISOString(),
    };
    this.directory.addPassword(app, credential);
    return {
      '@odata.context': `${serviceRoot(req)}/$metadata#microsoft.graph.passwordCredential`,
      ...passwordCredentialView(credential),
      secretText,
    };
  }

  @Post(':id/removePassword')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  removePassword(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Body() raw: unknown,
  ): void {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    const body = jsonBody(raw);
    onlyProperties(body, ['keyId'], 'application.removePassword');
    const keyId = requiredGuid(body, 'keyId');
    if (!app.passwordCredentials.some((credential) => credential.keyId === keyId))
      throw GraphErrors.notFound(keyId);
    this.directory.removePassword(app, keyId);
  }

  private readChanges(
    body: JsonBody,
    app: Application | undefined,
    caller: GraphCaller,
  ): ApplicationPatch {
    const changes: ApplicationPatch = {};
    if (body['identifierUris'] !== undefined)
      changes.identifierUris = readIdentifierUris(
        body['identifierUris'],
        this.directory,
        caller.tenant,
        app,
      );
    if (body['appRoles'] !== undefined) {
      changes.appRoles = readAppRoles(body['appRoles']);
      if (app) checkRoleChanges(app.appRoles, changes.appRoles);
    }
    if (body['api'] !== undefined && body['api'] !== null) {
      const api = jsonBody(body['api']);
      if ('requestedAccessTokenVersion' in api)
        changes.requestedAccessTokenVersion = readTokenVersion(api['requestedAccessTokenVersion']);
    }
    return changes;
  }
}

/** Certificates and secrets are added with addPassword (or the directory file), not in the body. */
function refuseUnmodelledCredentials(body: JsonBody): void {
  for (const name of ['keyCredentials', 'passwordCredentials']) {
    const value = body[name];
    if (Array.isArray(value) && value.length > 0)
      throw GraphErrors.badRequest(
        `Property '${name}' is not supported in a create/update by this emulator: use addPassword, or the directory file for certificates.`,
      );
  }
}

function dateProperty(body: JsonBody, name: string): Date | undefined {
  const value = optionalString(body, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw GraphErrors.badRequest(`Property '${name}' must be an ISO 8601 date.`);
  return date;
}

/** 40 characters like Entra's client secrets (3 random, a version marker `8Q~`, 34 random). */
function newClientSecret(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~';
  const pick = (count: number) =>
    Array.from({ length: count }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${pick(3)}8Q~${pick(34)}`;
}

/** An application with every property, to validate $filter/$select names on an empty collection. */
function templateApplication(): Application {
  return {
    appId: '',
    objectId: '',
    displayName: '',
    identifierUris: [],
    requestedAccessTokenVersion: null,
    appRoles: [],
    passwordCredentials: [],
    keyCredentials: [],
    federatedIdentityCredentials: [],
    owners: [],
  };
}
