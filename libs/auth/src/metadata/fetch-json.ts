/** GET a JSON document; throws an Error saying what went wrong (status, timeout, not JSON). */
export type FetchJson = (url: string, timeoutMs: number) => Promise<unknown>;

const MAX_DOCUMENT_BYTES = 1024 * 1024;

export const fetchJson: FetchJson = async (url, timeoutMs) => {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    // Metadata and keys come from where they are configured to come from, not where a redirect points.
    redirect: 'error',
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`GET ${url} answered HTTP ${response.status}`);
  }
  const body = await response.text();
  if (body.length > MAX_DOCUMENT_BYTES)
    throw new Error(`GET ${url} returned more than ${MAX_DOCUMENT_BYTES} bytes`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`GET ${url} did not return JSON`);
  }
};
