export * from './auth.constants.js';
export * from './auth.module.js';
export * from './authority/entra-authority.js';
export * from './claims/caller-principal.js';
export * from './claims/entra-access-token-claims.js';
export * from './config/auth-config-error.js';
export * from './config/auth-env.js';
export * from './config/auth-options.js';
export * from './decorators/auth.decorator.js';
export * from './decorators/caller.decorator.js';
export * from './decorators/public.decorator.js';
export * from './decorators/roles.decorator.js';
export * from './errors/bearer-challenge.js';
export * from './errors/token-validation-error.js';
export * from './filters/token-validation-error.filter.js';
export * from './guards/entra-auth.guard.js';
export * from './keys/signing-key-store.js';
export * from './logging/auth-log-fields.js';
export * from './metadata/fetch-json.js';
export * from './metadata/issuer-template.js';
export * from './metadata/openid-metadata.js';
export * from './passport/bearer-header.strategy.js';
export * from './passport/entra-bearer.strategy.js';
export * from './validation/access-token-validator.js';
export * from './validation/bearer-header.js';

/** @deprecated Placeholder kept for apps that still import it; remove once none does. */
export const AUTH_PLACEHOLDER = 'auth';
