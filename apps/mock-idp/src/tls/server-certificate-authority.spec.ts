import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLS_FILES, loadOrCreateServerTlsMaterial } from './server-certificate-authority.js';

describe('loadOrCreateServerTlsMaterial', () => {
  let dataDir: string;
  const options = (publicHost = 'mock-idp', now?: Date) => ({
    dataDir,
    caCertPath: join(dataDir, 'ca.pem'),
    publicHost,
    now,
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mock-idp-tls-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates once, keeps private keys 0600, and serves the same material after a restart', async () => {
    const first = await loadOrCreateServerTlsMaterial(options());
    expect(first.origin).toBe('generated CA (missing), server certificate (new CA)');
    expect(statSync(join(dataDir, TLS_FILES.caPrivateKey)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, TLS_FILES.privateKey)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, TLS_FILES.caCertificate)).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dataDir, 'ca.pem'), 'utf8')).toBe(first.caCertificatePem);

    const second = await loadOrCreateServerTlsMaterial(options());
    expect(second).toEqual({ ...first, origin: 'reused' });
  });

  it('publishes the CA certificate where NODE_EXTRA_CA_CERTS points when that is elsewhere', async () => {
    const published = join(dataDir, 'shared', 'root.pem');
    const material = await loadOrCreateServerTlsMaterial({ ...options(), caCertPath: published });
    expect(readFileSync(published, 'utf8')).toBe(material.caCertificatePem);
  });

  it('keeps the CA and issues a new server certificate when the public host changes', async () => {
    const before = await loadOrCreateServerTlsMaterial(options('mock-idp'));
    const after = await loadOrCreateServerTlsMaterial(options('idp.internal'));
    expect(after.origin).toBe('generated server certificate (does not name idp.internal)');
    expect(after.caCertificatePem).toBe(before.caCertificatePem);
    const certificate = new X509Certificate(after.certificatePem);
    expect(certificate.checkHost('idp.internal')).toBe('idp.internal');
    expect(certificate.checkIssued(new X509Certificate(after.caCertificatePem))).toBe(true);
  });

  it.each([
    [TLS_FILES.caPrivateKey, 'not a key', 'generated CA (unreadable private key)'],
    [TLS_FILES.caCertificate, 'garbage', 'generated CA (unreadable certificate)'],
  ])('generates a new CA when %s is corrupt', async (file, content, origin) => {
    const before = await loadOrCreateServerTlsMaterial(options());
    writeFileSync(join(dataDir, file), content);
    const after = await loadOrCreateServerTlsMaterial(options());
    expect(after.origin).toBe(`${origin}, server certificate (new CA)`);
    expect(after.caCertificatePem).not.toBe(before.caCertificatePem);
    expect(readFileSync(join(dataDir, 'ca.pem'), 'utf8')).toBe(after.caCertificatePem);
  });

  it('refuses a server key that does not belong to the certificate', async () => {
    await loadOrCreateServerTlsMaterial(options());
    writeFileSync(
      join(dataDir, TLS_FILES.privateKey),
      readFileSync(join(dataDir, TLS_FILES.caPrivateKey)),
    );
    const after = await loadOrCreateServerTlsMaterial(options());
    expect(after.origin).toBe(
      'generated server certificate (private key does not match the certificate)',
    );
  });

  it('renews the server certificate before it expires, then the CA', async () => {
    const before = await loadOrCreateServerTlsMaterial(options());
    const inTwoYears = new Date(Date.now() + 2 * 365 * 86400_000);
    const renewed = await loadOrCreateServerTlsMaterial(options('mock-idp', inTwoYears));
    expect(renewed.origin).toMatch(/^generated server certificate \(expires /);
    expect(renewed.caCertificatePem).toBe(before.caCertificatePem);

    const inSixYears = new Date(Date.now() + 6 * 365 * 86400_000);
    const replaced = await loadOrCreateServerTlsMaterial(options('mock-idp', inSixYears));
    expect(replaced.origin).toMatch(/^generated CA \(expires .*\), server certificate \(new CA\)$/);
  });
});
