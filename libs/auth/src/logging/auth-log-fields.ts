import type { CallerPrincipal } from '../claims/caller-principal.js';

/** Request property where the filter records the code of a refused token. */
export const AUTH_FAILURE = Symbol('authFailure');

export interface AuthLogFields {
  appId?: string;
  objectId?: string;
  authError?: string;
}

/** Fields for a request log line: who called and/or why the call was refused. Never the token. */
export function authLogFields(request: object): AuthLogFields {
  const { user, [AUTH_FAILURE]: failure } = request as {
    user?: CallerPrincipal;
    [AUTH_FAILURE]?: string;
  };
  const fields: AuthLogFields = {};
  if (user) {
    fields.appId = user.appId;
    fields.objectId = user.objectId;
  }
  if (failure) fields.authError = failure;
  return fields;
}
