import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { maskJwts } from '@app/logging';
import { LoggerModule } from 'nestjs-pino';
import { AdminController } from './admin/admin.controller.js';
import { ConsoleController } from './admin/console/console.controller.js';
import { TokenInspector } from './admin/token-inspector.js';
import { FaultInjector } from './admin/fault-injector.js';
import { Journal } from './admin/journal.js';
import { ClientAssertionVerifier } from './authority/client-assertion-verifier.js';
import { ClientAuthenticator } from './authority/client-authenticator.js';
import { OpenIdMetadataController } from './authority/openid-metadata.controller.js';
import { TokenController } from './authority/token.controller.js';
import { DIRECTORY_DOCUMENT, MOCK_IDP_CONFIG } from './config/config.tokens.js';
import type { MockIdpConfig } from './config/mock-idp-config.js';
import { PublicEndpoints } from './config/public-endpoints.js';
import { DirectoryStateFile } from './directory/directory-state-file.js';
import type { DirectoryDocument } from './directory/directory.types.js';
import { IdentityDirectory } from './directory/identity-directory.js';
import { EntraExceptionFilter } from './http/entra-exception.filter.js';
import { EndpointInterceptor } from './http/endpoint.interceptor.js';
import { TokenIssuanceLog } from './admin/token-issuance-log.js';
import { GRAPH_CONTROLLERS, GRAPH_PROVIDERS } from './graph/graph-routes.js';
import { HealthController } from './health/health.controller.js';
import { SigningKeyStore } from './keys/signing-key-store.js';
import { ManagedIdentityController } from './managed-identity/managed-identity.controller.js';
import { AccessTokenGrant } from './tokens/access-token-grant.js';
import { TokenFactory } from './tokens/token-factory.js';

@Module({})
export class MockIdpModule {
  static forRoot(config: MockIdpConfig, directory: DirectoryDocument): DynamicModule {
    return {
      module: MockIdpModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Every serialized line: the emulator handles tokens all day; none may reach its log.
            hooks: { streamWrite: maskJwts },
            autoLogging: {
              ignore: (req: IncomingMessage) => req.url?.startsWith('/healthz') ?? false,
            },
            redact: [
              'req.headers.authorization',
              'req.headers["x-identity-header"]',
              'req.headers.cookie',
            ],
          },
        }),
      ],
      controllers: [
        HealthController,
        ManagedIdentityController,
        OpenIdMetadataController,
        TokenController,
        ...(config.adminEnabled ? [AdminController, ConsoleController] : []),
        ...GRAPH_CONTROLLERS,
      ],
      providers: [
        { provide: MOCK_IDP_CONFIG, useValue: config },
        { provide: DIRECTORY_DOCUMENT, useValue: directory },
        ...(config.stateFilePath
          ? [
              {
                provide: DirectoryStateFile,
                useValue: DirectoryStateFile.open(config.stateFilePath),
              },
            ]
          : []),
        { provide: APP_FILTER, useClass: EntraExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: EndpointInterceptor },
        TokenIssuanceLog,
        TokenInspector,
        PublicEndpoints,
        IdentityDirectory,
        SigningKeyStore,
        TokenFactory,
        AccessTokenGrant,
        ClientAssertionVerifier,
        ClientAuthenticator,
        Journal,
        FaultInjector,
        ...GRAPH_PROVIDERS,
      ],
    };
  }
}
