// Bounds on how long a client may take to send a request, so that slow (slowloris-style) clients
// holding connections open cannot starve the others. Node answers 408 and closes the connection.
import type { Server } from 'node:http';

export const SLOW_CLIENT_LIMITS = {
  /** Time to send the request line and headers. */
  headersTimeoutMs: 10_000,
  /** Time to send the whole request, body included. */
  requestTimeoutMs: 30_000,
  /** How often Node checks the two above (its default, 30 s, would let a client overstay by that). */
  checkingIntervalMs: 1_000,
} as const;

/** Call before `listen` (Node starts its connection checks when the server starts listening). */
export function boundSlowClients(server: Server): void {
  server.headersTimeout = SLOW_CLIENT_LIMITS.headersTimeoutMs;
  server.requestTimeout = SLOW_CLIENT_LIMITS.requestTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    SLOW_CLIENT_LIMITS.checkingIntervalMs;
}
