// The parts of Entra's OpenID metadata documents the validator relies on.
import type { EntraTokenVersion } from '../claims/entra-access-token-claims.js';
import type { FetchJson } from './fetch-json.js';

export interface OpenIdMetadata {
  issuer: string;
  jwksUri: string;
}

/** v1: `/{tenant}/.well-known/openid-configuration`; v2: `/{tenant}/v2.0/.well-known/openid-configuration`. */
export function metadataUrl(
  authority: string,
  tenantId: string,
  version: EntraTokenVersion,
): string {
  const versionSegment = version === '2.0' ? '/v2.0' : '';
  return `${authority}/${encodeURIComponent(tenantId)}${versionSegment}/.well-known/openid-configuration`;
}

/**
 * The jwks_uri must be https. An http one is only accepted from an http authority (a local
 * emulator): an https authority must not be downgraded to keys fetched in clear text.
 */
function checkJwksUri(metadataUrl: string, jwksUri: unknown): string {
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri))
    throw new Error(`${metadataUrl} has no jwks_uri URL`);
  const { protocol } = new URL(jwksUri);
  if (protocol === 'https:') return jwksUri;
  if (protocol === 'http:' && new URL(metadataUrl).protocol === 'http:') return jwksUri;
  throw new Error(
    `${metadataUrl} names jwks_uri ${jwksUri.slice(0, 200)}; an https jwks_uri is required`,
  );
}

export async function fetchOpenIdMetadata(
  url: string,
  fetchJson: FetchJson,
  timeoutMs: number,
): Promise<OpenIdMetadata> {
  const document = (await fetchJson(url, timeoutMs)) as Record<string, unknown> | null;
  if (document === null || typeof document !== 'object')
    throw new Error(`${url} is not a JSON object`);
  const { issuer, jwks_uri: jwksUri } = document;
  if (typeof issuer !== 'string' || issuer.length === 0) throw new Error(`${url} has no issuer`);
  return { issuer, jwksUri: checkJwksUri(url, jwksUri) };
}
