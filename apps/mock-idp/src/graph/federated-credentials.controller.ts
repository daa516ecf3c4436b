// Graph /applications/{id}/federatedIdentityCredentials: create, list, get (by id or name),
// update, delete, with Graph's rules (name 3-120 characters, letters/digits/-/_, unique and
// immutable; https issuer; one audience; issuer+subject unique; at most 20 per app). The next
// token exchange sees the change.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { randomUUID } from 'node:crypto';
import type { Application, FederatedIdentityCredential } from '../directory/directory.types.js';
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
  applicationById,
  jsonBody,
  onlyProperties,
  optionalString,
  requiredString,
  stringArray,
  type JsonBody,
} from './graph-request.js';
import { GraphViews } from './graph-views.js';
import { collectionResponse, createdEntity, entityResponse } from './odata-query.js';

export const MAX_FEDERATED_CREDENTIALS_PER_APP = 20;
const FIC_PROPERTIES = ['name', 'issuer', 'subject', 'audiences', 'description'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

type FicFields = Omit<FederatedIdentityCredential, 'id' | 'name'>;

@GraphController()
@Controller([
  'v1.0/applications/:id/federatedIdentityCredentials',
  'beta/applications/:id/federatedIdentityCredentials',
])
export class FederatedCredentialsController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly views: GraphViews,
  ) {}

  @Get()
  @GraphAccess('readDirectory')
  list(@Caller() caller: GraphCaller, @Param('id') id: string, @Req() req: ExpressRequest) {
    const app = applicationById(caller.tenant, id);
    return collectionResponse(
      req,
      app.federatedIdentityCredentials.map((fic) =>
        this.views.federatedCredential(caller.tenant, fic),
      ),
      {
        entityType: 'federatedIdentityCredential',
        contextPath: `applications('${app.objectId}')/federatedIdentityCredentials`,
        template: this.views.federatedCredential(caller.tenant, {
          id: '',
          name: '',
          issuer: '',
          subject: '',
          audiences: [],
        }),
      },
    );
  }

  @Get(':credential')
  @GraphAccess('readDirectory')
  get(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Param('credential') idOrName: string,
    @Req() req: ExpressRequest,
  ) {
    const app = applicationById(caller.tenant, id);
    return entityResponse(
      req,
      this.views.federatedCredential(caller.tenant, credentialOf(app, idOrName)),
      {
        entityType: 'federatedIdentityCredential',
        contextPath: `applications('${app.objectId}')/federatedIdentityCredentials`,
      },
    );
  }

  @Post()
  @HttpCode(201)
  @GraphAccess('writeApplications')
  create(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: ExpressRequest,
  ) {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    const body = jsonBody(raw);
    onlyProperties(body, FIC_PROPERTIES, 'federatedIdentityCredential');
    const name = requiredString(body, 'name', 120);
    if (!NAME_PATTERN.test(name))
      throw GraphErrors.badRequest(
        `Property 'name' ('${name}') must be 3 to 120 characters of letters, digits, '-' and '_', starting with a letter or digit.`,
      );
    if (
      app.federatedIdentityCredentials.some((fic) => fic.name.toLowerCase() === name.toLowerCase())
    )
      throw GraphErrors.duplicate(
        `A federated identity credential named '${name}' already exists on this application.`,
      );
    if (app.federatedIdentityCredentials.length >= MAX_FEDERATED_CREDENTIALS_PER_APP)
      throw GraphErrors.badRequest(
        `An application can have at most ${MAX_FEDERATED_CREDENTIALS_PER_APP} federated identity credentials; '${app.displayName}' has ${app.federatedIdentityCredentials.length}.`,
      );
    const fields = readFields(body, undefined);
    this.checkUniqueTrust(caller, app, fields, undefined);
    const credential: FederatedIdentityCredential = { id: randomUUID(), name, ...fields };
    this.directory.addFederatedCredential(app, credential);
    return createdEntity(
      req,
      `applications('${app.objectId}')/federatedIdentityCredentials`,
      this.views.federatedCredential(caller.tenant, credential),
    );
  }

  @Patch(':credential')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  update(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Param('credential') idOrName: string,
    @Body() raw: unknown,
  ): void {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    const credential = credentialOf(app, idOrName);
    const body = jsonBody(raw);
    onlyProperties(body, FIC_PROPERTIES, 'federatedIdentityCredential');
    if (body['name'] !== undefined && body['name'] !== credential.name)
      throw GraphErrors.badRequest(
        "Property 'name' of a federated identity credential cannot be changed.",
      );
    const fields = readFields(body, credential);
    this.checkUniqueTrust(caller, app, fields, credential);
    this.directory.updateFederatedCredential(credential, fields);
  }

  @Delete(':credential')
  @HttpCode(204)
  @GraphAccess('writeApplications')
  remove(
    @Caller() caller: GraphCaller,
    @Param('id') id: string,
    @Param('credential') idOrName: string,
  ): void {
    const app = applicationById(caller.tenant, id);
    assertMayWriteApplication(caller, app);
    this.directory.removeFederatedCredential(app, credentialOf(app, idOrName).id);
  }

  /** Graph refuses two credentials of one app with the same issuer and subject. */
  private checkUniqueTrust(
    caller: GraphCaller,
    app: Application,
    fields: FicFields,
    self: FederatedIdentityCredential | undefined,
  ): void {
    const issuer = this.views.federatedCredential(caller.tenant, {
      id: '',
      name: '',
      ...fields,
    }).issuer;
    const clash = app.federatedIdentityCredentials.find(
      (fic) =>
        fic !== self &&
        fic.subject === fields.subject &&
        this.views.federatedCredential(caller.tenant, fic).issuer === issuer,
    );
    if (clash)
      throw GraphErrors.duplicate(
        `FederatedIdentityCredential with the same issuer and subject already exists ('${clash.name}').`,
      );
  }
}

/** By id (GUID) or by name, as Graph (and `az ad app federated-credential show`) address them. */
function credentialOf(app: Application, idOrName: string): FederatedIdentityCredential {
  const found = app.federatedIdentityCredentials.find(
    (fic) => fic.id === idOrName.toLowerCase() || fic.name === idOrName,
  );
  if (!found) throw GraphErrors.notFound(idOrName);
  return found;
}

/** issuer, subject, audiences, description: required on create, optional on update. */
function readFields(body: JsonBody, current: FederatedIdentityCredential | undefined): FicFields {
  const pick = (name: 'issuer' | 'subject') =>
    body[name] === undefined && current ? current[name] : requiredString(body, name, 600);
  const issuer = pick('issuer');
  if (!/^https:\/\/[^\s]+$/i.test(issuer))
    throw GraphErrors.badRequest(`Property 'issuer' ('${issuer}') must be an https URL.`);
  const subject = pick('subject');
  const audiences = stringArray(body, 'audiences') ?? current?.audiences;
  if (!audiences || audiences.length !== 1 || !audiences[0] || audiences[0].length > 600)
    throw GraphErrors.badRequest(
      "Property 'audiences' must hold exactly one value (for example 'api://AzureADTokenExchange').",
    );
  const description =
    body['description'] === undefined
      ? current?.description
      : optionalString(body, 'description', 600);
  return { issuer, subject, audiences, ...(description === undefined ? {} : { description }) };
}
