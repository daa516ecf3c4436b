// Test support, imported as '@app/auth/testing' (never by production code).
export * from './testing/test-identity-provider.js';
