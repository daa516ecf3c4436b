/**
 * Whether tokens can be validated yet (metadata and signing keys loaded): for a readiness probe.
 * Inject it by this class; the module provides it.
 */
export abstract class AuthReadiness {
  abstract readonly ready: boolean;
  /** Resolves once ready (loading retries in the background until then). */
  abstract whenReady(): Promise<void>;
}
