import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '@app/auth';
import type { ProtectedApiConfig } from './config/protected-api-config.js';
import { HealthController } from './health/health.controller.js';
import { ItemsController } from './items/items.controller.js';
import { ItemsService } from './items/items.service.js';
import { loggerParams } from './logging/logger-params.js';
import { WhoAmIController } from './whoami/whoami.controller.js';

// A Nest module is a decorated class; its content comes from protectedApiModule(config).
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class
export class ProtectedApiModule {}

export function protectedApiModule(config: ProtectedApiConfig): DynamicModule {
  return {
    module: ProtectedApiModule,
    imports: [LoggerModule.forRoot(loggerParams(config)), AuthModule.forRoot(config.auth)],
    controllers: [HealthController, WhoAmIController, ItemsController],
    providers: [ItemsService],
  };
}
