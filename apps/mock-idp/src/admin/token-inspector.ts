// "Would this token validate here?" for the console's paste box: decodes any JWT and checks it
// against this emulator's own keys, issuers and directory (signature, issuer, tenant, audience,
// lifetime, caller, roles). Written from Entra's rules, not from libs/auth.
import { Injectable } from '@nestjs/common';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { PublicEndpoints } from '../config/public-endpoints.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraErrors } from '../errors/entra-error.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';

export interface TokenCheck {
  check: 'signature' | 'issuer' | 'tenant' | 'audience' | 'lifetime' | 'caller' | 'roles';
  ok: boolean;
  detail: string;
}

export interface TokenInspection {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  valid: boolean;
  checks: TokenCheck[];
}

const CLOCK_SKEW_SECONDS = 300;

function decodePart(part: string, name: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw EntraErrors.invalidParameter('token', `has no JSON object as its ${name}`);
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

@Injectable()
export class TokenInspector {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly endpoints: PublicEndpoints,
    private readonly directory: IdentityDirectory,
  ) {}

  async inspect(token: unknown): Promise<TokenInspection> {
    if (typeof token !== 'string' || token.trim() === '')
      throw EntraErrors.invalidParameter('token', 'is required (a JWT as a string)');
    const compact = token.trim().replace(/^Bearer\s+/i, '');
    const parts = compact.split('.');
    if (parts.length !== 3)
      throw EntraErrors.invalidParameter('token', 'is not a JWT (three dot-separated parts)');
    const header = decodePart(parts[0]!, 'header');
    const claims = decodePart(parts[1]!, 'claims');
    const checks = [await this.signature(compact, header), ...this.claimChecks(claims)];
    return { header, claims, valid: checks.every((check) => check.ok), checks };
  }

  private async signature(token: string, header: Record<string, unknown>): Promise<TokenCheck> {
    const fail = (detail: string): TokenCheck => ({ check: 'signature', ok: false, detail });
    if (header['alg'] !== 'RS256') return fail(`alg is ${text(header['alg'])}, Entra signs RS256`);
    const published = this.keys.publishedKeys();
    if (!published.some((key) => key.kid === header['kid']))
      return fail(
        `kid ${text(header['kid'])} is not in this emulator's JWKS (published: ${published.map((key) => key.kid).join(', ')})`,
      );
    try {
      await compactVerify(token, createLocalJWKSet({ keys: published } as JSONWebKeySet), {
        algorithms: ['RS256'],
      });
      return {
        check: 'signature',
        ok: true,
        detail: `RS256, signed by published key ${text(header['kid'])}`,
      };
    } catch {
      return fail(`does not verify with published key ${text(header['kid'])}`);
    }
  }

  private claimChecks(claims: Record<string, unknown>): TokenCheck[] {
    const checks: TokenCheck[] = [];
    const tid = typeof claims['tid'] === 'string' ? claims['tid'] : undefined;
    const tenant = tid ? this.directory.tenant(tid) : undefined;
    checks.push(
      tenant
        ? {
            check: 'tenant',
            ok: true,
            detail: `tid ${tenant.tenantId} is tenant ${tenant.displayName}`,
          }
        : {
            check: 'tenant',
            ok: false,
            detail: `tid ${text(claims['tid'])} is not a tenant of this directory`,
          },
    );
    const issuers = tid ? [this.endpoints.v1Issuer(tid), this.endpoints.v2Issuer(tid)] : [];
    checks.push(
      issuers.includes(claims['iss'] as string)
        ? {
            check: 'issuer',
            ok: true,
            detail: `iss ${text(claims['iss'])} is this emulator's issuer for the tenant`,
          }
        : {
            check: 'issuer',
            ok: false,
            detail: `iss ${text(claims['iss'])} is not one of this emulator's issuers for tid${issuers.length ? ` (${issuers.join(' or ')})` : ''}`,
          },
    );
    const resource =
      tenant && typeof claims['aud'] === 'string'
        ? this.directory.resource(tenant, claims['aud'])
        : undefined;
    checks.push(
      resource
        ? {
            check: 'audience',
            ok: true,
            detail: `aud ${text(claims['aud'])} is app ${resource.app.displayName}`,
          }
        : {
            check: 'audience',
            ok: false,
            detail: `aud ${text(claims['aud'])} is no App ID URI or appId of the tenant`,
          },
    );
    checks.push(this.lifetime(claims));
    const callerAppId = claims['appid'] ?? claims['azp'];
    const oid = typeof claims['oid'] === 'string' ? claims['oid'] : undefined;
    const callerKnown =
      tenant !== undefined && oid !== undefined && this.directory.isPrincipal(tenant, oid);
    checks.push({
      check: 'caller',
      ok: callerKnown,
      detail: callerKnown
        ? `oid ${oid} is a principal of the tenant (client ${text(callerAppId)})`
        : `oid ${text(claims['oid'])} is no managed identity or service principal of the tenant`,
    });
    const roles = Array.isArray(claims['roles']) ? claims['roles'] : [];
    const defined = new Set(
      resource?.app.appRoles.filter((role) => role.isEnabled).map((role) => role.value) ?? [],
    );
    const unknownRoles = roles.filter((role) => !defined.has(role as string));
    checks.push({
      check: 'roles',
      ok: unknownRoles.length === 0,
      detail:
        unknownRoles.length === 0
          ? roles.length === 0
            ? 'no roles claim: an API that requires a role refuses it (403)'
            : `roles ${roles.join(', ')} are enabled roles of the audience app`
          : `roles ${unknownRoles.map(text).join(', ')} are not enabled roles of the audience app`,
    });
    return checks;
  }

  private lifetime(claims: Record<string, unknown>): TokenCheck {
    const now = Math.floor(Date.now() / 1000);
    const { exp, nbf } = claims;
    if (typeof exp !== 'number')
      return { check: 'lifetime', ok: false, detail: 'no numeric exp claim' };
    if (exp + CLOCK_SKEW_SECONDS <= now)
      return {
        check: 'lifetime',
        ok: false,
        detail: `expired at ${new Date(exp * 1000).toISOString()}`,
      };
    if (typeof nbf === 'number' && nbf - CLOCK_SKEW_SECONDS > now)
      return {
        check: 'lifetime',
        ok: false,
        detail: `not valid before ${new Date(nbf * 1000).toISOString()}`,
      };
    return {
      check: 'lifetime',
      ok: true,
      detail: `valid until ${new Date(exp * 1000).toISOString()} (${Math.round((exp - now) / 60)} min left)`,
    };
  }
}
