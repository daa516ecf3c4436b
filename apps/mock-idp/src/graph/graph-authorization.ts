// Who may call Graph, decided as Graph does for app-only tokens: a bearer token this emulator
// issued for Microsoft Graph (signature against the emulator's own signing keys, issuer of a tenant
// of the directory, audience an identifier of Graph's service principal, within its lifetime),
// whose `roles` hold one of the application permissions the operation accepts. The token's tenant
// is the directory the request sees. This is the emulator's own check, written from Entra's
// rules; it shares nothing with libs/auth.
import {
  createParamDecorator,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request as ExpressRequest } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { requestRecord } from '../http/request-record.js';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { PublicEndpoints } from '../config/public-endpoints.js';
import type { Application, Tenant } from '../directory/directory.types.js';
import { MICROSOFT_GRAPH_APP_ID, type GraphPermission } from '../directory/first-party.js';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';
import { GraphErrors } from './graph-error.js';

const CLOCK_SKEW_SECONDS = 300;

const READ_DIRECTORY: readonly GraphPermission[] = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Application.ReadWrite.OwnedBy',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

/** Which application permissions each kind of Graph operation accepts (any one of them). */
export const GRAPH_OPERATIONS = {
  /** Any valid Graph token (unknown segments still answer only to authenticated callers). */
  authenticated: [],
  readDirectory: READ_DIRECTORY,
  /**
   * Create/update/delete applications and service principals. With only
   * Application.ReadWrite.OwnedBy, the caller may change only the apps it owns (those it created).
   */
  writeApplications: ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  readAssignments: [...READ_DIRECTORY, 'AppRoleAssignment.ReadWrite.All'],
  writeAssignments: ['AppRoleAssignment.ReadWrite.All'],
} as const satisfies Record<string, readonly GraphPermission[]>;

export type GraphOperation = keyof typeof GRAPH_OPERATIONS;

/** The kind of operation a Graph handler performs; handlers without one are refused. */
export const GraphAccess = Reflector.createDecorator<GraphOperation>();

export interface GraphCaller {
  tenant: Tenant;
  /** oid: the caller's service principal (or managed identity) object id. */
  principalId: string;
  appId: string;
  roles: ReadonlySet<string>;
}

const CALLER = Symbol('mock-idp.graph-caller');
type WithCaller = ExpressRequest & { [CALLER]?: GraphCaller };

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const caller = context.switchToHttp().getRequest<WithCaller>()[CALLER];
  if (!caller) throw new Error('Graph handler without GraphAuthorization');
  return caller;
});

/** Application.ReadWrite.OwnedBy reaches only the apps the caller owns. */
export function assertMayWriteApplication(caller: GraphCaller, app: Application): void {
  if (caller.roles.has('Application.ReadWrite.All')) return;
  if (caller.roles.has('Application.ReadWrite.OwnedBy') && app.owners.includes(caller.principalId))
    return;
  throw GraphErrors.forbidden(
    GRAPH_OPERATIONS.writeApplications,
    `The token's roles must include Application.ReadWrite.All, or Application.ReadWrite.OwnedBy with the caller an owner of application '${app.objectId}'.`,
  );
}

/**
 * An interceptor rather than a guard so that it runs after the endpoint interceptor: refusals are
 * journaled like every other Graph answer.
 */
@Injectable()
export class GraphAuthorization implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly directory: IdentityDirectory,
    private readonly endpoints: PublicEndpoints,
    private readonly keys: SigningKeyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.authorize(context)).pipe(switchMap(() => next.handle()));
  }

  private async authorize(context: ExecutionContext): Promise<void> {
    const operation = this.reflector.getAllAndOverride(GraphAccess, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (operation === undefined) throw GraphErrors.internal();
    const req = context.switchToHttp().getRequest<WithCaller>();
    // Bearer tokens travel to Graph over TLS only; the plain listener is for managed identities.
    if (!req.secure)
      throw GraphErrors.badRequest(
        `Microsoft Graph is served over https only: use ${this.endpoints.authority}${req.originalUrl}`,
      );
    const caller = await this.authenticate(req.headers.authorization);
    Object.assign(requestRecord(req).details, {
      tenantId: caller.tenant.tenantId,
      principalId: caller.principalId,
      clientId: caller.appId,
    });
    const accepted: readonly GraphPermission[] = GRAPH_OPERATIONS[operation];
    if (accepted.length > 0 && !accepted.some((permission) => caller.roles.has(permission)))
      throw GraphErrors.forbidden(accepted);
    req[CALLER] = caller;
  }

  private async authenticate(authorization: string | undefined): Promise<GraphCaller> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw GraphErrors.unauthenticated('Access token is empty.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        createLocalJWKSet({ keys: this.keys.publishedKeys() }),
        {
          algorithms: ['RS256'],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['iss', 'aud', 'exp', 'tid', 'oid'],
        },
      ));
    } catch (error) {
      throw GraphErrors.unauthenticated(rejection(error));
    }
    const tenantId = typeof payload['tid'] === 'string' ? payload['tid'] : '';
    const tenant = this.directory.tenant(tenantId);
    if (
      !tenant ||
      (payload.iss !== this.endpoints.v1Issuer(tenant.tenantId) &&
        payload.iss !== this.endpoints.v2Issuer(tenant.tenantId))
    )
      throw GraphErrors.unauthenticated('Access token validation failure. Invalid issuer.');
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ''];
    const forGraph = audiences.some(
      (aud) => this.directory.resource(tenant, aud)?.app.appId === MICROSOFT_GRAPH_APP_ID,
    );
    if (!forGraph)
      throw GraphErrors.unauthenticated('Access token validation failure. Invalid audience.');
    const roles = Array.isArray(payload['roles'])
      ? payload['roles'].filter((role): role is string => typeof role === 'string')
      : [];
    return {
      tenant,
      principalId: String(payload['oid']).toLowerCase(),
      appId: String(payload['appid'] ?? payload['azp'] ?? ''),
      roles: new Set(roles),
    };
  }
}

function rejection(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired)
    return 'Lifetime validation failed, the token is expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `Access token validation failure: ${error.message}.`;
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey
  )
    return 'Access token validation failure: the signature does not verify with the keys of this identity provider.';
  return 'Access token validation failure: the token is not a well-formed signed JWT.';
}
