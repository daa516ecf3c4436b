// The malformed-input battery: for one endpoint, the bodies, content types, encodings, headers and
// methods a careless or hostile client sends; and per service, paths with traversal, odd encodings
// and unicode in tenant ids. Sent over raw sockets where Node's client would refuse to (raw UTF-8
// in the path, oversized headers).
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface Probe {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Refused by Node's HTTP parser itself (431, 400): no body to read a message from. */
  parserLevel?: boolean;
  /** Sent byte for byte over a socket. */
  raw?: boolean;
}

export interface ProbeAnswer {
  status: number;
  body: string;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
}

const DEEP_JSON = `${'['.repeat(3000)}${']'.repeat(3000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
const HUGE_JSON = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
const DEEP_FORM = `a${'[b]'.repeat(200)}=1`;
const WIDE_FORM = Array.from({ length: 5000 }, (_, i) => `p${i}=${i}`).join('&');
const GARBAGE = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));

/** What every endpoint gets, whatever its method. */
export function bodyProbes(endpoint: Endpoint): Probe[] {
  const { method, path } = endpoint;
  const json = { 'content-type': 'application/json' };
  return [
    { name: 'JSON nested 3,000 arrays deep', method, path, headers: json, body: DEEP_JSON },
    { name: 'JSON nested 3,000 objects deep', method, path, headers: json, body: DEEP_OBJECT },
    { name: '2 MB JSON body', method, path, headers: json, body: HUGE_JSON },
    { name: 'binary garbage as JSON', method, path, headers: json, body: GARBAGE },
    { name: 'truncated JSON', method, path, headers: json, body: '{"name": "x", "quantity": ' },
    { name: 'JSON null', method, path, headers: json, body: 'null' },
    {
      name: 'XML body',
      method,
      path,
      headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    },
    {
      name: 'form nested 200 deep',
      method,
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: DEEP_FORM,
    },
    {
      name: 'form with 5,000 parameters',
      method,
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: WIDE_FORM,
    },
    {
      name: 'gzip that is not gzip',
      method,
      path,
      headers: { ...json, 'content-encoding': 'gzip' },
      body: GARBAGE,
    },
    {
      name: 'gzip bomb (1 MB of zeros inflating)',
      method,
      path,
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(8 * 1024 * 1024)),
    },
    {
      name: 'unknown content encoding',
      method,
      path,
      headers: { ...json, 'content-encoding': 'x-unknown' },
      body: '{}',
    },
    {
      name: 'UTF-16 charset',
      method,
      path,
      headers: { 'content-type': 'application/json; charset=utf-16' },
      body: Buffer.from('{"a":1}', 'utf16le'),
    },
    {
      name: 'multipart body',
      method,
      path,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    },
    { name: 'garbage query', method, path: `${path}?%%%&a=%ZZ&&=&b[c][d]=1&${'q=1&'.repeat(500)}` },
    {
      name: 'garbage bearer token',
      method,
      path,
      headers: { authorization: `Bearer ${'x'.repeat(12_000)}` },
    },
    {
      name: 'JWT-looking garbage bearer token',
      method,
      path,
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ4Ijp7fX0.' },
    },
    {
      name: 'two Authorization headers',
      method,
      path,
      headers: { authorization: 'Bearer a, Bearer b' },
    },
    ...['PUT', 'PATCH', 'DELETE'].map((other) => ({
      name: `unsupported method ${other}`,
      method: other,
      path,
      headers: json,
      body: '{}',
    })),
    {
      name: 'oversized header (64 KB)',
      method,
      path,
      headers: { 'x-filler': 'y'.repeat(64 * 1024) },
      parserLevel: true,
      raw: true,
    },
  ];
}

/** Per service: paths that walk out of the tree, do not decode, or put unicode in a tenant id. */
export function pathProbes(tenantPaths: boolean): Probe[] {
  // Raw bytes outside the URL grammar are refused by Node's parser (400, no body).
  const probe = (name: string, path: string, raw = false): Probe => ({
    name,
    method: 'GET',
    path,
    raw,
    parserLevel: raw,
  });
  const probes = [
    probe('path traversal', '/../../../../etc/passwd', true),
    probe('encoded path traversal', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd'),
    probe('double-encoded traversal', '/%252e%252e/%252e%252e/etc/passwd'),
    probe('backslash traversal', '/..%5c..%5c..%5cwindows%5cwin.ini'),
    probe('undecodable percent-encoding', '/%E0%A4%A/%ZZ'),
    probe('NUL byte', '/healthz%00.json'),
    probe('raw UTF-8 path', '/ténant/😀', true),
    probe('very long path', `/${'a'.repeat(8000)}`),
  ];
  if (tenantPaths) {
    for (const tenant of [
      '..%2F..%2Fetc',
      '%2E%2E',
      't%C3%A9nant',
      '%F0%9F%98%80',
      '%00',
      "'%20OR%201=1--",
      'a'.repeat(300),
      '%ED%A0%80', // a lone surrogate: not valid UTF-8
    ]) {
      probes.push(
        probe(
          `tenant ${tenant.slice(0, 20)} (metadata)`,
          `/${tenant}/v2.0/.well-known/openid-configuration`,
        ),
        probe(`tenant ${tenant.slice(0, 20)} (keys)`, `/${tenant}/discovery/v2.0/keys`),
        {
          name: `tenant ${tenant.slice(0, 20)} (token)`,
          method: 'POST',
          path: `/${tenant}/oauth2/v2.0/token`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=x&client_secret=y&scope=z',
        },
      );
    }
  }
  return probes;
}

export async function sendProbe(port: number, probe: Probe): Promise<ProbeAnswer> {
  const headers: Record<string, string> = {
    'x-request-id': 'test-malformed',
    ...probe.headers,
  };
  if (probe.body !== undefined) headers['content-length'] = String(Buffer.byteLength(probe.body));
  return probe.raw ? sendRaw(port, probe, headers) : sendWithClient(port, probe, headers);
}

function sendWithClient(
  port: number,
  probe: Probe,
  headers: Record<string, string>,
): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, method: probe.method, path: probe.path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(20_000, () => request.destroy(new Error('no answer in 20 s')));
    // A server may answer (413, 415) and close before it read the whole body.
    request.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    request.end(probe.body);
  });
}

function sendRaw(
  port: number,
  probe: Probe,
  headers: Record<string, string>,
): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer in 20 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    const head = [
      `${probe.method} ${probe.path} HTTP/1.1`,
      'host: 127.0.0.1',
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ].join('\r\n');
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), Buffer.from(probe.body ?? '')]));
  });
}

const STACK_TRACE = /\n\s+at .+[:(]\d+|node_modules|\.ts:\d+|\.js:\d+/;

/** Empty when the answer is what the suite demands: a 4xx (or success) with a message, no trace. */
export function problemsWith(probe: Probe, answer: ProbeAnswer): string[] {
  const problems: string[] = [];
  if (answer.status === 0) problems.push('no HTTP answer');
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (STACK_TRACE.test(answer.body)) problems.push('stack trace in the body');
  if (answer.status >= 400 && !probe.parserLevel && answer.body.trim().length < 10)
    problems.push(`${answer.status} without a message`);
  return problems;
}
