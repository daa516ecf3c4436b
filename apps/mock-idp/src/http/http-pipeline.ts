// Express-level steps that run before Nest's router, so they also see requests whose body does
// not parse: endpoint classification + journaling, injected faults, body parsing, and turning
// parser errors into 400s in Entra's shape (Express would otherwise answer with an HTML page).
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { FaultInjector } from '../admin/fault-injector.js';
import type { Journal } from '../admin/journal.js';
import { EntraErrors } from '../errors/entra-error.js';
import { sendEntraError } from '../errors/entra-error-response.js';
import { toEntraError } from '../errors/entra-exception.filter.js';
import { attachRequestRecord, classifyEndpoint } from './request-record.js';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function journalAndFaults(journal: Journal, faults: FaultInjector) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const endpoint = classifyEndpoint(req.path);
    const record = attachRequestRecord(req, endpoint);
    if (!endpoint) return next();
    res.on('finish', () => {
      journal.record({
        endpoint,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ...record.details,
      });
    });
    const fault = faults.take(endpoint);
    if (!fault) return next();
    record.details.faultId = fault.id;
    void sleep(fault.latencyMs ?? 0).then(() => {
      if (fault.status === undefined) return next();
      sendEntraError(req, res, EntraErrors.injectedFault(fault.status, fault.retryAfterSeconds));
    });
  };
}

function bodyParseErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const entraError = toEntraError(error, req);
  if (!entraError || res.headersSent) return next(error);
  sendEntraError(req, res, entraError);
}

export function configureHttpPipeline(
  app: INestApplication,
  journal: Journal,
  faults: FaultInjector,
): void {
  app.use(journalAndFaults(journal, faults));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(express.json({ limit: '256kb' }));
  app.use(bodyParseErrors);
}
