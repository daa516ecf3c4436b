// Security headers for the three services, through helmet (a maintained list, not a hand-written
// one): no X-Powered-By, nosniff, a Content-Security-Policy, and no page of ours inside a frame
// (frame-ancestors 'none' + X-Frame-Options: DENY), which keeps Swagger UI and the emulator's
// console out of clickjacking. Each app calls it from one small function of its own and passes
// the directives its pages need.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

type CspDirectives = Record<string, Iterable<string> | null>;

export interface SecurityHeaderOptions {
  /** CSP directives merged over helmet's defaults (null removes one). */
  directives?: CspDirectives;
  /**
   * Strict-Transport-Security. Off where the service answers https on a developer's `localhost`
   * (the emulator): a browser would then force https on every localhost port.
   */
  hsts?: boolean;
}

export type SecurityHeadersMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

export function securityHeaders(options: SecurityHeaderOptions = {}): SecurityHeadersMiddleware {
  const helmetOptions: HelmetOptions = {
    contentSecurityPolicy: {
      directives: {
        'frame-ancestors': ["'none'"],
        // The services answer plain http locally and behind a TLS-terminating ingress; upgrading
        // subresources there would break the pages.
        'upgrade-insecure-requests': null,
        ...options.directives,
      },
    },
    frameguard: { action: 'deny' },
    strictTransportSecurity: options.hsts ?? true,
  };
  return helmet(helmetOptions);
}
