// How protected-api reads request bodies: JSON (and flat forms), small, and shallow. Every other body gets a
// 4xx naming the problem before a guard, pipe or validator sees it (class-transformer and
// class-validator recurse once per nesting level: a 4 KB body nested 2,000 arrays deep overflowed
// the stack and answered 500).
import {
  BadRequestException,
  UnsupportedMediaTypeException,
  type INestApplication,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The largest body accepted; an item is a few dozen bytes. Larger: 413. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Deepest JSON accepted (objects and arrays); the API's DTOs are flat. Deeper: 400. */
export const MAX_JSON_DEPTH = 32;
const JSON_TYPES = ['application/json', 'application/*+json'];

/** Replaces Nest's default parsers (100 KB, nested forms, any JSON depth); needs `bodyParser: false`. */
export function configureRequestBodies(app: INestApplication): void {
  const expressApp = app as NestExpressApplication;
  // Compressed request bodies: 415 naming the encoding (no client of this API sends them).
  expressApp.useBodyParser('json', { limit: MAX_BODY_BYTES, type: JSON_TYPES, inflate: false });
  // Read (flat, `extended: false`) only so that libs/auth can refuse an RFC 6750 form-body token
  // by name; the DTOs then refuse the form itself field by field.
  expressApp.useBodyParser('urlencoded', {
    limit: MAX_BODY_BYTES,
    extended: false,
    parameterLimit: 100,
    inflate: false,
  });
  app.use(refuseUnreadBody, refuseDeepJson);
}

/** A body no parser took (another content type) would reach the handler as `{}`. */
function refuseUnreadBody(request: Request, _response: Response, next: NextFunction): void {
  // body-parser 2 leaves `body` undefined when it did not read the stream.
  const parsed = request.body !== undefined;
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0;
  if (hasBody && !parsed) {
    const type = request.headers['content-type'];
    next(
      new UnsupportedMediaTypeException(
        `request bodies must be application/json (or a form; got ${type ? JSON.stringify(type) : 'no content-type'})`,
      ),
    );
    return;
  }
  next();
}

function refuseDeepJson(request: Request, _response: Response, next: NextFunction): void {
  if (jsonDepthExceeds(request.body, MAX_JSON_DEPTH)) {
    next(
      new BadRequestException(`the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`),
    );
    return;
  }
  next();
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
