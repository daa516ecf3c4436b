// Test support, imported as '@app/auth/testing' (never by production code).
export * from './test-identity-provider.js';
