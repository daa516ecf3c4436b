// Every refusal the emulator sends, with the AADSTS code Entra uses for it. The exception filter
// renders it in Entra's token-endpoint JSON shape, or as {error, error_description} on the
// managed-identity endpoints (what IMDS and the App Service/Container Apps endpoint send).

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_resource'
  | 'invalid_scope'
  | 'invalid_tenant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'not_found'
  | 'temporarily_unavailable'
  | 'server_error';

export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    /** AADSTS number, or undefined for errors that are not Entra's (managed-identity endpoint checks). */
    readonly aadsts: number | undefined,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(aadsts === undefined ? description : `AADSTS${aadsts}: ${description}`);
    this.name = 'EntraError';
  }
}

const badRequest = (
  aadsts: number | undefined,
  description: string,
  error: OAuthErrorCode = 'invalid_request',
) => new EntraError(400, error, aadsts, description);

export const EntraErrors = {
  missingParameter: (name: string) =>
    badRequest(900144, `The request body must contain the following parameter: '${name}'.`),
  invalidParameter: (name: string, problem: string) =>
    badRequest(900144, `The parameter '${name}' ${problem}.`),
  malformedBody: (problem: string) =>
    badRequest(900144, `The request body could not be parsed: ${problem}.`),
  /** The token endpoint answers invalid_request, the discovery endpoints invalid_tenant. */
  tenantNotFound: (tenant: string, error: OAuthErrorCode = 'invalid_request') =>
    badRequest(
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      error,
    ),
  unsupportedGrantType: (grant: string) =>
    badRequest(
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
      'unsupported_grant_type',
    ),
  applicationNotFound: (clientId: string, tenant: string) =>
    badRequest(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      'unauthorized_client',
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    badRequest(
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      'invalid_resource',
    ),
  scopeWithoutDefault: (scope: string) =>
    badRequest(
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      'invalid_scope',
    ),
  scopeWithSeveralResources: (scope: string) =>
    badRequest(
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
      'invalid_scope',
    ),
  roleAssignmentRequired: (client: string, resource: string) =>
    badRequest(
      501051,
      `Application '${client}' is not assigned to a role for the application '${resource}'.`,
      'invalid_grant',
    ),
  noClientCredential: () =>
    new EntraError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (appId: string) =>
    new EntraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
    ),
  expiredSecret: (appId: string) =>
    new EntraError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${appId}' are expired.`,
    ),
  unsupportedAssertionType: (type: string) =>
    badRequest(
      900144,
      `The parameter 'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', got '${type}'.`,
    ),
  malformedAssertion: (problem: string) =>
    new EntraError(401, 'invalid_client', 50027, `JWT token is invalid or malformed: ${problem}.`),
  assertionSignatureInvalid: (reason: string) =>
    new EntraError(
      401,
      'invalid_client',
      700027,
      `Client assertion failed signature validation. [Reason - ${reason}]`,
    ),
  assertionOutOfTime: (now: number, notBefore: number | undefined, expires: number | undefined) =>
    new EntraError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${isoTime(now)}, assertion valid from ${notBefore ? isoTime(notBefore) : 'unknown'}, expiry time of assertion ${expires ? isoTime(expires) : 'unknown'}.`,
    ),
  noMatchingFederatedCredential: (issuer: string, subject: string, audience: string) =>
    badRequest(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'.`,
    ),
  assertionClientMismatch: (clientId: string) =>
    new EntraError(
      401,
      'invalid_client',
      700021,
      `Client assertion application identifier doesn't match 'client_id' parameter '${clientId}'.`,
    ),
  assertionAudienceMismatch: (audience: string) =>
    new EntraError(
      401,
      'invalid_client',
      700023,
      `Client assertion audience claim does not match Realm issuer. Audience: '${audience}'.`,
    ),
  notFound: (path: string) =>
    new EntraError(404, 'not_found', undefined, `No endpoint at ${path}.`),
  injectedFault: (status: number, retryAfterSeconds?: number) =>
    new EntraError(
      status,
      status === 503 || status === 429
        ? 'temporarily_unavailable'
        : status >= 500
          ? 'server_error'
          : 'invalid_request',
      status >= 500 || status === 429 ? 50196 : undefined,
      `Fault injected by the mock-idp admin API (HTTP ${status}).`,
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  internal: () =>
    new EntraError(
      500,
      'server_error',
      50000,
      'There was an error issuing a token or an authorization code. Please try again.',
    ),
};

/** Errors of the managed-identity endpoints themselves (before any Entra logic runs). */
export const ManagedIdentityErrors = {
  badRequest: (description: string) =>
    new EntraError(400, 'invalid_request', undefined, description),
  identityNotFound: (description: string) =>
    new EntraError(400, 'invalid_request', undefined, description),
};

function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
