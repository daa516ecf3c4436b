import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import type { Response as ExpressResponse } from 'express';
import { DaemonStatusService, type DaemonStatus } from '../status/daemon-status.service.js';

/** Liveness, readiness (a usable token exists) and counters, for container platforms and tests. */
@Controller()
export class HealthController {
  constructor(private readonly status: DaemonStatusService) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  readyz(@Res({ passthrough: true }) response: ExpressResponse): { ready: boolean } {
    const ready = this.status.isReady();
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { ready };
  }

  @Get('status')
  snapshot(): DaemonStatus {
    return this.status.snapshot();
  }
}
