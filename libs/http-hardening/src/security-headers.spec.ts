// securityHeaders() writes helmet's headers from a list computed once: every response must carry
// exactly what helmet itself writes per request, for the options each app passes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import {
  helmetOptionsFor,
  securityHeaderValues,
  securityHeaders,
  type SecurityHeaderOptions,
  type SecurityHeadersMiddleware,
} from './security-headers.js';

async function headersServedWith(middleware: SecurityHeadersMiddleware): Promise<Headers> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('X-Powered-By', 'Express');
    middleware(request, response, () => response.end('{}'));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    const { port } = server.address() as AddressInfo;
    return (await fetch(`http://127.0.0.1:${port}/`)).headers;
  } finally {
    server.close();
  }
}

const securityOnly = (headers: Headers) =>
  [...headers].filter(
    ([name]) =>
      !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name),
  );

describe('securityHeaders', () => {
  it.each<[string, SecurityHeaderOptions, boolean]>([
    ['defaults (protected-api)', {}, true],
    ["the daemon's default-src 'none'", { directives: { 'default-src': ["'none'"] } }, true],
    ["the emulator's (no HSTS)", { hsts: false }, false],
  ])('writes what helmet writes: %s', async (_case, options, hsts) => {
    const perRequestHelmet = helmet(helmetOptionsFor(options)) as SecurityHeadersMiddleware;
    const expected = securityOnly(await headersServedWith(perRequestHelmet));
    const served = await headersServedWith(securityHeaders(options));
    expect(securityOnly(served)).toEqual(expected);
    expect(served.get('x-powered-by')).toBeNull();
    expect(served.get('x-frame-options')).toBe('DENY');
    expect(served.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(served.has('strict-transport-security')).toBe(hsts);
    expect(
      Object.fromEntries(
        Object.entries(securityHeaderValues(options)).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    ).toEqual(Object.fromEntries(securityOnly(served)));
  });

  it('refuses to start with a directive helmet rejects', () => {
    expect(() => securityHeaders({ directives: { 'script-src': ["'self'; img-src *"] } })).toThrow(
      /invalid/,
    );
  });
});
