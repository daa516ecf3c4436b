// Checks a client_assertion (jwt-bearer) the way Entra does for client credentials:
//  - federated: (iss, sub, aud) must match one of the app's federated identity credentials, and the
//    signature must verify against that issuer's keys (this emulator's own, or the issuer's
//    published JWKS found through its OIDC discovery document);
//  - certificate: iss = sub = client_id, aud = this tenant's token endpoint, signed by a
//    certificate in the app's keyCredentials (found by x5t / x5t#S256).
import { Injectable } from '@nestjs/common';
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { PublicEndpoints } from '../config/public-endpoints.js';
import type {
  Application,
  FederatedIdentityCredential,
  Tenant,
} from '../directory/directory.types.js';
import { isGuid } from '../directory/guid.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraError, EntraErrors } from '../errors/entra-error.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLOCK_SKEW_SECONDS = 300;
const DISCOVERY_TIMEOUT_MS = 5000;

export type AssertionKind = 'federated_credential' | 'certificate';

type KeyResolver = Parameters<typeof compactVerify>[1];

@Injectable()
export class ClientAssertionVerifier {
  private readonly remoteKeySets = new Map<string, Promise<KeyResolver>>();

  constructor(
    private readonly directory: IdentityDirectory,
    private readonly endpoints: PublicEndpoints,
    private readonly keys: SigningKeyStore,
  ) {}

  async verify(assertion: string, tenant: Tenant, app: Application): Promise<AssertionKind> {
    let header: ProtectedHeaderParameters;
    let payload: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      payload = decodeJwt(assertion);
    } catch (error) {
      throw EntraErrors.malformedAssertion((error as Error).message);
    }
    const issuer = typeof payload.iss === 'string' ? payload.iss : '';
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    const audiences =
      typeof payload.aud === 'string'
        ? [payload.aud]
        : Array.isArray(payload.aud)
          ? payload.aud
          : [];
    if (!issuer || !subject || audiences.length === 0)
      throw EntraErrors.malformedAssertion('iss, sub and aud are required');

    // Directory GUIDs are lower case; a GUID in a claim may come in any case.
    const issuerIsApp = issuer.toLowerCase() === app.appId;
    const subjectIsApp = subject.toLowerCase() === app.appId;
    if (issuerIsApp && subjectIsApp) {
      await this.verifyCertificateAssertion(assertion, header, audiences, tenant, app);
      this.checkTimes(payload);
      return 'certificate';
    }
    if (issuerIsApp || subjectIsApp) throw EntraErrors.assertionClientMismatch(app.appId);

