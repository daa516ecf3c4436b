// What one request did, collected while it is handled and written to the journal when the answer
// has been sent. EndpointInterceptor attaches it to the request and runs the handler inside its
// async context, so code far from the request (the token factory) can add to it.
import type { Request as ExpressRequest } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { JournalDetails } from '../admin/journal.js';
import type { EndpointDescription } from './endpoint.js';

export interface RequestRecord {
  /** The route's description; undefined for requests no journaled route matched. */
  endpoint: EndpointDescription | undefined;
  details: JournalDetails;
}

const RECORD = Symbol('mock-idp.request-record');
const current = new AsyncLocalStorage<RequestRecord>();

type WithRecord = ExpressRequest & { [RECORD]?: RequestRecord };

export function attachRequestRecord(
  req: ExpressRequest,
  endpoint: EndpointDescription | undefined,
): RequestRecord {
  const record: RequestRecord = {
    endpoint,
    details: endpoint?.grant === undefined ? {} : { grant: endpoint.grant },
  };
  (req as WithRecord)[RECORD] = record;
  return record;
}

/** The record of a request that reached a route (undefined before routing: 404s, bad paths). */
export function findRequestRecord(req: ExpressRequest): RequestRecord | undefined {
  return (req as WithRecord)[RECORD];
}

export function requestRecord(req: ExpressRequest): RequestRecord {
  return findRequestRecord(req) ?? attachRequestRecord(req, undefined);
}

export function runWithRequestRecord<T>(record: RequestRecord, fn: () => T): T {
  return current.run(record, fn);
}

/** The record of the request being handled in this async context, if any. */
export function currentRequestRecord(): RequestRecord | undefined {
  return current.getStore();
}
