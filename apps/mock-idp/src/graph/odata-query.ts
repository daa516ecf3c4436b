// OData query options on Graph collections and entities: $filter (odata-filter.ts), $select,
// $top with @odata.nextLink paging ($skiptoken), $count. Anything else starting with `$` is
// refused with a 400 naming it, rather than silently ignored.
import type { Request as ExpressRequest } from 'express';
import { GraphErrors } from './graph-error.js';
import {
  FilterSyntaxError,
  filterProperties,
  matchesFilter,
  parseFilter,
  type FilterExpression,
} from './odata-filter.js';

export type GraphObject = Record<string, unknown>;

const MAX_PAGE_SIZE = 999;
const DEFAULT_PAGE_SIZE = 100;

interface QueryOptions {
  filter?: FilterExpression;
  select?: string[];
  top?: number;
  skip: number;
  count: boolean;
}

function option(req: ExpressRequest, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw GraphErrors.invalidRequest(
      `The query specified in the URI is not valid. Query option '${name}' was specified more than once.`,
    );
  return value;
}

function parseOptions(req: ExpressRequest, allowed: readonly string[]): QueryOptions {
  for (const name of Object.keys(req.query as object)) {
    if (name.startsWith('$') && !allowed.includes(name))
      throw GraphErrors.invalidRequest(
        `Query option '${name}' is not supported here (this emulator supports ${allowed.join(', ')}).`,
      );
  }
  const filterText = option(req, '$filter');
  let filter: FilterExpression | undefined;
  if (filterText !== undefined) {
    try {
      filter = parseFilter(filterText);
    } catch (error) {
      if (error instanceof FilterSyntaxError)
        throw GraphErrors.invalidRequest(`Invalid filter clause: ${error.message}.`);
      throw error;
    }
  }
  const selectText = option(req, '$select');
  const select = selectText
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const topText = option(req, '$top');
  let top: number | undefined;
  if (topText !== undefined) {
    top = /^\d+$/.test(topText) ? Number(topText) : NaN;
    if (!(top >= 1 && top <= MAX_PAGE_SIZE))
      throw GraphErrors.badRequest(
        `Invalid page size specified: '${topText}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
      );
  }
  const skipToken = option(req, '$skiptoken');
  const skip = skipToken === undefined ? 0 : Number(Buffer.from(skipToken, 'base64url').toString());
  if (!Number.isInteger(skip) || skip < 0)
    throw GraphErrors.badRequest(`Invalid $skiptoken '${skipToken}'.`);
  const countText = option(req, '$count');
  if (countText !== undefined && countText !== 'true' && countText !== 'false')
    throw GraphErrors.invalidRequest(`Invalid value '${countText}' for $count: true or false.`);
  return { filter, select, top, skip, count: countText === 'true' };
}

function checkProperties(paths: string[][], sample: GraphObject, entityType: string): void {
  for (const [head = ''] of paths) {
    if (!(head in sample))
      throw GraphErrors.badRequest(
        `Could not find a property named '${head}' on type 'microsoft.graph.${entityType}'.`,
      );
  }
}

function project(item: GraphObject, select: string[] | undefined): GraphObject {
  if (!select) return item;
  return Object.fromEntries(select.map((name) => [name, item[name]]));
}

/** `https://{host}/{v1.0|beta}`: the base of @odata.context and @odata.nextLink, as the client addressed us. */
export function serviceRoot(req: ExpressRequest): string {
  const version = req.path.split('/')[1] ?? 'v1.0';
  return `https://${req.headers.host ?? 'localhost'}/${version}`;
}

/**
 * Answers a collection GET: filter, page, select. `template` is a view with every property of the
 * type (to validate the names in $filter/$select even when the collection is empty).
 */
export function collectionResponse(
  req: ExpressRequest,
  items: GraphObject[],
  options: { entityType: string; contextPath: string; template: GraphObject },
): GraphObject {
  const query = parseOptions(req, ['$filter', '$select', '$top', '$skiptoken', '$count']);
  if (query.filter)
    checkProperties(filterProperties(query.filter), options.template, options.entityType);
  if (query.select)
    checkProperties(
      query.select.map((name) => [name]),
      options.template,
      options.entityType,
    );
  const matching = query.filter
    ? items.filter((item) => matchesFilter(query.filter!, item))
    : items;
  const pageSize = query.top ?? DEFAULT_PAGE_SIZE;
  const page = matching.slice(query.skip, query.skip + pageSize);
  const root = serviceRoot(req);
  const next = query.skip + pageSize;
  let nextLink: string | undefined;
  if (next < matching.length) {
    const url = new URL(`${root}${req.path.slice(req.path.indexOf('/', 1))}`);
    for (const [name, value] of Object.entries(req.query as Record<string, string>))
      if (name !== '$skiptoken') url.searchParams.set(name, value);
    url.searchParams.set('$skiptoken', Buffer.from(String(next)).toString('base64url'));
    nextLink = url.toString();
  }
  return {
    '@odata.context': `${root}/$metadata#${options.contextPath}${query.select ? `(${query.select.join(',')})` : ''}`,
    ...(query.count ? { '@odata.count': matching.length } : {}),
    ...(nextLink ? { '@odata.nextLink': nextLink } : {}),
    value: page.map((item) => project(item, query.select)),
  };
}

/** Answers a single-entity GET ($select only). */
export function entityResponse(
  req: ExpressRequest,
  item: GraphObject,
  options: { entityType: string; contextPath: string },
): GraphObject {
  const query = parseOptions(req, ['$select']);
  if (query.select)
    checkProperties(
      query.select.map((name) => [name]),
      item,
      options.entityType,
    );
  return {
    '@odata.context': `${serviceRoot(req)}/$metadata#${options.contextPath}${query.select ? `(${query.select.join(',')})` : ''}/$entity`,
    ...project(item, query.select),
  };
}

/** The answer to a POST that created an entity: its Graph JSON under `@odata.context`. */
export function createdEntity(
  req: ExpressRequest,
  contextPath: string,
  item: GraphObject,
): GraphObject {
  return { '@odata.context': `${serviceRoot(req)}/$metadata#${contextPath}/$entity`, ...item };
}
