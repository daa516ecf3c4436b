// What one request did, collected while it is handled and written to the journal when the answer
// has been sent. Handlers add details through requestRecord(req).
import type { Request } from 'express';
import type { JournalDetails, JournaledEndpoint } from '../admin/journal.js';

export interface RequestRecord {
  endpoint: JournaledEndpoint | undefined;
  details: JournalDetails;
}

const RECORD = Symbol('mock-idp.request-record');

type WithRecord = Request & { [RECORD]?: RequestRecord };

export function attachRequestRecord(
  req: Request,
  endpoint: JournaledEndpoint | undefined,
): RequestRecord {
  const record: RequestRecord = { endpoint, details: {} };
  (req as WithRecord)[RECORD] = record;
  return record;
}

export function requestRecord(req: Request): RequestRecord {
  return (req as WithRecord)[RECORD] ?? attachRequestRecord(req, undefined);
}

/** Which journaled endpoint a path belongs to (undefined: health, admin, unknown). */
export function classifyEndpoint(path: string): JournaledEndpoint | undefined {
  const p = path.toLowerCase().replace(/\/+$/, '');
  if (p === '/msi/token') return 'msi';
  if (p === '/metadata/identity/oauth2/token') return 'imds';
  if (/^\/[^/]+\/oauth2(\/v2\.0)?\/token$/.test(p)) return 'token';
  if (/^\/[^/]+(\/v2\.0)?\/\.well-known\/openid-configuration$/.test(p)) return 'metadata';
  if (/^\/[^/]+\/discovery(\/v2\.0)?\/keys$/.test(p)) return 'jwks';
  if (p.startsWith('/v1.0/')) return 'graph';
  return undefined;
}

export function usesManagedIdentityErrorShape(endpoint: JournaledEndpoint | undefined): boolean {
  return endpoint === 'msi' || endpoint === 'imds';
}
