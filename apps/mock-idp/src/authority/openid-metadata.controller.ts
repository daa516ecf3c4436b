// OIDC discovery documents and JWKS per tenant, in Entra's v1 and v2 flavours. `common` and
// `organizations` are served as Entra does, with a `{tenantid}` placeholder issuer.
import { Controller, Get, Param } from '@nestjs/common';
import { PublicEndpoints } from '../config/public-endpoints.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraErrors } from '../errors/entra-error.js';
import { AuthorityEndpoint } from '../http/endpoint.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';

const MULTI_TENANT_ALIASES = new Set(['common', 'organizations']);

@Controller()
export class OpenIdMetadataController {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly endpoints: PublicEndpoints,
    private readonly keys: SigningKeyStore,
  ) {}

  /** The tenant id as metadata shows it: the directory's id, or `{tenantid}` for the aliases. */
  private tenantSegment(tenant: string): string {
    if (MULTI_TENANT_ALIASES.has(tenant.toLowerCase())) return '{tenantid}';
    const known = this.directory.tenant(tenant);
    if (!known) throw EntraErrors.tenantNotFound(tenant, 'invalid_tenant');
    return known.tenantId;
  }

  @Get(':tenant/v2.0/.well-known/openid-configuration')
  @AuthorityEndpoint('metadata', 'oidc-v2.0')
  v2Metadata(@Param('tenant') tenant: string) {
    const tid = this.tenantSegment(tenant);
    const base = `${this.endpoints.authority}/${MULTI_TENANT_ALIASES.has(tenant.toLowerCase()) ? tenant : tid}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: this.endpoints.v2Issuer(tid),
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  @Get(':tenant/.well-known/openid-configuration')
  @AuthorityEndpoint('metadata', 'oidc-v1')
  v1Metadata(@Param('tenant') tenant: string) {
    const tid = this.tenantSegment(tenant);
    const base = `${this.endpoints.authority}/${MULTI_TENANT_ALIASES.has(tenant.toLowerCase()) ? tenant : tid}`;
    return {
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: `${base}/discovery/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      scopes_supported: ['openid'],
      issuer: this.endpoints.v1Issuer(tid),
      microsoft_multi_refresh_token: true,
      authorization_endpoint: `${base}/oauth2/authorize`,
      device_authorization_endpoint: `${base}/oauth2/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/logout`,
      claims_supported: [
        'sub',
        'iss',
        'cloud_instance_name',
        'cloud_instance_host_name',
        'cloud_graph_host_name',
        'msgraph_host',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'amr',
        'nonce',
        'email',
        'given_name',
        'family_name',
        'nickname',
      ],
      check_session_iframe: `${base}/oauth2/checksession`,
      userinfo_endpoint: `${base}/openid/userinfo`,
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  @Get(':tenant/discovery/v2.0/keys')
  @AuthorityEndpoint('jwks', 'jwks-v2.0')
  v2Keys(@Param('tenant') tenant: string) {
    const tid = this.tenantSegment(tenant);
    return {
      keys: this.keys
        .publishedKeys()
        .map((key) => ({ ...key, issuer: this.endpoints.v2Issuer(tid) })),
    };
  }

  @Get(':tenant/discovery/keys')
  @AuthorityEndpoint('jwks', 'jwks-v1')
  v1Keys(@Param('tenant') tenant: string) {
    this.tenantSegment(tenant);
    return { keys: this.keys.publishedKeys() };
  }
}
