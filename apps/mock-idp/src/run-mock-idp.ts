// Starts the emulator: one Nest app served by two listeners (Nest's "multiple simultaneous
// servers" recipe): plain http for the managed-identity endpoints, https for the authority.
// The CA certificate is written before either listener opens, so /healthz = 200 implies it exists.
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { boundSlowClients } from '@app/http-hardening';
import type { AddressInfo } from 'node:net';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { MockIdpConfig } from './config/mock-idp-config.js';
import { PublicEndpoints } from './config/public-endpoints.js';
import { loadDirectory } from './directory/directory-loader.js';
import type { DirectoryDocument } from './directory/directory.types.js';
import { SigningKeyStore } from './keys/signing-key-store.js';
import { applySecurityHeaders } from './http/security-headers.js';
import { MockIdpModule } from './mock-idp.module.js';
import { loadOrCreateServerTlsMaterial } from './tls/server-certificate-authority.js';

export interface RunningMockIdp {
  httpPort: number;
  httpsPort: number;
  /** `https://{MOCK_IDP_PUBLIC_HOST}:{httpsPort}`: the authorityHost for the SDK. */
  authority: string;
  caCertPath: string;
  caCertificatePem: string;
  /** The directory as loaded at start (Graph changes are not reflected). */
  directory: DirectoryDocument;
  close(): Promise<void>;
}

function listen(server: Server, port: number, address: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function runMockIdp(config: MockIdpConfig): Promise<RunningMockIdp> {
  const directory = await loadDirectory(config.directoryPath);
  const tls = await loadOrCreateServerTlsMaterial(config);

  const expressApp = express();
  // No ETag on any answer: token responses must not be cacheable (no-store), and nothing here
  // benefits from conditional requests.
  expressApp.set('etag', false);
  applySecurityHeaders(expressApp);
  const app = await NestFactory.create(
    MockIdpModule.forRoot(config, directory.document),
    new ExpressAdapter(expressApp),
    {
      bodyParser: false,
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  const signingKeys = await app.get(SigningKeyStore).initialize();
  await app.init();

  const httpServer = createHttpServer(expressApp);
  const httpsServer = createHttpsServer(
    { key: tls.privateKeyPem, cert: tls.certificatePem },
    expressApp,
  );
  const servers: Server[] = [httpServer, httpsServer];
  servers.forEach(boundSlowClients);
  try {
    const httpPort = await listen(httpServer, config.httpPort, config.bindAddress);
    const httpsPort = await listen(httpsServer, config.httpsPort, config.bindAddress);
    const endpoints = app.get(PublicEndpoints);
    endpoints.setListeningPorts(httpPort, httpsPort);

    const logger = await app.resolve(PinoLogger);
    logger.setContext('MockIdp');
    logger.info(
      {
        event: 'listening',
        httpPort,
        httpsPort,
        authority: endpoints.authority,
        managedIdentityEndpoint: `${endpoints.managedIdentityBase}/msi/token`,
        imdsBase: endpoints.managedIdentityBase,
        caCertPath: config.caCertPath,
        subjectAltNames: tls.subjectAltNames,
        dataDir: config.dataDir,
        tlsMaterial: tls.origin,
        signingKeys,
        directory: directory.source,
        adminEnabled: config.adminEnabled,
      },
      `mock-idp listening: managed identity ${endpoints.managedIdentityBase}/msi/token, authority ${endpoints.authority}; CA certificate written to ${config.caCertPath} (use it as NODE_EXTRA_CA_CERTS)`,
    );
    return {
      httpPort,
      httpsPort,
      authority: endpoints.authority,
      caCertPath: config.caCertPath,
      caCertificatePem: tls.caCertificatePem,
      directory: directory.document,
      close: async () => {
        await Promise.all(servers.map(closeServer));
        await app.close();
      },
    };
  } catch (error) {
    await Promise.all(servers.filter((server) => server.listening).map(closeServer));
    await app.close();
    throw error;
  }
}
