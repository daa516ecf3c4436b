import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AuthModule } from '@app/auth';
import type { ProtectedApiConfig } from './config/protected-api-config.js';
import { HealthController } from './health/health.controller.js';
import { ItemsController } from './items/items.controller.js';
import { ItemsService } from './items/items.service.js';
import { createAppLogger, loggerParams } from './logging/logger-params.js';
import { WhoAmIController } from './whoami/whoami.controller.js';

// A Nest module is a decorated class; its content comes from protectedApiModule(config).
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class
export class ProtectedApiModule {}

export function protectedApiModule(
  config: ProtectedApiConfig,
  logger: Logger = createAppLogger(config),
): DynamicModule {
  return {
    module: ProtectedApiModule,
    imports: [LoggerModule.forRoot(loggerParams(logger)), AuthModule.forRoot(config.auth)],
    controllers: [HealthController, WhoAmIController, ItemsController],
    providers: [ItemsService],
  };
}
