// Options of AuthModule. Names follow what passport-azure-ad users know (authority, tenant,
// audiences, clock skew, allowed callers); resolveAuthOptions validates and normalises them once.
import { AuthConfigError } from './auth-config-error.js';

export interface AuthModuleOptions {
  /** Authority host serving `/{tenant}/.well-known/openid-configuration` (v1) and `/{tenant}/v2.0/...` (v2). http is accepted for local emulators. Default https://login.microsoftonline.com. */
  authority?: string;
  /** Home tenant (GUID): whose metadata documents and signing keys are used. */
  tenantId: string;
  /**
   * Tenants whose tokens are accepted (GUIDs). Default: [tenantId]. `'*'`: any tenant (a
   * multi-tenant API), each token's `tid` still checked against its issuer; see the README's risks.
   */
  allowedTenants?: readonly string[] | typeof ANY_TENANT;
  /** Accepted `aud` values: App ID URIs (`https://...`, `api://...`) and/or the API's client id. */
  audiences: readonly string[];
  /** Tolerance for `exp` and `nbf`. Default 300. */
  clockSkewSeconds?: number;
  /** When set, only these callers (`appid` / `azp`) are accepted; others get 403. */
  allowedClientIds?: readonly string[];
  /** `realm` of the WWW-Authenticate challenge. Default 'api'. */
  realm?: string;
  /** Minimum time between two JWKS fetches forced by an unknown `kid` that the fetch did not find. Default 300. */
  keyRefreshCooldownSeconds?: number;
  /** Period of the automatic refresh of metadata and keys (cached keys serve while the IdP is down). Default 43200 (12 h). */
  refreshIntervalSeconds?: number;
  /** Timeout of each metadata or JWKS request. Default 5000. */
  httpTimeoutMs?: number;
  /** Longest accepted token, in characters. Default 8192. */
  maxTokenLength?: number;
  /** Memory for validated tokens remembered (by exact text) to skip re-verifying their signature, in MiB; 0 disables. Default 48 (~15,000 Entra tokens). */
  verifiedTokenCacheMegabytes?: number;
  /** Register the guard globally (fail closed; opt out with @Public()). Default true. */
  globalGuard?: boolean;
  /**
   * Accept, on routes without a role or scope requirement, tokens that carry neither `roles` nor
   * `scp` (the API authorizes callers by its own access control list; MIW's
   * AllowWebApiToBeAuthorizedByACL). Default false; per route: `@AllowAcl()` / `@Auth({ allowAcl: true })`.
   */
  allowAclAuthorization?: boolean;
}

/** `allowedTenants: '*'`: tokens of any Entra tenant (multi-tenant API). */
export const ANY_TENANT = '*';

export interface ResolvedAuthOptions {
  authority: string;
  tenantId: string;
  allowedTenants: ReadonlySet<string> | typeof ANY_TENANT;
  audiences: ReadonlySet<string>;
  clockSkewSeconds: number;
  allowedClientIds?: ReadonlySet<string>;
  realm: string;
  keyRefreshCooldownMs: number;
  refreshIntervalMs: number;
  httpTimeoutMs: number;
  maxTokenLength: number;
  verifiedTokenCacheBytes: number;
  globalGuard: boolean;
  allowAclAuthorization: boolean;
}

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** Audience comparison ignores one trailing slash of a URI and the case of a GUID. */
export function normalizeAudience(audience: string): string {
  if (GUID.test(audience)) return audience.toLowerCase();
  return audience.endsWith('/') ? audience.slice(0, -1) : audience;
}

/** Maps an option name to the name the operator knows it by (an environment variable, say). */
export type SettingNames = (option: keyof AuthModuleOptions) => string;

function guid(value: unknown, setting: string): string {
  if (!isGuid(value))
    throw new AuthConfigError(setting, `must be a GUID (got ${JSON.stringify(value)})`);
  return value.toLowerCase();
}

function guidList(
  values: readonly unknown[] | undefined,
  setting: string,
  required: boolean,
): string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || (required && values.length === 0)) {
    throw new AuthConfigError(setting, 'must list at least one GUID');
  }
  return values.map((value) => guid(value, setting));
}

function parseAudience(value: unknown, setting: string): string {
  if (isGuid(value)) return value.toLowerCase();
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return normalizeAudience(value);
  }
  throw new AuthConfigError(
    setting,
    `entries must be an App ID URI or a client id GUID (got ${JSON.stringify(value)})`,
  );
}

function integer(
  value: unknown,
  setting: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AuthConfigError(
      setting,
      `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

function authorityUrl(value: unknown, setting: string): string {
  if (value === undefined) return DEFAULT_AUTHORITY;
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw new AuthConfigError(
      setting,
      `must be an http(s) URL without query or credentials (got ${JSON.stringify(value)})`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

export function resolveAuthOptions(
  options: AuthModuleOptions,
  names: SettingNames = (option) => option,
): ResolvedAuthOptions {
  if (options === null || typeof options !== 'object') {
    throw new AuthConfigError('AuthModule options', 'must be an object');
  }
  const tenantId = guid(options.tenantId, names('tenantId'));
  const allowedTenants =
    options.allowedTenants === ANY_TENANT
      ? ANY_TENANT
      : new Set(guidList(options.allowedTenants, names('allowedTenants'), true) ?? [tenantId]);
  if (!Array.isArray(options.audiences) || options.audiences.length === 0) {
    throw new AuthConfigError(
      names('audiences'),
      'must list at least one audience (App ID URI or client id)',
    );
  }
  const allowedClientIds = guidList(options.allowedClientIds, names('allowedClientIds'), true);
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || realm.length === 0)
    throw new AuthConfigError(names('realm'), 'must be a non-empty string');
  return {
    authority: authorityUrl(options.authority, names('authority')),
    tenantId,
    allowedTenants,
    audiences: new Set(options.audiences.map((value) => parseAudience(value, names('audiences')))),
    clockSkewSeconds: integer(options.clockSkewSeconds, names('clockSkewSeconds'), 300, 0, 3600),
    allowedClientIds: allowedClientIds && new Set(allowedClientIds),
    realm,
    keyRefreshCooldownMs:
      integer(
        options.keyRefreshCooldownSeconds,
        names('keyRefreshCooldownSeconds'),
        300,
        0,
        86_400,
      ) * 1000,
    refreshIntervalMs:
      integer(
        options.refreshIntervalSeconds,
        names('refreshIntervalSeconds'),
        43_200,
        1,
        7 * 86_400,
      ) * 1000,
    httpTimeoutMs: integer(options.httpTimeoutMs, names('httpTimeoutMs'), 5000, 100, 60_000),
    maxTokenLength: integer(options.maxTokenLength, names('maxTokenLength'), 8192, 512, 65_536),
    verifiedTokenCacheBytes:
      integer(
        options.verifiedTokenCacheMegabytes,
        names('verifiedTokenCacheMegabytes'),
        48,
        0,
        4096,
      ) *
      2 ** 20,
    globalGuard: options.globalGuard ?? true,
    allowAclAuthorization: options.allowAclAuthorization ?? false,
  };
}
