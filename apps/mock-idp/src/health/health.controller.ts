import { Controller, Get } from '@nestjs/common';

@Controller()
export class HealthController {
  /** Served once both listeners are up and the CA certificate has been written. */
  @Get('healthz')
  health() {
    return { status: 'ok' };
  }
}
