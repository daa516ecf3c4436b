// Builds the protected-api Nest application exactly as it runs in production; main.ts, the e2e
// specs and the benchmark all start it through here.
// On Fastify (@nestjs/platform-fastify), not Express: a plain NestJS request costs about a third
// less CPU there (bench/README.md), and the API answers many small requests.
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AUTH_SWAGGER_SCHEME } from '@app/auth';
import { securityHeaderValues } from '@app/http-hardening';
import { protectedApiModule } from './app.module.js';
import type { ProtectedApiConfig } from './config/protected-api-config.js';
import { createAppLogger, requestIdOf, requestLogHook } from './logging/logger-params.js';
import { MAX_BODY_BYTES, configureRequestBodies } from './http/request-bodies.js';

function setUpSwagger(app: NestFastifyApplication): void {
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
 * An `onRequest` hook: every answer gets them, 404s and refused bodies included.
 */
function setUpSecurityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaderValues();
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/**
 * Fastify's options. Routing as on Express (where the API started): paths match whatever their
 * case and with or without a trailing slash. No logger of Fastify's own: the app's pino logger
 * writes the request lines (requestLogHook). No ETag and no X-Powered-By: Fastify sends neither.
 */
function fastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestIdOf,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  });
}

export async function createProtectedApi(
  config: ProtectedApiConfig,
): Promise<NestFastifyApplication> {
  const logger = createAppLogger(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    protectedApiModule(config, logger),
    fastifyAdapter(),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that requests refused while reading their body are logged too.
  fastify.addHook('onRequest', requestLogHook(logger));
  setUpSecurityHeaders(fastify);
  configureRequestBodies(fastify);
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  setUpSwagger(app);
  return app;
}

/**
 * Listens on BIND_ADDRESS, or without it on every interface, as Node does by default: `::`
 * (IPv6 and, through it, IPv4), or `0.0.0.0` on a host without IPv6. Fastify's own default is
 * localhost only, which a container's published port cannot reach.
 */
export async function listen(
  app: NestFastifyApplication,
  config: ProtectedApiConfig,
): Promise<void> {
  if (config.bindAddress !== undefined) {
    await app.listen(config.port, config.bindAddress);
    return;
  }
  try {
    await app.listen(config.port, '::');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw error;
    await app.listen(config.port, '0.0.0.0');
  }
}
