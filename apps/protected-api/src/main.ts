import { boundSlowClients } from '@app/http-hardening';
import { createProtectedApi, listen } from './create-app.js';
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
await listen(app, config);
