// The current signing key plus the keys rotated out of service, which stay published in the JWKS
// until their grace period ends so tokens signed just before a rotation still validate.
// All of them are kept in the data directory: a restarted emulator publishes the same kids, so
// APIs that cached its JWKS and tokens it issued before the restart keep validating.
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { MOCK_IDP_CONFIG } from '../config/config.tokens.js';
import type { MockIdpConfig } from '../config/mock-idp-config.js';
import { PRIVATE_FILE_MODE, readIfPresent, writeWhole } from './data-directory.js';
import {
  createSigningKey,
  restoreSigningKey,
  storedSigningKey,
  type PublishedJwk,
  type SigningKey,
  type StoredSigningKey,
} from './signing-key.js';

export const SIGNING_KEYS_FILE = 'signing-keys.json';

interface RetiredKey {
  key: SigningKey;
  publishedUntil: number;
}

interface StoredSigningKeys {
  current: StoredSigningKey;
  retired: { key: StoredSigningKey; publishedUntil: string }[];
}

export interface RotationResult {
  kid: string;
  previousKid: string;
  previousKeyPublishedUntil: string;
}

@Injectable()
export class SigningKeyStore {
  private current!: SigningKey;
  private retired: RetiredKey[] = [];

  constructor(@Inject(MOCK_IDP_CONFIG) private readonly config: MockIdpConfig) {}

  private get path(): string {
    return join(this.config.dataDir, SIGNING_KEYS_FILE);
  }

  /** Loads the kept keys, or makes a new one; returns `reused` or why a key was generated. */
  async initialize(now = new Date()): Promise<string> {
    try {
      const text = await readIfPresent(this.path);
      if (text === undefined) throw new Error('missing');
      const stored = JSON.parse(text) as StoredSigningKeys;
      this.current = await restoreSigningKey(stored.current, now);
      this.retired = [];
      for (const entry of stored.retired ?? []) {
        const publishedUntil = Date.parse(entry.publishedUntil);
        if (!(publishedUntil > now.getTime())) continue;
        // a retired key that cannot be read only shortens its grace period
        const key = await restoreSigningKey(entry.key, now).catch(() => undefined);
        if (key) this.retired.push({ key, publishedUntil });
      }
      return 'reused';
    } catch (error) {
      this.current = await createSigningKey(now);
      this.retired = [];
      await this.save();
      return `generated (${(error as Error).message})`;
    }
  }

  get signingKey(): SigningKey {
    return this.current;
  }

  publishedKeys(): PublishedJwk[] {
    const now = Date.now();
    this.retired = this.retired.filter((entry) => entry.publishedUntil > now);
    return [this.current.jwk, ...this.retired.map((entry) => entry.key.jwk)];
  }

  async rotate(graceSeconds = this.config.keyRotationGraceSeconds): Promise<RotationResult> {
    const next = await createSigningKey();
    const previous = this.current;
    const publishedUntil = Date.now() + graceSeconds * 1000;
    this.retired.push({ key: previous, publishedUntil });
    this.current = next;
    await this.save();
    return {
      kid: next.kid,
      previousKid: previous.kid,
      previousKeyPublishedUntil: new Date(publishedUntil).toISOString(),
    };
  }

  /** Drops rotated-out keys; the current key stays so tokens already handed out keep validating. */
  async reset(): Promise<void> {
    this.retired = [];
    await this.save();
  }

  private async save(): Promise<void> {
    const stored: StoredSigningKeys = {
      current: await storedSigningKey(this.current),
      retired: await Promise.all(
        this.retired.map(async (entry) => ({
          key: await storedSigningKey(entry.key),
          publishedUntil: new Date(entry.publishedUntil).toISOString(),
        })),
      ),
    };
    await writeWhole(this.path, JSON.stringify(stored, null, 2) + '\n', PRIVATE_FILE_MODE);
  }
}
