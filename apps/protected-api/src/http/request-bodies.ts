// How protected-api reads request bodies: JSON (and flat forms), small, and shallow. Every other
// body gets a 4xx naming the problem before a guard, pipe or validator sees it (class-transformer
// and class-validator recurse once per nesting level: a 4 KB body nested 2,000 arrays deep
// overflowed the stack and answered 500). Fastify reads a body only when a request has one, so
// the requests that make most of the traffic (GET) never reach this code.
import { parse as parseForm } from 'node:querystring';
import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The largest body accepted; an item is a few dozen bytes. Larger: 413 (Fastify's bodyLimit). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Deepest JSON accepted (objects and arrays); the API's DTOs are flat. Deeper: 400. */
export const MAX_JSON_DEPTH = 32;
/** Most fields a form may carry. More: 413 (as Express's urlencoded parser answered). */
export const MAX_FORM_FIELDS = 100;
// Tested against the whole header, parameters (charset) included.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = 'application/x-www-form-urlencoded';

type Done = (error: Error | null, body?: unknown) => void;

/**
 * Replaces Fastify's parsers (any JSON depth, no forms) with these; the app is created with
 * `bodyParser: false`, so Nest registers none of its own.
 */
export function configureRequestBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  // secure-json-parse: `__proto__` and `constructor.prototype` keys are refused (400).
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    JSON_TYPE,
    { parseAs: 'string' },
    readAsText((request, text, done) =>
      parseJson(request, text, (error: Error | null, value?: unknown) => {
        if (error) return done(error);
        if (jsonDepthExceeds(value, MAX_JSON_DEPTH))
          return done(
            new BadRequestException(
              `the JSON body is nested more than ${MAX_JSON_DEPTH} levels deep`,
            ),
          );
        done(null, value);
      }),
    ),
  );
  // Read (flat: node:querystring, no `a[b]=` nesting) only so that libs/auth can refuse an
  // RFC 6750 form-body token by name; the DTOs then refuse the form itself field by field.
  fastify.addContentTypeParser(
    FORM_TYPE,
    { parseAs: 'string' },
    readAsText((_request, text, done) => {
      const fields = parseForm(text, '&', '=', { maxKeys: MAX_FORM_FIELDS + 1 });
      if (Object.keys(fields).length > MAX_FORM_FIELDS)
        return done(
          new PayloadTooLargeException(`a form may carry at most ${MAX_FORM_FIELDS} fields`),
        );
      done(null, { ...fields });
    }),
  );
  // Every other type (and a body without a content type): 415, before the body is read.
  fastify.addContentTypeParser('*', (request, _payload, done: Done) => {
    const type = request.headers['content-type'];
    done(
      new UnsupportedMediaTypeException(
        `request bodies must be application/json (or a form; got ${type ? JSON.stringify(type) : 'no content-type'})`,
      ),
    );
  });
}

/**
 * A parser of a body Fastify read as text, refusing first (415) a compressed body (no client of
 * this API sends one) and a charset other than UTF-8.
 */
function readAsText(read: (request: FastifyRequest, text: string, done: Done) => void) {
  return (request: FastifyRequest, body: string | Buffer, done: Done): void => {
    const refused = encodingProblem(request);
    if (refused) return done(refused);
    read(request, String(body), done);
  };
}

function encodingProblem(request: FastifyRequest): Error | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    return new UnsupportedMediaTypeException('content encoding unsupported');
  const charset = /;\s*charset\s*=\s*"?([\w-]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    return new UnsupportedMediaTypeException(`unsupported charset "${charset.toUpperCase()}"`);
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
