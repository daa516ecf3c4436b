// Entry point of `node dist/apps/mock-idp/main.js`: configuration from the environment
// (apps/mock-idp/README.md), clean shutdown on SIGTERM/SIGINT, a one-line reason on bad config.
import { loadMockIdpConfig } from './config/mock-idp-config.js';
import { startMockIdp } from './start-mock-idp.js';

try {
  const running = await startMockIdp(loadMockIdpConfig());
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  console.error(`mock-idp: cannot start: ${(error as Error).message}`);
  process.exit(1);
}
