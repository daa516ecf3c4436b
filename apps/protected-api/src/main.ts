import { boundSlowClients } from '@app/http-hardening';
import { createProtectedApi } from './create-app.js';
import {
  ProtectedApiConfigError,
  parseProtectedApiConfig,
  type ProtectedApiConfig,
} from './config/protected-api-config.js';

let config: ProtectedApiConfig;
try {
  config = parseProtectedApiConfig(process.env);
} catch (error) {
  if (!(error instanceof ProtectedApiConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const app = await createProtectedApi(config);
// process.exit(0) after the hooks ran: the orchestrator sees a clean exit.
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
boundSlowClients(app.getHttpServer());
// Without BIND_ADDRESS, Node's default: every interface (IPv6 and IPv4 where available).
await (config.bindAddress === undefined
  ? app.listen(config.port)
  : app.listen(config.port, config.bindAddress));
