// The authority's token endpoints (client credentials grant):
//   POST /{tenant}/oauth2/v2.0/token  scope=<resource>/.default
//   POST /{tenant}/oauth2/token       resource=<resource>          (v1 endpoint)
import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { MOCK_IDP_CONFIG } from '../config/config.tokens.js';
import type { MockIdpConfig } from '../config/mock-idp-config.js';
import type { Tenant } from '../directory/directory.types.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraError, EntraErrors } from '../errors/entra-error.js';
import { AuthorityEndpoint } from '../http/endpoint.js';
import { requestRecord, type RequestRecord } from '../http/request-record.js';
import { AccessTokenGrant } from '../tokens/access-token-grant.js';
import type { IssuedToken } from '../tokens/token-factory.js';
import { ClientAuthenticator, type ClientCredentials } from './client-authenticator.js';
import { isGuid } from '../directory/guid.js';

const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

type Form = Record<string, unknown>;

function field(form: Form, name: string): string | undefined {
  const value = form[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw EntraErrors.invalidParameter(name, 'must appear once');
  return value;
}

function requiredField(form: Form, name: string): string {
  const value = field(form, name);
  if (value === undefined) throw EntraErrors.missingParameter(name);
  return value;
}

/** client_secret_basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1). */
function basicCredentials(
  req: ExpressRequest,
): { clientId: string; clientSecret: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const malformed = () =>
    EntraErrors.invalidParameter(
      'Authorization',
      'must be Basic base64(urlencode(client_id):urlencode(client_secret))',
    );
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed();
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw malformed();
  }
}

@Controller()
export class TokenController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly clients: ClientAuthenticator,
    private readonly grant: AccessTokenGrant,
    @Inject(MOCK_IDP_CONFIG) private readonly config: MockIdpConfig,
  ) {}

  @Post(':tenant/oauth2/v2.0/token')
  @AuthorityEndpoint('token', 'oauth2-v2.0')
  @HttpCode(200)
  async v2Token(@Param('tenant') tenantSegment: string, @Req() req: ExpressRequest) {
    const form = this.form(req);
    const record = requestRecord(req);
    const tenant = this.tenant(tenantSegment);
    record.details.tenantId = tenant.tenantId;
    const scope = requiredField(form, 'scope');
    record.details.scope = scope;
    const issued = await this.clientCredentials(tenant, form, req, record, resourceOfScope(scope));
    const lifetime = issued.expiresOn - issued.issuedAt;
    return {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: issued.accessToken,
    };
  }

  @Post(':tenant/oauth2/token')
  @AuthorityEndpoint('token', 'oauth2-v1')
  @HttpCode(200)
  async v1Token(@Param('tenant') tenantSegment: string, @Req() req: ExpressRequest) {
    const form = this.form(req);
    const record = requestRecord(req);
    const tenant = this.tenant(tenantSegment);
    record.details.tenantId = tenant.tenantId;
    const resource = requiredField(form, 'resource');
    const issued = await this.clientCredentials(tenant, form, req, record, resource);
    const lifetime = String(issued.expiresOn - issued.issuedAt);
    return {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      expires_on: String(issued.expiresOn),
      not_before: String(issued.issuedAt),
      resource,
      access_token: issued.accessToken,
    };
  }

  private form(req: ExpressRequest): Form {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw EntraErrors.malformedBody(
        "the token endpoint takes an 'application/x-www-form-urlencoded' body",
      );
    }
    return (req.body ?? {}) as Form;
  }

  private tenant(segment: string): Tenant {
    if (MULTI_TENANT_ALIASES.has(segment.toLowerCase())) {
      throw new EntraError(
        400,
        'invalid_request',
        50059,
        'No tenant-identifying information found in either the request or implied by any provided credentials.',
      );
    }
    const tenant = isGuid(segment) ? this.directory.tenant(segment) : undefined;
    if (!tenant) throw EntraErrors.tenantNotFound(segment);
    return tenant;
  }

  private async clientCredentials(
    tenant: Tenant,
    form: Form,
    req: ExpressRequest,
    record: RequestRecord,
    resource: string,
  ): Promise<IssuedToken> {
    const grantType = requiredField(form, 'grant_type');
    record.details.grant = grantType;
    if (grantType !== 'client_credentials') throw EntraErrors.unsupportedGrantType(grantType);
    record.details.resource = resource;

    const basic = basicCredentials(req);
    const formClientId = field(form, 'client_id');
    if (basic && formClientId && basic.clientId !== formClientId) {
      throw EntraErrors.invalidParameter(
        'client_id',
        'differs from the client id of the Authorization header',
      );
    }
    const credentials: ClientCredentials = {
      clientId: basic?.clientId ?? formClientId ?? '',
      clientSecret: basic?.clientSecret ?? field(form, 'client_secret'),
      clientAssertion: field(form, 'client_assertion'),
      clientAssertionType: field(form, 'client_assertion_type'),
    };
    if (!credentials.clientId) throw EntraErrors.missingParameter('client_id');
    record.details.clientId = credentials.clientId;
    const app = isGuid(credentials.clientId)
      ? this.directory.application(tenant, credentials.clientId)
      : undefined;
    if (!app) throw EntraErrors.applicationNotFound(credentials.clientId, tenant.tenantId);

    const client = await this.clients.authenticate(tenant, app, credentials);
    Object.assign(record.details, {
      clientAuthentication: client.method,
      principalId: client.caller.principalId,
    });
    return this.grant.grant(tenant, client.caller, resource, this.config.appTokenLifetimeSeconds);
  }
}

/** `<resource>/.default` -> `<resource>`; client credentials take exactly one such scope. */
function resourceOfScope(scope: string): string {
  const scopes = scope.split(/\s+/).filter(Boolean);
  const resourceScopes = scopes.filter(
    (s) => !['openid', 'profile', 'offline_access', 'email'].includes(s.toLowerCase()),
  );
  if (resourceScopes.length !== 1) throw EntraErrors.scopeWithSeveralResources(scope);
  const [only] = resourceScopes as [string];
  if (!only.toLowerCase().endsWith('/.default')) throw EntraErrors.scopeWithoutDefault(only);
  return only.slice(0, -'/.default'.length);
}
