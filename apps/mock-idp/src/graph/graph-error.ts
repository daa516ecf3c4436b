// Microsoft Graph's error answer: {"error":{"code","message","innerError":{"date","request-id",
// "client-request-id"}}} with Graph's codes, and the request-id/client-request-id headers.
// Graph routes never answer in the AADSTS shape of the token endpoints.
import type { Request as ExpressRequest, Response } from 'express';
import { randomUUID } from 'node:crypto';

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

const GRAPH_WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const GraphErrors = {
  badRequest: (message: string) => new GraphError(400, 'Request_BadRequest', message),
  invalidRequest: (message: string) => new GraphError(400, 'BadRequest', message),
  unsupportedQuery: (message: string) => new GraphError(400, 'Request_UnsupportedQuery', message),
  invalidObjectId: (id: string) =>
    new GraphError(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`),
  notFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  noSuchSegment: (segment: string) =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  duplicate: (message: string) =>
    new GraphError(409, 'Request_MultipleObjectsWithSameKeyValue', message),
  unauthenticated: (message: string) =>
    new GraphError(401, 'InvalidAuthenticationToken', message, {
      'WWW-Authenticate': GRAPH_WWW_AUTHENTICATE,
    }),
  forbidden: (requiredOneOf: readonly string[], detail?: string) =>
    new GraphError(
      403,
      'Authorization_RequestDenied',
      `Insufficient privileges to complete the operation. ${detail ?? `The token's roles must include one of: ${requiredOneOf.join(', ')}.`}`,
    ),
  /** An HTTP status without a Graph meaning of its own (injected faults, body-parser errors). */
  fromStatus: (status: number, message: string) =>
    new GraphError(
      status,
      status >= 500
        ? status === 503
          ? 'serviceNotAvailable'
          : 'generalException'
        : status === 429
          ? 'TooManyRequests'
          : 'BadRequest',
      message,
    ),
  internal: () => new GraphError(500, 'generalException', 'General exception while processing.'),
};

function graphDate(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '');
}

export function sendGraphError(req: ExpressRequest, res: Response, error: GraphError): void {
  const requestId = randomUUID();
  const requested = req.headers['client-request-id'];
  const clientRequestId =
    typeof requested === 'string' && requested.length <= 64 ? requested : requestId;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('request-id', requestId);
  res.setHeader('client-request-id', clientRequestId);
  res.status(error.status).json({
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: graphDate(new Date()),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  });
}
