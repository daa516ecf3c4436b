// HTTP hardening shared by the three services: security headers and bounds on slow clients.
export * from './security-headers.js';
export * from './slow-clients.js';
