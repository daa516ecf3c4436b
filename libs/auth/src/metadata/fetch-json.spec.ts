import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJson } from './fetch-json.js';

const CAP = 1024 * 1024;
const TIMEOUT_MS = 5000;

describe('fetchJson', () => {
  let server: Server;
  let base: string;
  /** Bytes each endless response wrote before its client went away. */
  const written: Record<string, number> = {};

  // Writes 64 KiB chunks until the client stops reading (or the test ends).
  const stream = (response: ServerResponse, path: string) => {
    written[path] = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = () => {
      while (!response.destroyed && written[path] < 64 * CAP) {
        written[path] += chunk.length;
        if (!response.write(chunk)) return response.once('drain', write);
      }
    };
    write();
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url!;
      if (path === '/small') {
        response.setHeader('content-type', 'application/json');
        return response.end('{"keys":[]}');
      }
      if (path === '/declared-too-large') {
        // Says 2 MB up front, then sends almost nothing and never finishes.
        response.writeHead(200, { 'content-length': String(2 * CAP) });
        return response.write('{"keys":');
      }
      if (path === '/chunked-endless') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"pad":"');
        return stream(response, path);
      }
      if (path === '/redirect') return response.writeHead(302, { location: '/small' }).end();
      if (path === '/not-json') return response.end('<html>sign in</html>');
      if (path === '/silent') return; // never answers
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('parses a small JSON document', async () => {
    await expect(fetchJson(`${base}/small`, TIMEOUT_MS)).resolves.toEqual({ keys: [] });
  });

  it('refuses a body whose content-length is over 1 MB without waiting for it', async () => {
    const started = performance.now();
    await expect(fetchJson(`${base}/declared-too-large`, TIMEOUT_MS)).rejects.toThrow(
      `returned more than ${CAP} bytes`,
    );
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS / 2);
  });

  it('stops reading a streamed body (no content-length) once it passes 1 MB', async () => {
    await expect(fetchJson(`${base}/chunked-endless`, TIMEOUT_MS)).rejects.toThrow(
      `returned more than ${CAP} bytes`,
    );
    // The server got ahead of the client by at most a few socket buffers, not the whole 64 MB.
    expect(written['/chunked-endless']).toBeLessThan(16 * CAP);
  });

  it('follows no redirect: a 3xx is a failure naming its status', async () => {
    await expect(fetchJson(`${base}/redirect`, TIMEOUT_MS)).rejects.toThrow('answered HTTP 302');
  });

  it('says when the document is not JSON', async () => {
    await expect(fetchJson(`${base}/not-json`, TIMEOUT_MS)).rejects.toThrow('did not return JSON');
  });

  it('gives up after the timeout when the server never answers', async () => {
    const started = performance.now();
    await expect(fetchJson(`${base}/silent`, 300)).rejects.toThrow('took longer than 300 ms');
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS / 2);
  });

  it('says why a connection failed', async () => {
    await expect(fetchJson('http://127.0.0.1:1/', TIMEOUT_MS)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says which status a failed request answered', async () => {
    await expect(fetchJson(`${base}/missing`, TIMEOUT_MS)).rejects.toThrow('answered HTTP 404');
  });
});
