// The emulator's security headers, in one place (the console page extends the directives here).
import { securityHeaders } from '@app/http-hardening';
import type { Express } from 'express';

export function applySecurityHeaders(expressApp: Express): void {
  // No HSTS: the https listener is on the developer's localhost (HSTS would pin every local port).
  expressApp.use(securityHeaders({ hsts: false }));
}
