// The daemon's security headers. It serves JSON health/status only: nothing may load or frame it.
import type { INestApplication } from '@nestjs/common';
import { securityHeaders } from '@app/http-hardening';

export function applySecurityHeaders(app: INestApplication): void {
  app.use(securityHeaders({ directives: { 'default-src': ["'none'"] } }));
}
