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

function httpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
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
  if (!httpUrl(jwksUri)) throw new Error(`${url} has no http(s) jwks_uri`);
  return { issuer, jwksUri };
}
