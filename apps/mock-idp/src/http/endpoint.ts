// What an endpoint is, said once on its handler: the journal category it is filed and faulted
// under, the protocol the console shows, the grant it serves (when fixed by the route) and the
// shape its errors take. Read by EndpointInterceptor and the exception filter; nothing else
// classifies requests.
import { applyDecorators, Header } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { JournaledEndpoint } from '../admin/journal.js';
import type { ErrorShape } from '../errors/entra-error-response.js';

export interface EndpointDescription {
  journal: JournaledEndpoint;
  /** e.g. `app-service-msi`, `imds`, `oauth2-v2.0`, `oidc-v1`, `jwks-v2.0`, `graph`. */
  protocol: string;
  /** The grant this route always serves (`managed_identity`); token endpoints read it from the form. */
  grant?: string;
  errorShape: ErrorShape;
}

export const Endpoint = Reflector.createDecorator<EndpointDescription>();

/**
 * A response carrying a token is never stored by a cache (RFC 6749 section 5.1, as Entra answers).
 * The app also sends no ETag (see run-mock-idp): a token is not a cacheable representation.
 */
const TokenResponse = () =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));

export const ManagedIdentityEndpoint = (protocol: 'app-service-msi' | 'imds') =>
  applyDecorators(
    Endpoint({
      journal: protocol === 'imds' ? 'imds' : 'msi',
      protocol,
      grant: 'managed_identity',
      errorShape: 'managed-identity',
    }),
    TokenResponse(),
  );

export const AuthorityEndpoint = (journal: 'token' | 'metadata' | 'jwks', protocol: string) =>
  journal === 'token'
    ? applyDecorators(Endpoint({ journal, protocol, errorShape: 'entra' }), TokenResponse())
    : Endpoint({ journal, protocol, errorShape: 'entra' });

export const GraphEndpoint = Endpoint({ journal: 'graph', protocol: 'graph', errorShape: 'entra' });
