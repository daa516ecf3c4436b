export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
/** How metadata and JWKS documents are fetched; replaceable for instrumentation. */
export const AUTH_FETCH_JSON = Symbol('AUTH_FETCH_JSON');
export const ENTRA_BEARER_STRATEGY = 'entra-bearer';
