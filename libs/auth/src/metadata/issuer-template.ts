// The issuer a token must carry, per tenant. Real Entra's `common`/`organizations` metadata has
// `{tenantid}` in its issuer; a tenant's own document names the tenant. Both become a template so
// that tokens of any allowed tenant are checked against the issuer format of their version.
import { isGuid } from '../config/auth-options.js';

const PLACEHOLDER = '{tenantid}';

export class IssuerTemplate {
  private readonly prefix: string;
  private readonly suffix: string | undefined;

  constructor(
    readonly metadataIssuer: string,
    homeTenantId: string,
  ) {
    let template = metadataIssuer;
    if (!template.toLowerCase().includes(PLACEHOLDER)) {
      const at = template.toLowerCase().indexOf(homeTenantId.toLowerCase());
      if (at >= 0)
        template = template.slice(0, at) + PLACEHOLDER + template.slice(at + homeTenantId.length);
    }
    const at = template.toLowerCase().indexOf(PLACEHOLDER);
    this.prefix = at >= 0 ? template.slice(0, at) : template;
    this.suffix = at >= 0 ? template.slice(at + PLACEHOLDER.length) : undefined;
  }

  /** The tenant named by `issuer`, or undefined when `issuer` does not have this template's shape. */
  tenantOf(issuer: string): string | undefined {
    if (this.suffix === undefined) return undefined;
    if (issuer.length <= this.prefix.length + this.suffix.length) return undefined;
    if (!issuer.startsWith(this.prefix) || !issuer.endsWith(this.suffix)) return undefined;
    const tenant = issuer.slice(this.prefix.length, issuer.length - this.suffix.length);
    return isGuid(tenant) ? tenant : undefined;
  }

  issuerFor(tenantId: string): string {
    return this.suffix === undefined ? this.prefix : this.prefix + tenantId + this.suffix;
  }
}
