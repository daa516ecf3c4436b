// How protected-api reads request bodies: JSON (and flat forms), small, and shallow. Every other body gets a
// 4xx naming the problem before a guard, pipe or validator sees it (class-transformer and
// class-validator recurse once per nesting level: a 4 KB body nested 2,000 arrays deep overflowed
// the stack and answered 500).
import {
  BadRequestException,
  UnsupportedMediaTypeException,
  type INestApplication,
} from '@nestjs/common';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';

/** The largest body accepted; an item is a few dozen bytes. Larger: 413. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Deepest JSON accepted (objects and arrays); the API's DTOs are flat. Deeper: 400. */
export const MAX_JSON_DEPTH = 32;
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Replaces Nest's default parsers (100 KB, nested forms, any JSON depth); needs `bodyParser: false`.
 * One middleware: a request without a body (GET, most of the traffic) passes straight through
 * instead of visiting four (two parsers and two checks, about 3 µs a request).
 */
export function configureRequestBodies(app: INestApplication): void {
  // Compressed request bodies: 415 naming the encoding (no client of this API sends them).
  const readJson = json({ limit: MAX_BODY_BYTES, type: JSON_TYPES, inflate: false });
  // Read (flat, `extended: false`) only so that libs/auth can refuse an RFC 6750 form-body token
  // by name; the DTOs then refuse the form itself field by field.
  const readForm = urlencoded({
    limit: MAX_BODY_BYTES,
    extended: false,
    parameterLimit: 100,
    inflate: false,
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    readJson(request, response, (jsonError?: unknown) => {
      if (jsonError) return next(jsonError);
      readForm(request, response, (formError?: unknown) => {
        if (formError) return next(formError);
        next(bodyProblem(request));
      });
    });
  });
}

function hasBody(request: Request): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0
  );
}

/** Why a body the parsers read (or left) cannot go on, or undefined. */
function bodyProblem(request: Request): Error | undefined {
  // body-parser 2 leaves `body` undefined when it did not read the stream: another content type,
  // which would otherwise reach the handler as `{}`.
  if (request.body === undefined) {
    const type = request.headers['content-type'];
    return new UnsupportedMediaTypeException(
      `request bodies must be application/json (or a form; got ${type ? JSON.stringify(type) : 'no content-type'})`,
    );
  }
  if (jsonDepthExceeds(request.body, MAX_JSON_DEPTH))
    return new BadRequestException(
      `the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  return undefined;
}

/** Whether `value` nests objects/arrays deeper than `limit`; iterative, so any depth is safe to measure. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}
