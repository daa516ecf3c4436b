import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AUTH_FETCH_JSON, AUTH_OPTIONS } from './auth.constants.js';
import { AuthReadiness } from './authority/auth-readiness.js';
import { EntraAuthority } from './authority/entra-authority.js';
import { resolveAuthOptions, type AuthModuleOptions } from './config/auth-options.js';
import { TokenValidationErrorFilter } from './filters/token-validation-error.filter.js';
import { EntraAuthGuard } from './guards/entra-auth.guard.js';
import { fetchJson } from './metadata/fetch-json.js';
import { EntraBearerStrategy } from './passport/entra-bearer.strategy.js';
import { AccessTokenValidator } from './validation/access-token-validator.js';

export interface AuthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // oxlint-disable-next-line typescript/no-explicit-any -- the injected values' types are the caller's
  useFactory: (...args: any[]) => AuthModuleOptions | Promise<AuthModuleOptions>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /** Register EntraAuthGuard globally (fail closed). Default true. */
  globalGuard?: boolean;
}

const RAW_OPTIONS = Symbol('AUTH_RAW_OPTIONS');

function providers(globalGuard: boolean): Provider[] {
  return [
    { provide: AUTH_OPTIONS, useFactory: resolveAuthOptions, inject: [RAW_OPTIONS] },
    { provide: AUTH_FETCH_JSON, useValue: fetchJson },
    EntraAuthority,
    { provide: AuthReadiness, useExisting: EntraAuthority },
    AccessTokenValidator,
    EntraBearerStrategy,
    EntraAuthGuard,
    { provide: APP_FILTER, useClass: TokenValidationErrorFilter },
    ...(globalGuard ? [{ provide: APP_GUARD, useExisting: EntraAuthGuard }] : []),
  ];
}

const EXPORTS = [AUTH_OPTIONS, AuthReadiness, AccessTokenValidator, EntraAuthGuard];

@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule],
      providers: [
        { provide: RAW_OPTIONS, useValue: options },
        ...providers(options.globalGuard ?? true),
      ],
      exports: EXPORTS,
    };
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule, ...(options.imports ?? [])],
      providers: [
        { provide: RAW_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...providers(options.globalGuard ?? true),
      ],
      exports: EXPORTS,
    };
  }
}
