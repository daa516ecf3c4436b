// The URLs the emulator puts in metadata and tokens. They depend on the port the https listener
// really got (port 0 is allowed), so they are fixed once it listens.
import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { MOCK_IDP_CONFIG } from './config.tokens.js';
import type { MockIdpConfig } from './mock-idp-config.js';

@Injectable()
export class PublicEndpoints {
  private httpsPort: number;
  private httpPort: number;

  constructor(@Inject(MOCK_IDP_CONFIG) private readonly config: MockIdpConfig) {
    this.httpsPort = config.httpsPort;
    this.httpPort = config.httpPort;
  }

  setListeningPorts(httpPort: number, httpsPort: number): void {
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
  }

  private get host(): string {
    const host = this.config.publicHost;
    return isIP(host) === 6 ? `[${host}]` : host;
  }

  /** `https://{host}:{port}`: what clients pass as authorityHost. */
  get authority(): string {
    return `https://${this.host}:${this.httpsPort}`;
  }

  get managedIdentityBase(): string {
    return `http://${this.host}:${this.httpPort}`;
  }

  v1Issuer(tenantId: string): string {
    return `https://sts.windows.net/${tenantId}/`;
  }

  v2Issuer(tenantId: string): string {
    return `${this.authority}/${tenantId}/v2.0`;
  }

  /** Expands `{authority}` and `{tenantId}` in directory values such as a FIC issuer. */
  expand(template: string, tenantId: string): string {
    return template.replaceAll('{authority}', this.authority).replaceAll('{tenantId}', tenantId);
  }
}
