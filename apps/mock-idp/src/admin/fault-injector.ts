// Faults injected through the admin API: an error status (with Retry-After), added latency, or
// both, for one endpoint or all, during N seconds and/or N requests (whichever ends first).
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntraErrors } from '../errors/entra-error.js';
import { JOURNALED_ENDPOINTS, type JournaledEndpoint } from './journal.js';

export interface FaultSpec {
  endpoint: JournaledEndpoint | '*';
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  forSeconds?: number;
  forRequests?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  createdAt: string;
  expiresAt?: string;
  remainingRequests?: number;
}

const FAULT_FIELDS = new Set([
  'endpoint',
  'status',
  'retryAfterSeconds',
  'latencyMs',
  'forSeconds',
  'forRequests',
]);

function optionalInteger(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw EntraErrors.invalidParameter(field, `must be an integer between ${min} and ${max}`);
  }
  return value;
}

export function parseFaultSpec(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw EntraErrors.malformedBody(
      'a JSON object { endpoint, status?, retryAfterSeconds?, latencyMs?, forSeconds?, forRequests? } is required',
    );
  }
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !FAULT_FIELDS.has(key));
  if (unknown.length > 0) throw EntraErrors.invalidParameter(unknown[0]!, 'is not a fault field');
  const endpoint = record['endpoint'];
  if (endpoint !== '*' && !JOURNALED_ENDPOINTS.includes(endpoint as JournaledEndpoint)) {
    throw EntraErrors.invalidParameter(
      'endpoint',
      `must be one of ${[...JOURNALED_ENDPOINTS, '*'].join(', ')}`,
    );
  }
  const spec: FaultSpec = {
    endpoint: endpoint as FaultSpec['endpoint'],
    status: optionalInteger(record, 'status', 400, 599),
    retryAfterSeconds: optionalInteger(record, 'retryAfterSeconds', 0, 86400),
    latencyMs: optionalInteger(record, 'latencyMs', 0, 120_000),
    forSeconds: optionalInteger(record, 'forSeconds', 1, 30 * 86400),
    forRequests: optionalInteger(record, 'forRequests', 1, 1_000_000),
  };
  if (spec.status === undefined && spec.latencyMs === undefined) {
    throw EntraErrors.invalidParameter(
      'status',
      'or latencyMs is required (a fault must do something)',
    );
  }
  if (spec.retryAfterSeconds !== undefined && spec.status === undefined) {
    throw EntraErrors.invalidParameter('retryAfterSeconds', 'needs a status');
  }
  return spec;
}

@Injectable()
export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): ActiveFault {
    const now = Date.now();
    const fault: ActiveFault = {
      ...spec,
      id: randomUUID(),
      createdAt: new Date(now).toISOString(),
      expiresAt:
        spec.forSeconds === undefined
          ? undefined
          : new Date(now + spec.forSeconds * 1000).toISOString(),
      remainingRequests: spec.forRequests,
    };
    this.faults.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    this.dropSpent();
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  /** The fault that applies to this request, counting it against the fault's request budget. */
  take(endpoint: JournaledEndpoint): ActiveFault | undefined {
    this.dropSpent();
    const fault = this.faults.find(
      (candidate) => candidate.endpoint === endpoint || candidate.endpoint === '*',
    );
    if (fault?.remainingRequests !== undefined) fault.remainingRequests -= 1;
    return fault;
  }

  private dropSpent(): void {
    const now = Date.now();
    this.faults = this.faults.filter(
      (fault) =>
        (fault.remainingRequests === undefined || fault.remainingRequests > 0) &&
        (fault.expiresAt === undefined || Date.parse(fault.expiresAt) > now),
    );
  }
}
