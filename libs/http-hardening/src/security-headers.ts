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

/** The helmet options behind securityHeaders(options). */
export function helmetOptionsFor(options: SecurityHeaderOptions): HelmetOptions {
  return {
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
}

/**
 * helmet's headers for every response. The directives are static (no per-request nonce), so helmet
 * writes the same values on every response: they are taken from helmet once, at start-up, and each
 * response gets the finished list. Running helmet's thirteen small middlewares per request (the CSP
 * string built each time) was a visible part of a request's profile (bench/README.md).
 */
export function securityHeaders(options: SecurityHeaderOptions = {}): SecurityHeadersMiddleware {
  const { set, removed } = headersWrittenBy(helmet(helmetOptionsFor(options)));
  return (_request, response, next) => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of set) response.setHeader(name, value);
    next();
  };
}

/**
 * The same headers as one object, for a framework that writes its own (Fastify: `reply.headers()`,
 * sent with the status line in one `writeHead`). What helmet removes (X-Powered-By) is left out:
 * such a framework does not set it.
 */
export function securityHeaderValues(
  options: SecurityHeaderOptions = {},
): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(headersWrittenBy(helmet(helmetOptionsFor(options))).set));
}

/** What a header-only middleware (helmet) sets and removes, read from one call on a stand-in response. */
function headersWrittenBy(middleware: SecurityHeadersMiddleware): {
  set: [string, string][];
  removed: string[];
} {
  const set = new Map<string, string>();
  const removed = new Set<string>();
  const recorder = {
    setHeader(name: string, value: string) {
      set.set(name, value);
      removed.delete(name);
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name);
    },
  };
  let failure: unknown;
  let done = false;
  middleware(
    { method: 'GET', url: '/', headers: {} } as IncomingMessage,
    recorder as never,
    (error) => {
      failure = error;
      done = true;
    },
  );
  // helmet is synchronous and fails only on invalid directives: refuse to start rather than serve without them.
  if (!done || failure !== undefined)
    throw new Error(
      `security headers could not be computed: ${String(failure ?? 'helmet did not finish')}`,
    );
  return { set: [...set], removed: [...removed] };
}
