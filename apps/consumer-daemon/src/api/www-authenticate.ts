// Reads the parameters of a Bearer challenge (RFC 6750 section 3) so that a refused call can be
// explained in the log: `Bearer error="insufficient_scope", error_description="..."`.

export type BearerChallenge = Partial<Record<string, string>>;

const AUTH_PARAM = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

/** The auth-params of the Bearer challenge in a WWW-Authenticate value; undefined when there is none. */
export function parseBearerChallenge(
  header: string | undefined | null,
): BearerChallenge | undefined {
  if (!header) return undefined;
  const start = header.search(/(^|[\s,])Bearer(\s|$)/i);
  if (start < 0) return undefined;
  const params = header.slice(start).replace(/^[\s,]*Bearer/i, '');
  const challenge: BearerChallenge = {};
  for (const match of params.matchAll(AUTH_PARAM)) {
    const key = match[1].toLowerCase();
    // A token68 or a new scheme after the params ends this challenge.
    if (key in challenge) break;
    challenge[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return challenge;
}
