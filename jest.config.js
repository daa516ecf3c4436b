// One jest setup for the repo: unit specs live beside the code, cross-service e2e in test/.
// ESM throughout: jest runs under `node --experimental-vm-modules` (see scripts/run-tests.ts).
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@app/auth$': '<rootDir>/libs/auth/src/index.ts',
    '^@app/auth/testing$': '<rootDir>/libs/auth/src/testing.ts',
    '^@app/logging$': '<rootDir>/libs/logging/src/index.ts',
    '^@app/http-hardening$': '<rootDir>/libs/http-hardening/src/index.ts',
    '^@app/env$': '<rootDir>/libs/env/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};

export default {
  // Process-level suites start real services; jest reads the timeout only at this level.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
        '<rootDir>/infra/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
