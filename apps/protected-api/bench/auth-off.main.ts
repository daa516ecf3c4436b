// Benchmark baseline only (bench/api.bench.ts bundles this file into dist/bench; it is not part
// of the production build, whose entry is src/main.ts): the same application, the same handlers
// and logging, with the global guard not registered. No environment variable can do this to the
// production bundle.
import { boundSlowClients } from '@app/http-hardening';
import { createProtectedApi, listen } from '../src/create-app.js';
import { parseProtectedApiConfig } from '../src/config/protected-api-config.js';

const config = parseProtectedApiConfig(process.env);
const app = await createProtectedApi({ ...config, auth: { ...config.auth, globalGuard: false } });
app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
boundSlowClients(app.getHttpServer());
await listen(app, config);
