import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { AuthReadiness, Public } from '@app/auth';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly authority: AuthReadiness) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: 'The process is serving requests' })
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOkResponse({ description: 'Metadata and signing keys are loaded: tokens can be validated' })
  @ApiServiceUnavailableResponse({ description: 'Metadata or signing keys not loaded yet' })
  readiness(@Res({ passthrough: true }) response: { status(code: number): unknown }): {
    status: 'ready' | 'not ready';
    reason?: string;
  } {
    if (this.authority.ready) return { status: 'ready' };
    response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'not ready', reason: 'OpenID metadata and signing keys are not loaded yet' };
  }
}
