/** GET a JSON document; throws an Error saying what went wrong (status, timeout, not JSON). */
export type FetchJson = (url: string, timeoutMs: number) => Promise<unknown>;

const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** The body as text, refusing (without reading on) one that declares or streams more than the cap. */
async function readCapped(response: Response, url: string): Promise<string> {
  const tooLarge = () => new Error(`GET ${url} returned more than ${MAX_DOCUMENT_BYTES} bytes`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    received += chunk.byteLength;
    // Leaving the loop early cancels the stream (and so the download).
    if (received > MAX_DOCUMENT_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

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
  const body = await readCapped(response, url);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`GET ${url} did not return JSON`);
  }
};
