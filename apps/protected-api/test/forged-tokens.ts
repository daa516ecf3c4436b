// Tokens an attacker (or a confused client) could present, built from a valid one.
import { CompactSign, exportJWK, exportSPKI, generateKeyPair, importJWK } from 'jose';
import type { TestIdentityProvider } from '@app/auth/testing';

export const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const segments = (token: string) => token.split('.') as [string, string, string];

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same token with another spelling of the same signature bytes: the lowest bit of the last
 * character is unused when the signature length is not a multiple of 3 bytes (RS256 2048: 256).
 */
/** The same token with a canonical signature that is not its own (its first character changed). */
export function withAnotherSignature(token: string): string {
  const [header, payload, signature] = segments(token);
  const first = signature[0] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${first}${signature.slice(1)}`;
}

export function respelledSignature(token: string): string {
  const last = BASE64URL_ALPHABET.indexOf(token.at(-1)!);
  return token.slice(0, -1) + BASE64URL_ALPHABET[last ^ 1];
}

export interface ForgedToken {
  name: string;
  token: string;
  code: string;
}

export async function forgeTokens(idp: TestIdentityProvider): Promise<ForgedToken[]> {
  const now = Math.floor(Date.now() / 1000);
  const valid = await idp.mint();
  const [header, payload] = segments(valid);
  const claims = idp.defaultClaims('1.0');
  const attacker = await generateKeyPair('RS256', { extractable: true });
  const attackerJwk = await exportJWK(attacker.publicKey);
  const ecKey = await generateKeyPair('ES256');
  const publicPem = await exportSPKI(idp.signingKey.publicKey);
  const sign = (
    protectedHeader: Record<string, unknown>,
    body: Record<string, unknown>,
    key: Parameters<CompactSign['sign']>[0],
  ) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(body)))
      .setProtectedHeader(protectedHeader as { alg: string })
      .sign(key);
  const kid = idp.signingKey.kid;

  return [
    { name: 'not a JWT', token: 'not-a-jwt', code: 'ERR_TOKEN_MALFORMED' },
    { name: 'two segments', token: `${header}.${payload}`, code: 'ERR_TOKEN_MALFORMED' },
    {
      name: 'JWE-shaped 5-part token',
      token: `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.aaaa.bbbb.cccc.dddd`,
      code: 'ERR_TOKEN_MALFORMED',
    },
    {
      name: 'non-JSON header',
      token: `${b64url('{not json')}.${payload}.c2ln`,
      code: 'ERR_TOKEN_MALFORMED',
    },
    {
      name: 'header is a JSON array',
      token: `${b64url(['RS256'])}.${payload}.c2ln`,
      code: 'ERR_TOKEN_MALFORMED',
    },
    {
      name: 'non-JSON payload',
      token: `${header}.${b64url('plain text')}.c2ln`,
      code: 'ERR_TOKEN_MALFORMED',
    },
    {
      name: 'huge token',
      token: `${header}.${'A'.repeat(9000)}.c2ln`,
      code: 'ERR_TOKEN_TOO_LARGE',
    },
    {
      name: 'alg none',
      token: `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      code: 'ERR_ALG_NOT_ALLOWED',
    },
    {
      name: 'alg none (capitalised)',
      token: `${b64url({ alg: 'None', kid })}.${payload}.`,
      code: 'ERR_ALG_NOT_ALLOWED',
    },
    {
      name: 'HS256 signed with the public key',
      token: await sign({ alg: 'HS256', kid }, claims, new TextEncoder().encode(publicPem)),
      code: 'ERR_ALG_NOT_ALLOWED',
    },
    {
      name: 'ES256',
      token: await sign({ alg: 'ES256', kid }, claims, ecKey.privateKey),
      code: 'ERR_ALG_NOT_ALLOWED',
    },
    {
      name: 'PS256 with the right key',
      token: await sign({ alg: 'PS256', kid }, claims, await toPss(idp)),
      code: 'ERR_ALG_NOT_ALLOWED',
    },
    {
      name: 'embedded jwk of the attacker',
      token: await sign({ alg: 'RS256', kid, jwk: attackerJwk }, claims, attacker.privateKey),
      code: 'ERR_HEADER_PARAM_NOT_ALLOWED',
    },
    {
      name: 'jku pointing elsewhere',
      token: await sign(
        { alg: 'RS256', kid, jku: 'http://127.0.0.1:1/keys' },
        claims,
        attacker.privateKey,
      ),
      code: 'ERR_HEADER_PARAM_NOT_ALLOWED',
    },
    {
      name: 'x5u pointing elsewhere',
      token: await sign(
        { alg: 'RS256', kid, x5u: 'http://127.0.0.1:1/cert' },
        claims,
        attacker.privateKey,
      ),
      code: 'ERR_HEADER_PARAM_NOT_ALLOWED',
    },
    {
      name: 'crit extension',
      token: await idp.mint({ header: { crit: ['urn:x'], 'urn:x': true } }),
      code: 'ERR_HEADER_PARAM_NOT_ALLOWED',
    },
    {
      name: 'id-token typ',
      token: await idp.mint({ header: { typ: 'id_token' } }),
      code: 'ERR_TOKEN_TYPE_INVALID',
    },
    {
      name: 'no kid',
      token: await idp.mint({ header: { kid: undefined } }),
      code: 'ERR_KID_MISSING',
    },
    {
      name: 'unknown kid (attacker key)',
      token: await sign({ alg: 'RS256', kid: 'attacker-kid' }, claims, attacker.privateKey),
      code: 'ERR_KEY_NOT_FOUND',
    },
    {
      name: "attacker key under the IdP's kid",
      token: await sign({ alg: 'RS256', kid }, claims, attacker.privateKey),
      code: 'ERR_SIGNATURE_INVALID',
    },
    {
      name: 'tampered payload',
      token: `${header}.${b64url({ ...claims, roles: ['consumer', 'writer'] })}.${segments(valid)[2]}`,
      code: 'ERR_SIGNATURE_INVALID',
    },
    { name: 'signature stripped', token: `${header}.${payload}.`, code: 'ERR_SIGNATURE_INVALID' },
    {
      name: 'signature re-spelled (unused bits of its last character set)',
      token: respelledSignature(valid),
      code: 'ERR_TOKEN_MALFORMED',
    },
    {
      name: 'expired beyond the clock skew',
      token: await idp.mint({ claims: { exp: now - 301, nbf: now - 4000, iat: now - 4000 } }),
      code: 'ERR_TOKEN_EXPIRED',
    },
    {
      name: 'nbf in the future',
      token: await idp.mint({ claims: { nbf: now + 600 } }),
      code: 'ERR_TOKEN_NOT_YET_VALID',
    },
    {
      name: 'missing exp',
      token: await idp.mint({ claims: { exp: undefined } }),
      code: 'ERR_CLAIM_MISSING',
    },
    {
      name: 'exp as a string',
      token: await idp.mint({ claims: { exp: String(now + 3600) } }),
      code: 'ERR_CLAIM_INVALID',
    },
    {
      name: 'wrong aud',
      token: await idp.mint({ claims: { aud: 'https://someone-else.example.com' } }),
      code: 'ERR_AUDIENCE_INVALID',
    },
    {
      name: 'FIC exchange audience',
      token: await idp.mint({ claims: { aud: 'api://AzureADTokenExchange' } }),
      code: 'ERR_AUDIENCE_INVALID',
    },
    {
      name: 'wrong iss',
      token: await idp.mint({ claims: { iss: `https://evil.example.com/${idp.tenantId}/` } }),
      code: 'ERR_ISSUER_INVALID',
    },
    {
      name: 'v2 token with the v1 issuer',
      token: await idp.mint({ version: '2.0', claims: { iss: idp.v1Issuer() } }),
      code: 'ERR_ISSUER_INVALID',
    },
    {
      name: 'tid not allowed',
      token: await idp.mint({ claims: { tid: OUTSIDER, iss: idp.v1Issuer(OUTSIDER) } }),
      code: 'ERR_TENANT_NOT_ALLOWED',
    },
    {
      name: 'tid not matching iss',
      token: await idp.mint({ claims: { iss: idp.v1Issuer(OUTSIDER) } }),
      code: 'ERR_TENANT_MISMATCH',
    },
    {
      name: 'missing tid',
      token: await idp.mint({ claims: { tid: undefined } }),
      code: 'ERR_CLAIM_MISSING',
    },
    {
      name: 'tid not a GUID',
      token: await idp.mint({
        claims: { tid: 'contoso.onmicrosoft.com', iss: idp.v1Issuer('contoso.onmicrosoft.com') },
      }),
      code: 'ERR_TENANT_INVALID',
    },
    {
      name: 'missing ver',
      token: await idp.mint({ claims: { ver: undefined } }),
      code: 'ERR_VERSION_UNSUPPORTED',
    },
    {
      name: 'v1 token without appid',
      token: await idp.mint({ claims: { appid: undefined } }),
      code: 'ERR_CLAIM_MISSING',
    },
    {
      name: 'roles not an array',
      token: await idp.mint({ claims: { roles: 'consumer' } }),
      code: 'ERR_CLAIM_INVALID',
    },
  ];
}

const OUTSIDER = '0badc0de-0000-4000-8000-000000000000';

/** The IdP's own RSA private key, usable for RSA-PSS: a right key with the wrong algorithm. */
async function toPss(idp: TestIdentityProvider) {
  return importJWK({ ...(await exportJWK(idp.signingKey.privateKey)), alg: 'PS256' }, 'PS256');
}