    const credential = app.federatedIdentityCredentials.find((fic) =>
      this.matches(fic, tenant, issuer, subject, audiences),
    );
    if (!credential)
      throw EntraErrors.noMatchingFederatedCredential(issuer, subject, audiences.join(' '));
    await this.verifySignature(assertion, await this.issuerKeys(issuer));
    this.checkTimes(payload);
    return 'federated_credential';
  }

  private matches(
    fic: FederatedIdentityCredential,
    tenant: Tenant,
    issuer: string,
    subject: string,
    audiences: string[],
  ): boolean {
    return (
      this.endpoints.expand(fic.issuer, tenant.tenantId) === issuer &&
      sameSubject(fic.subject, subject) &&
      fic.audiences.some((expected) =>
        audiences.some((actual) => this.audienceMatches(expected, actual)),
      )
    );
  }

  /** Entra's tokens for an App ID URI carry the app's id as `aud` (v2), so both spellings count. */
  private audienceMatches(expected: string, actual: string): boolean {
    if (expected.toLowerCase() === actual.toLowerCase()) return true;
    return this.directory.tenants.some(
      (tenant) => this.directory.resource(tenant, expected)?.app.appId === actual.toLowerCase(),
    );
  }

  private checkTimes(payload: JWTPayload): void {
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number') throw EntraErrors.malformedAssertion('exp is required');
    const notBefore = typeof payload.nbf === 'number' ? payload.nbf : undefined;
    if (
      payload.exp + CLOCK_SKEW_SECONDS <= now ||
      (notBefore !== undefined && notBefore - CLOCK_SKEW_SECONDS > now)
    ) {
      throw EntraErrors.assertionOutOfTime(now, notBefore, payload.exp);
    }
  }

  private async verifySignature(assertion: string, key: KeyResolver | KeyObject): Promise<void> {
    try {
      await compactVerify(assertion, key as KeyResolver, {
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
      });
    } catch (error) {
      if (error instanceof EntraError) throw error;
      const code = (error as { code?: string }).code;
      throw EntraErrors.assertionSignatureInvalid(
        code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'The key was not found.' : (error as Error).message,
      );
    }
  }

  /** This emulator's keys for its own issuers; otherwise the issuer's published keys. */
  private async issuerKeys(issuer: string): Promise<KeyResolver> {
    const ownIssuer = this.directory.tenants.some(
      (tenant) =>
        issuer === this.endpoints.v1Issuer(tenant.tenantId) ||
        issuer === this.endpoints.v2Issuer(tenant.tenantId),
    );
    if (ownIssuer) return createLocalJWKSet({ keys: this.keys.publishedKeys() });
    let keySet = this.remoteKeySets.get(issuer);
    if (!keySet) {
      keySet = discoverKeySet(issuer);
      this.remoteKeySets.set(issuer, keySet);
      keySet.catch(() => this.remoteKeySets.delete(issuer));
    }
    return keySet;
  }

  private async verifyCertificateAssertion(
    assertion: string,
    header: ProtectedHeaderParameters,
    audiences: string[],
    tenant: Tenant,
    app: Application,
  ): Promise<void> {
    const tid = tenant.tenantId;
    const accepted = [
      `${this.endpoints.authority}/${tid}/oauth2/v2.0/token`,
      `${this.endpoints.authority}/${tid}/oauth2/token`,
      `${this.endpoints.authority}/${tid}/`,
      this.endpoints.v2Issuer(tid),
    ].map((url) => url.toLowerCase());
    if (!audiences.some((aud) => accepted.includes(aud.toLowerCase())))
      throw EntraErrors.assertionAudienceMismatch(audiences.join(' '));
    const now = Date.now();
    const certificate = app.keyCredentials
      .filter((credential) => !credential.endDateTime || Date.parse(credential.endDateTime) > now)
      .map((credential) => parseCertificate(credential.key))
      .find((cert) => cert && (cert.x5t === header.x5t || cert.x5tS256 === header['x5t#S256']));
    if (!certificate) throw EntraErrors.assertionSignatureInvalid('The key was not found.');
    await this.verifySignature(assertion, certificate.publicKey);
  }
}

/** Subjects are compared exactly (GitHub's `repo:Org/Repo:...` is case-sensitive), GUIDs in any case. */
function sameSubject(expected: string, actual: string): boolean {
  return isGuid(expected) && isGuid(actual)
    ? expected.toLowerCase() === actual.toLowerCase()
    : expected === actual;
}

function parseCertificate(
  key: string,
): { x5t: string; x5tS256: string; publicKey: KeyObject } | undefined {
  try {
    const der = key.includes('-----BEGIN')
      ? new X509Certificate(key).raw
      : Buffer.from(key, 'base64');
    const certificate = new X509Certificate(der);
    return {
      x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
      x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
      publicKey: certificate.publicKey,
    };
  } catch {
    return undefined;
  }
}

async function discoverKeySet(issuer: string): Promise<KeyResolver> {
  const discovery = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const response = await fetch(discovery, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const metadata = (await response.json()) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('no jwks_uri');
    return createRemoteJWKSet(new URL(metadata.jwks_uri), {
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
    });
  } catch (error) {
    throw EntraErrors.assertionSignatureInvalid(
      `The keys of issuer '${issuer}' could not be read from ${discovery}: ${(error as Error).message}`,
    );
  }
}
