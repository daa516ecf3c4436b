// GETs the metadata and key documents over node:https (node:http for a local emulator's http
// authority). Not the global fetch(): its first call loads undici, whose HTTP parser is compiled
// WebAssembly: +26 MB of resident memory and ~65 ms of CPU in every API process, against +4 MB and
// ~25 ms for node:https (bench/README.md), for two or three documents every twelve hours.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

/** GET a JSON document; throws an Error saying what went wrong (status, timeout, not JSON). */
export type FetchJson = (url: string, timeoutMs: number) => Promise<unknown>;

const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** The body as text, refusing (without reading on) one that declares or streams more than the cap. */
function readCapped(response: IncomingMessage, url: string): Promise<string> {
  const tooLarge = () => new Error(`GET ${url} returned more than ${MAX_DOCUMENT_BYTES} bytes`);
  return new Promise((resolve, reject) => {
    if (Number(response.headers['content-length'] ?? 0) > MAX_DOCUMENT_BYTES) {
      reject(tooLarge());
      response.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > MAX_DOCUMENT_BYTES) {
        // Settled first: destroying the response (which closes the connection, so the download
        // stops here) reports the early close too.
        reject(tooLarge());
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
    response.once('aborted', () => reject(new Error(`GET ${url}: the connection closed early`)));
  });
}

/** The response to a GET of `url`, once its headers are in; no redirect is followed. */
function request(url: string, signal: AbortSignal): Promise<IncomingMessage> {
  const get = new URL(url).protocol === 'http:' ? httpGet : httpsGet;
  return new Promise((resolve, reject) => {
    get(url, { signal, headers: { accept: 'application/json' } }, resolve).once('error', reject);
  });
}

export const fetchJson: FetchJson = async (url, timeoutMs) => {
  // One deadline for the whole exchange, body included: it aborts the request wherever it is.
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // Metadata and keys come from where they are configured to come from, not where a redirect
    // points: a 3xx is a failure like any other status.
    const response = await request(url, signal);
    if (response.statusCode !== 200) {
      response.destroy();
      throw new Error(`GET ${url} answered HTTP ${response.statusCode}`);
    }
    const body = await readCapped(response, url);
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new Error(`GET ${url} did not return JSON`);
    }
  } catch (error) {
    if (signal.aborted) throw new Error(`GET ${url} took longer than ${timeoutMs} ms`);
    throw error;
  }
};
