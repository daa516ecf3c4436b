// Masks JWT-shaped text in a serialized log line, whatever field, level or encoding put it there
// (a token pasted into a URL path, a bare query key, a `;t=` matrix parameter, an error message).
// Used as pino's `hooks.streamWrite`, so every line of a logger passes through this one place.

/**
 * A compact JWS/JWE: a base64url JSON header (`{"` encodes as `eyJ`) followed by one to four more
 * base64url segments. The dots may arrive percent-encoded (`%2E`) in a raw request URL.
 */
const JWT_SHAPE = /eyJ[\w-]*(?:(?:\.|%2[Ee])[\w-]*){1,4}/g;

export const MASKED_JWT = '[JWT]';

/** `line` with every JWT-shaped run replaced; lines without `eyJ` are returned untouched (no regex). */
export function maskJwts(line: string): string {
  return line.includes('eyJ') ? line.replace(JWT_SHAPE, MASKED_JWT) : line;
}
