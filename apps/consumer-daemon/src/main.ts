import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { boundSlowClients } from '@app/http-hardening';
import { consumerDaemonModule } from './app.module.js';
import { DaemonConfigError, parseDaemonConfig, type DaemonConfig } from './config/daemon-config.js';
import { applySecurityHeaders } from './http/security-headers.js';

let config: DaemonConfig;
try {
  config = parseDaemonConfig(process.env);
} catch (error) {
  if (!(error instanceof DaemonConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const app = await NestFactory.create(consumerDaemonModule(config), { bufferLogs: true });
app.useLogger(app.get(Logger));
applySecurityHeaders(app);
// process.exit(0) after the hooks ran, rather than re-raising the signal: the orchestrator sees a clean exit.
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
boundSlowClients(app.getHttpServer());
// Without BIND_ADDRESS, Node's default: every interface (IPv6 and IPv4 where available).
await (config.bindAddress === undefined
  ? app.listen(config.port)
  : app.listen(config.port, config.bindAddress));
