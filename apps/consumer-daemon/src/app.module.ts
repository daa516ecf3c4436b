import { Module, type DynamicModule } from '@nestjs/common';
import { maskJwts } from '@app/logging';
import { LoggerModule } from 'nestjs-pino';
import { ProtectedApiClient } from './api/protected-api.client.js';
import { CallScheduler } from './calls/call-scheduler.service.js';
import { DAEMON_CONFIG, type DaemonConfig } from './config/daemon-config.js';
import { HealthController } from './health/health.controller.js';
import { DaemonStatusService } from './status/daemon-status.service.js';
import { createTokenProvider } from './token/create-token-provider.js';
import { TokenProvider } from './token/token-provider.js';

// A Nest module is a decorated class; its content comes from consumerDaemonModule(config).
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class
export class ConsumerDaemonModule {}

export function consumerDaemonModule(config: DaemonConfig): DynamicModule {
  return {
    module: ConsumerDaemonModule,
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          level: config.logLevel,
          // Every serialized line: no JWT-shaped text (a token in an error message) reaches the log.
          hooks: { streamWrite: maskJwts },
          // The health routes are polled; the API calls get their own log line.
          autoLogging: false,
          redact: ['req.headers.authorization'],
        },
      }),
    ],
    controllers: [HealthController],
    providers: [
      { provide: DAEMON_CONFIG, useValue: config },
      { provide: TokenProvider, useFactory: () => createTokenProvider(config) },
      DaemonStatusService,
      ProtectedApiClient,
      CallScheduler,
    ],
  };
}
