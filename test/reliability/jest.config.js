// `npm run test:reliability`: malformed input against every endpoint of the three services, slow
// clients, two 10,000-request load rounds and fault phases against a running chain. Minutes long,
// so it is not part of `npm test`; .ci/run runs it after `npm test`.
import { fileURLToPath } from 'node:url';
import root from '../../jest.config.js';

const e2e = root.projects.find((project) => project.displayName === 'e2e');
const rootDir = fileURLToPath(new URL('../..', import.meta.url));

export default {
  rootDir,
  testTimeout: 300_000,
  projects: [
    {
      ...e2e,
      rootDir,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
    },
  ],
};
