// AUTH_* environment variables -> AuthModuleOptions, validated once at startup. A bad value throws
// an AuthConfigError naming the variable.
import { AuthConfigError } from './auth-config-error.js';
import { ANY_TENANT, resolveAuthOptions, type AuthModuleOptions } from './auth-options.js';

export const AUTH_ENV_VARIABLES = {
  authority: 'AUTH_AUTHORITY_HOST',
  tenantId: 'AUTH_TENANT_ID',
  allowedTenants: 'AUTH_ALLOWED_TENANTS',
  audiences: 'AUTH_AUDIENCES',
  clockSkewSeconds: 'AUTH_CLOCK_SKEW_SECONDS',
  allowedClientIds: 'AUTH_ALLOWED_CLIENT_IDS',
} as const satisfies Partial<Record<keyof AuthModuleOptions, string>>;

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function list(env: Env, name: string): string[] | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item.length === 0)) {
    throw new AuthConfigError(
      name,
      `must be a comma-separated list without empty entries (got ${JSON.stringify(value)})`,
    );
  }
  return items;
}

function integer(env: Env, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new AuthConfigError(
      name,
      `must be a whole number of seconds (got ${JSON.stringify(value)})`,
    );
  return Number(value);
}

/** Reads the AUTH_* variables; `overrides` supplies options that have no variable (realm, ...). */
export function authOptionsFromEnv(
  env: Env,
  overrides: Partial<AuthModuleOptions> = {},
): AuthModuleOptions {
  const tenantId = text(env, AUTH_ENV_VARIABLES.tenantId);
  if (!tenantId)
    throw new AuthConfigError(AUTH_ENV_VARIABLES.tenantId, 'is required (the tenant id GUID)');
  const audiences = list(env, AUTH_ENV_VARIABLES.audiences);
  if (!audiences) {
    throw new AuthConfigError(
      AUTH_ENV_VARIABLES.audiences,
      'is required (comma list of App ID URI and/or client id)',
    );
  }
  const options: AuthModuleOptions = {
    ...overrides,
    authority: text(env, AUTH_ENV_VARIABLES.authority),
    tenantId,
    allowedTenants:
      text(env, AUTH_ENV_VARIABLES.allowedTenants) === ANY_TENANT
        ? ANY_TENANT
        : list(env, AUTH_ENV_VARIABLES.allowedTenants),
    audiences,
    clockSkewSeconds: integer(env, AUTH_ENV_VARIABLES.clockSkewSeconds),
    allowedClientIds: list(env, AUTH_ENV_VARIABLES.allowedClientIds),
  };
  // Validate now, so that the message names the variable rather than the option.
  resolveAuthOptions(
    options,
    (option) => (AUTH_ENV_VARIABLES as Record<string, string>)[option] ?? option,
  );
  return options;
}
