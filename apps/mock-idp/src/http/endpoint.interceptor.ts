// The per-request steps that depend on which endpoint was hit, run once Nest has routed the
// request: journal the answer, apply an injected fault, then parse the body (after routing, so a
// body that does not parse is still journaled and answered in the endpoint's error shape).
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import express, {
  type Request as ExpressRequest,
  type RequestHandler,
  type Response,
} from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { FaultInjector } from '../admin/fault-injector.js';
import { Journal } from '../admin/journal.js';
import { EntraErrors } from '../errors/entra-error.js';
import { Endpoint } from './endpoint.js';
import { attachRequestRecord, runWithRequestRecord, type RequestRecord } from './request-record.js';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const BODY_PARSERS: RequestHandler[] = [
  express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
  express.json({ limit: '256kb' }),
];

function parseBody(req: ExpressRequest, res: Response): Promise<void> {
  return BODY_PARSERS.reduce<Promise<void>>(
    (previous, parser) =>
      previous.then(
        () =>
          new Promise((resolve, reject) => {
            void parser(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
          }),
      ),
    Promise.resolve(),
  );
}

@Injectable()
export class EndpointInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly journal: Journal,
    private readonly faults: FaultInjector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const endpoint = this.reflector.getAllAndOverride(Endpoint, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<ExpressRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const record = attachRequestRecord(req, endpoint);
    if (endpoint) {
      res.on('finish', () => {
        this.journal.record({
          endpoint: endpoint.journal,
          protocol: endpoint.protocol,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ...record.details,
        });
      });
    }
    return from(this.beforeHandler(req, res, record)).pipe(
      switchMap(
        () =>
          new Observable((subscriber) =>
            runWithRequestRecord(record, () => next.handle().subscribe(subscriber)),
          ),
      ),
    );
  }

  private async beforeHandler(
    req: ExpressRequest,
    res: Response,
    record: RequestRecord,
  ): Promise<void> {
    const fault = record.endpoint && this.faults.take(record.endpoint.journal);
    if (fault) {
      record.details.faultId = fault.id;
      await sleep(fault.latencyMs ?? 0);
      if (fault.status !== undefined)
        throw EntraErrors.injectedFault(fault.status, fault.retryAfterSeconds);
    }
    await parseBody(req, res);
  }
}
