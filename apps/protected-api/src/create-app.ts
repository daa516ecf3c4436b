// Builds the protected-api Nest application exactly as it runs in production; main.ts, the e2e
// specs and the benchmark all start it through here.
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AUTH_SWAGGER_SCHEME } from '@app/auth';
import { securityHeaders } from '@app/http-hardening';
import { protectedApiModule } from './app.module.js';
import type { ProtectedApiConfig } from './config/protected-api-config.js';
import { createAppLogger, requestLogMiddleware } from './logging/logger-params.js';
import { configureRequestBodies } from './http/request-bodies.js';

function setUpSwagger(app: INestApplication): void {
  const document = new DocumentBuilder()
    .setTitle('protected-api')
    .setDescription(
      'Resource server accepting Microsoft Entra ID access tokens (app roles: consumer, writer)',
    )
    .setVersion('1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Entra ID access token' },
      AUTH_SWAGGER_SCHEME,
    )
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document));
}

/**
 * Swagger UI at /docs fits helmet's default policy (its scripts are files of this origin, its inline
 * <style> is allowed by style-src 'unsafe-inline', its icons are data: images); it cannot be framed.
 */
function setUpSecurityHeaders(app: INestApplication): void {
  app.use(securityHeaders());
}

/**
 * No ETag: the API's answers are per caller and its clients (daemons) never revalidate them. For an
 * ETag Express hashes every body (SHA-1) and then writes headers and body as two chunks; the two
 * cost about a third of a plain NestJS request (bench/README.md). No X-Powered-By from Express
 * (helmet would only remove it again).
 */
function setUpResponses(app: INestApplication): void {
  const expressApp = app as NestExpressApplication;
  expressApp.set('etag', false);
  expressApp.disable('x-powered-by');
}

export async function createProtectedApi(config: ProtectedApiConfig): Promise<INestApplication> {
  const logger = createAppLogger(config);
  const app = await NestFactory.create(protectedApiModule(config, logger), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // First, so that requests refused while reading their body are logged too.
  app.use(requestLogMiddleware(logger));
  setUpSecurityHeaders(app);
  setUpResponses(app);
  configureRequestBodies(app);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  setUpSwagger(app);
  return app;
}
