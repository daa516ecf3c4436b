// The managed-identity endpoints of the plain-http listener:
//  - App Service / Container Apps protocol: GET /msi/token?api-version=2019-08-01 + x-identity-header
//    (and the older App Service 2017-09-01: `secret` header, `clientid`, expires_on as a date string,
//    which is what the Azure CLI 2.45 and msrestazure send with MSI_ENDPOINT/MSI_SECRET)
//  - IMDS: GET /metadata/identity/oauth2/token?api-version=2018-02-01 + Metadata: true
import { All, Controller, Get, Headers, Inject, Query, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { MOCK_IDP_CONFIG } from '../config/config.tokens.js';
import type { MockIdpConfig } from '../config/mock-idp-config.js';
import type { Container } from '../directory/directory.types.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraError, ManagedIdentityErrors } from '../errors/entra-error.js';
import { ManagedIdentityEndpoint } from '../http/endpoint.js';
import { requestRecord } from '../http/request-record.js';
import { AccessTokenGrant } from '../tokens/access-token-grant.js';
import type { IssuedToken } from '../tokens/token-factory.js';
import {
  describeSelector,
  identitySelector,
  requiredApiVersion,
  requiredResource,
  type Query as QueryParameters,
} from './managed-identity-request.js';

const methodNotAllowed = (method: string) =>
  new EntraError(405, 'invalid_request', undefined, `Method ${method} is not supported: use GET.`);

const APP_SERVICE_API_VERSIONS = ['2019-08-01', '2017-09-01'] as const;

/** 2017-09-01 `expires_on`: `11/05/2021 15:18:31 +00:00` (App Service's format). */
function appService2017ExpiresOn(epochSeconds: number): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)} ${iso.slice(11, 19)} +00:00`;
}
const IMDS_API_VERSIONS = ['2018-02-01', '2019-08-01'] as const;

@Controller()
export class ManagedIdentityController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly grant: AccessTokenGrant,
    @Inject(MOCK_IDP_CONFIG) private readonly config: MockIdpConfig,
  ) {}

  @Get('msi/token')
  @ManagedIdentityEndpoint('app-service-msi')
  async appServiceToken(
    @Query() query: QueryParameters,
    @Headers('x-identity-header') identityHeader: string | undefined,
    @Headers('secret') secret: string | undefined,
    @Req() req: ExpressRequest,
  ) {
    const legacy = requiredApiVersion(query, APP_SERVICE_API_VERSIONS) === '2017-09-01';
    const header = legacy ? 'SECRET' : 'X-IDENTITY-HEADER';
    const headerValue = legacy ? secret : identityHeader;
    if (!headerValue)
      throw ManagedIdentityErrors.badRequest(`Required header '${header}' is missing.`);
    const container = this.directory.containerByHeader(headerValue);
    if (!container)
      throw ManagedIdentityErrors.badRequest(
        `The '${header}' value does not match any container of this host.`,
      );
    // 2017-09-01 names the user-assigned identity `clientid` and knows no other selector.
    const selectorQuery: QueryParameters = legacy
      ? { ...query, client_id: query['clientid'] }
      : query;
    if (legacy)
      for (const name of ['client_id', 'object_id', 'principal_id', 'mi_res_id', 'msi_res_id']) {
        if (query[name] !== undefined)
          throw ManagedIdentityErrors.badRequest(
            `api-version 2017-09-01 takes 'clientid', not '${name}'.`,
          );
      }
    const { issued, clientId, resource } = await this.issue(container, selectorQuery, req);
    return {
      access_token: issued.accessToken,
      expires_on: legacy ? appService2017ExpiresOn(issued.expiresOn) : String(issued.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    };
  }

  @Get('metadata/identity/oauth2/token')
  @ManagedIdentityEndpoint('imds')
  async imdsToken(
    @Query() query: QueryParameters,
    @Headers('metadata') metadata: string | undefined,
    @Req() req: ExpressRequest,
  ) {
    if (metadata?.toLowerCase() !== 'true')
      throw ManagedIdentityErrors.badRequest(
        'Required metadata header not specified (Metadata: true).',
      );
    requiredApiVersion(query, IMDS_API_VERSIONS);
    const container = this.directory.imdsContainer();
    if (!container)
      throw ManagedIdentityErrors.identityNotFound(
        'Identity not found: no container of this host serves IMDS.',
      );
    const { issued, clientId, resource } = await this.issue(container, query, req);
    const expiresIn = String(issued.expiresOn - issued.issuedAt);
    return {
      access_token: issued.accessToken,
      client_id: clientId,
      expires_in: expiresIn,
      expires_on: String(issued.expiresOn),
      ext_expires_in: expiresIn,
      not_before: String(issued.issuedAt),
      resource,
      token_type: 'Bearer',
    };
  }

  // Other methods on these paths get the endpoint's own error shape rather than Entra's 404.
  @All('msi/token')
  @ManagedIdentityEndpoint('app-service-msi')
  appServiceOtherMethod(@Req() req: ExpressRequest): never {
    throw methodNotAllowed(req.method);
  }

  @All('metadata/identity/oauth2/token')
  @ManagedIdentityEndpoint('imds')
  imdsOtherMethod(@Req() req: ExpressRequest): never {
    throw methodNotAllowed(req.method);
  }

  private async issue(
    container: Container,
    query: QueryParameters,
    req: ExpressRequest,
  ): Promise<{ issued: IssuedToken; clientId: string; resource: string }> {
    const resource = requiredResource(query);
    const selector = identitySelector(query);
    const record = requestRecord(req);
    record.details.resource = resource;
    const attached = this.directory.attachedIdentity(container, selector);
    if (!attached) {
      throw ManagedIdentityErrors.identityNotFound(
        `Identity not found: ${describeSelector(selector)} is not attached to container '${container.name}'.`,
      );
    }
    const { tenant, identity } = attached;
    Object.assign(record.details, {
      tenantId: tenant.tenantId,
      clientId: identity.clientId,
      principalId: identity.principalId,
    });
    const issued = await this.grant.grant(
      tenant,
      {
        kind: 'managed-identity',
        displayName: identity.name,
        appId: identity.clientId,
        principalId: identity.principalId,
        authenticationClass: '2',
        managedIdentityResourceId: identity.resourceId,
      },
      resource,
      this.config.tokenLifetimeSeconds,
    );
    return { issued, clientId: identity.clientId, resource };
  }
}
