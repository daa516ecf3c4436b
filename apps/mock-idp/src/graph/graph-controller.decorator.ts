// What every Graph controller carries: the journal/fault category `graph`, Graph's authorization
// (bearer token for Microsoft Graph with the permission the handler's @GraphAccess names) and
// Graph's error shape.
import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { GraphEndpoint } from '../http/endpoint.js';
import { GraphAuthorization } from './graph-authorization.js';
import { GraphExceptionFilter } from './graph-exception.filter.js';

export const GraphController = () =>
  applyDecorators(
    GraphEndpoint,
    UseInterceptors(GraphAuthorization),
    UseFilters(GraphExceptionFilter),
  );
