// `npm run test:azcli`: the reference documents' Azure CLI commands against the emulator. Slow
// (Python start-up per command) and needs Debian's azure-cli, so it is not part of `npm test`;
// .ci/run installs azure-cli and runs it after `npm test`.
import { fileURLToPath } from 'node:url';
import root from '../../jest.config.js';

const e2e = root.projects.find((project) => project.displayName === 'e2e');

export default {
  rootDir: fileURLToPath(new URL('../..', import.meta.url)),
  testTimeout: 180_000,
  projects: [
    {
      ...e2e,
      rootDir: fileURLToPath(new URL('../..', import.meta.url)),
      displayName: 'azcli',
      testMatch: ['<rootDir>/test/azcli/**/*.azcli-spec.ts'],
    },
  ],
};
