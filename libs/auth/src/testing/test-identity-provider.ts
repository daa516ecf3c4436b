// A local stand-in for Entra's metadata and key endpoints, for tests and benchmarks: serves the v1
// and v2 OpenID metadata documents and their JWKS over plain http on 127.0.0.1 (port 0), counts
// JWKS requests, can rotate its key or stop answering, and mints tokens with jose.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { EntraTokenVersion } from '../claims/entra-access-token-claims.js';

export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export type JwksBehaviour = 'serve' | 'fail' | 'drop';

export interface TestIdentityProviderOptions {
  tenantId: string;
  /** Serve issuers with the `{tenantid}` placeholder, as Entra's `common` documents do. */
  issuerPlaceholder?: boolean;
}

export interface MintOptions {
  version?: EntraTokenVersion;
  /** Claims merged over the defaults; a claim set to undefined is removed. */
  claims?: Record<string, unknown>;
  /** Header parameters merged over `{ alg: 'RS256', kid, typ: 'JWT' }`; undefined removes one. */
  header?: Record<string, unknown>;
  key?: TestSigningKey;
}

export const TEST_CALLER = {
  appId: '9b8c291c-309f-4335-acaa-1cbeb22a5732',
  objectId: 'c9bea2b0-f9e9-4f1d-9eed-fa4dfef7c993',
} as const;

export async function createTestSigningKey(kid: string = randomUUID()): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', kty: 'RSA' },
  };
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

export class TestIdentityProvider {
  /** JWKS requests received, by path. */
  readonly jwksRequests: string[] = [];
  metadataRequests = 0;
  jwksBehaviour: JwksBehaviour = 'serve';
  /** `issuer` of the keys in the v2 JWKS; Entra publishes its `{tenantid}` template there. */
  v2KeyIssuer: string;
  /** Keys published in the JWKS; `signingKey` signs minted tokens. */
  publishedKeys: TestSigningKey[];
  readonly authority: string;
  readonly tenantId: string;
  signingKey: TestSigningKey;
  private readonly server: Server;
  private readonly issuerPlaceholder: boolean;
  private readonly sockets = new Set<Socket>();

  // Plain fields rather than parameter properties: this file also runs on Node type stripping (bench).
  private constructor(
    server: Server,
    authority: string,
    tenantId: string,
    signingKey: TestSigningKey,
    issuerPlaceholder: boolean,
  ) {
    this.server = server;
    this.authority = authority;
    this.tenantId = tenantId;
    this.signingKey = signingKey;
    this.issuerPlaceholder = issuerPlaceholder;
    this.publishedKeys = [signingKey];
    this.v2KeyIssuer = this.v2Issuer('{tenantid}');
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: TestIdentityProviderOptions): Promise<TestIdentityProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const idp = new TestIdentityProvider(
      server,
      `http://127.0.0.1:${port}`,
      options.tenantId,
      await createTestSigningKey(),
      options.issuerPlaceholder ?? false,
    );
    server.on('request', (request, response) => idp.handle(request, response));
    return idp;
  }

  v1Issuer(tenantId = this.tenantId): string {
    return `https://sts.windows.net/${tenantId}/`;
  }

  v2Issuer(tenantId = this.tenantId): string {
    return `${this.authority}/${tenantId}/v2.0`;
  }

  /** Publishes a new signing key (the old one stays published unless `dropOld`) and signs with it. */
  async rotateKey(dropOld = false): Promise<TestSigningKey> {
    const next = await createTestSigningKey();
    this.publishedKeys = dropOld ? [next] : [...this.publishedKeys, next];
    this.signingKey = next;
    return next;
  }

  defaultClaims(version: EntraTokenVersion, audience?: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const common = {
      iat: now - 60,
      nbf: now - 60,
      exp: now + 3600,
      oid: TEST_CALLER.objectId,
      sub: TEST_CALLER.objectId,
      tid: this.tenantId,
      roles: ['consumer'],
      idtyp: 'app',
      uti: randomUUID().replaceAll('-', ''),
      ver: version,
    };
    return version === '1.0'
      ? {
          aud: audience ?? 'https://myapp.aztoso.com',
          iss: this.v1Issuer(),
          appid: TEST_CALLER.appId,
          appidacr: '2',
          ...common,
        }
      : {
          aud: audience ?? '042e4743-2c83-42e0-8ea9-82cbe6642686',
          iss: this.v2Issuer(),
          azp: TEST_CALLER.appId,
          azpacr: '2',
          ...common,
        };
  }

  /** A token as Entra would issue it for the test caller, with any claim or header changed. */
  async mint(options: MintOptions = {}): Promise<string> {
    const version = options.version ?? '1.0';
    const key = options.key ?? this.signingKey;
    const payload = withoutUndefined({ ...this.defaultClaims(version), ...options.claims });
    const header = withoutUndefined({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...options.header });
    const crit = Array.isArray(header.crit)
      ? Object.fromEntries(header.crit.map((name: string) => [name, true]))
      : undefined;
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header as { alg: string })
      .sign(key.privateKey, crit ? { crit } : undefined);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.authority).pathname;
    const metadata = /^\/([^/]+)(\/v2\.0)?\/\.well-known\/openid-configuration$/.exec(path);
    if (metadata) {
      this.metadataRequests++;
      const tenant = this.issuerPlaceholder ? '{tenantid}' : metadata[1];
      const v2 = metadata[2] !== undefined;
      return this.json(response, {
        issuer: v2 ? this.v2Issuer(tenant) : this.v1Issuer(tenant),
        jwks_uri: v2
          ? `${this.authority}/${metadata[1]}/discovery/v2.0/keys`
          : `${this.authority}/common/discovery/keys`,
        token_endpoint: `${this.authority}/${metadata[1]}/oauth2${v2 ? '/v2.0' : ''}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    const jwks = /^\/[^/]+\/discovery(\/v2\.0)?\/keys$/.exec(path);
    if (jwks) {
      this.jwksRequests.push(path);
      if (this.jwksBehaviour === 'drop') return void request.socket.destroy();
      if (this.jwksBehaviour === 'fail')
        return this.json(response, { error: 'temporarily_unavailable' }, 503);
      const issuer = jwks[1] ? { issuer: this.v2KeyIssuer } : {};
      return this.json(response, {
        keys: this.publishedKeys.map((key) => ({ ...key.publicJwk, ...issuer })),
      });
    }
    this.json(response, { error: 'not_found' }, 404);
  }

  private json(response: ServerResponse, body: unknown, status = 200): void {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
