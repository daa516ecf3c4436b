// Log hygiene shared by the three services (no dependencies: the emulator is packaged on its own).
export * from './mask-jwts.js';
