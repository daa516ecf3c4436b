export * from './environment-reader.js';
