// The admin API and the console have no authentication (a local test door), so a web page the
// developer visits must not be able to drive them: a cross-site form or no-cors fetch could reset the
// directory or rotate keys (CSRF), and a rebound DNS name could read the journal. Browsers say where
// a request comes from (Origin, Sec-Fetch-Site); the Host must be a name this emulator is reached by.
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { MOCK_IDP_CONFIG } from '../config/config.tokens.js';
import type { MockIdpConfig } from '../config/mock-idp-config.js';
import { EntraError } from '../errors/entra-error.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const SAME_ORIGIN_FETCH_SITES = new Set(['same-origin', 'none']);

function hostName(host: string): string {
  return host.replace(/:\d+$/, '').toLowerCase();
}

function refused(description: string): EntraError {
  return new EntraError(403, 'invalid_request', undefined, description);
}

@Injectable()
export class AdminRequestGuard implements CanActivate {
  private readonly knownHosts: Set<string>;

  constructor(@Inject(MOCK_IDP_CONFIG) config: MockIdpConfig) {
    this.knownHosts = new Set([...LOOPBACK_HOSTS, config.publicHost.toLowerCase()]);
    if (config.bindAddress) this.knownHosts.add(config.bindAddress.toLowerCase());
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ExpressRequest>();
    const host = request.headers.host ?? '';
    const name = hostName(host);
    if (!this.knownHosts.has(name) && !/^127\.\d+\.\d+\.\d+$/.test(name)) {
      throw refused(
        `The admin API answers only at localhost or MOCK_IDP_PUBLIC_HOST, not at host '${name}'.`,
      );
    }
    const fetchSite = request.headers['sec-fetch-site'];
    if (typeof fetchSite === 'string' && !SAME_ORIGIN_FETCH_SITES.has(fetchSite)) {
      throw refused(`The admin API refuses ${fetchSite} browser requests.`);
    }
    const origin = request.headers.origin;
    if (typeof origin === 'string' && origin !== 'null') {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = undefined;
      }
      if (originHost !== host.toLowerCase()) {
        throw refused(
          `The admin API refuses requests from another origin (${originHost ?? origin}).`,
        );
      }
    } else if (origin === 'null') {
      throw refused('The admin API refuses requests from an opaque origin.');
    }
    return true;
  }
}
