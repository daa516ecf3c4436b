// Graph paths the emulator does not serve (users, groups, ...) answer as Graph does for an unknown
// segment, in Graph's error shape: registered last, after every other Graph route.
import { All, Controller, Req } from '@nestjs/common';
import type { Request as ExpressRequest } from 'express';
import { GraphAccess } from './graph-authorization.js';
import { GraphController } from './graph-controller.decorator.js';
import { GraphErrors } from './graph-error.js';

@GraphController()
@Controller(['v1.0', 'beta'])
export class GraphFallbackController {
  @All('*path')
  @GraphAccess('authenticated')
  unknown(@Req() req: ExpressRequest): never {
    const segments = req.path.split('/').filter(Boolean);
    throw GraphErrors.noSuchSegment(decodeSegment(segments[1] ?? segments[0] ?? ''));
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
