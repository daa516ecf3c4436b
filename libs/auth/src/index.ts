// The public API of the package: what an app needs to protect its routes. Key stores, metadata
// fetching and the passport plumbing stay inside. Test helpers: '@app/auth/testing'.
export { AuthModule, type AuthModuleAsyncOptions } from './auth.module.js';
export { ENTRA_BEARER_STRATEGY } from './auth.constants.js';
export { AuthReadiness } from './authority/auth-readiness.js';
export type { CallerPrincipal } from './claims/caller-principal.js';
export type {
  EntraAccessTokenClaims,
  EntraTokenVersion,
  EntraV1AccessTokenClaims,
  EntraV2AccessTokenClaims,
} from './claims/entra-access-token-claims.js';
export { AuthConfigError } from './config/auth-config-error.js';
export { AUTH_ENV_VARIABLES, authOptionsFromEnv } from './config/auth-env.js';
export type { AuthModuleOptions } from './config/auth-options.js';
export type { AccessRequirement } from './authorization/access-requirement.js';
export {
  AllowAcl,
  AllRoles,
  RequiredAccess,
  Roles,
  Scopes,
  ScopesOrAppRoles,
} from './decorators/access.decorators.js';
export {
  Auth,
  AUTH_SWAGGER_SCHEME,
  type AuthRequirement,
  type NonEmptyNames,
} from './decorators/auth.decorator.js';
export { Caller } from './decorators/caller.decorator.js';
export { Public } from './decorators/public.decorator.js';
export {
  TOKEN_VALIDATION_ERROR_CODES,
  TokenValidationError,
  type TokenValidationErrorCode,
} from './errors/token-validation-error.js';
export { EntraAuthGuard } from './guards/entra-auth.guard.js';
export { authLogFields, type AuthLogFields } from './logging/auth-log-fields.js';
export { AccessTokenValidator } from './validation/access-token-validator.js';
