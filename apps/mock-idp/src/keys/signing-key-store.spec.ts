import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMockIdpConfig } from '../config/mock-idp-config.js';
import { SIGNING_KEYS_FILE, SigningKeyStore } from './signing-key-store.js';

describe('SigningKeyStore in the data directory', () => {
  let dataDir: string;
  const newStore = () => new SigningKeyStore(loadMockIdpConfig({ MOCK_IDP_DATA_DIR: dataDir }));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mock-idp-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a restarted store signs with the same key, read from a 0600 file', async () => {
    const first = newStore();
    expect(await first.initialize()).toBe('generated (missing)');
    expect(statSync(join(dataDir, SIGNING_KEYS_FILE)).mode & 0o777).toBe(0o600);

    const restarted = newStore();
    expect(await restarted.initialize()).toBe('reused');
    expect(restarted.signingKey.kid).toBe(first.signingKey.kid);
    expect(restarted.publishedKeys()).toEqual(first.publishedKeys());
  });

  it('keeps a rotation, and the rotated-out key in its grace period', async () => {
    const store = newStore();
    await store.initialize();
    const rotation = await store.rotate(600);

    const restarted = newStore();
    await restarted.initialize();
    expect(restarted.signingKey.kid).toBe(rotation.kid);
    expect(restarted.publishedKeys().map((key) => key.kid)).toEqual([
      rotation.kid,
      rotation.previousKid,
    ]);
  });

  it('drops rotated-out keys whose grace period ended while it was stopped', async () => {
    const store = newStore();
    await store.initialize();
    const rotation = await store.rotate(60);
    const restarted = newStore();
    await restarted.initialize(new Date(Date.now() + 120_000));
    expect(restarted.publishedKeys().map((key) => key.kid)).toEqual([rotation.kid]);
  });

  it('generates a new key when the file is corrupt', async () => {
    const first = newStore();
    await first.initialize();
    writeFileSync(join(dataDir, SIGNING_KEYS_FILE), '{"current":');
    const restarted = newStore();
    expect(await restarted.initialize()).toMatch(/^generated \(.*JSON/);
    expect(restarted.signingKey.kid).not.toBe(first.signingKey.kid);
  });
});
