// The current signing key plus the keys rotated out of service, which stay published in the JWKS
// until their grace period ends so tokens signed just before a rotation still validate.
import { Inject, Injectable } from '@nestjs/common';
import { MOCK_IDP_CONFIG } from '../config/config.tokens.js';
import type { MockIdpConfig } from '../config/mock-idp-config.js';
import { createSigningKey, type PublishedJwk, type SigningKey } from './signing-key.js';

interface RetiredKey {
  key: SigningKey;
  publishedUntil: number;
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

  async initialize(): Promise<void> {
    this.current = await createSigningKey();
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
    return {
      kid: next.kid,
      previousKid: previous.kid,
      previousKeyPublishedUntil: new Date(publishedUntil).toISOString(),
    };
  }

  /** Drops rotated-out keys; the current key stays so tokens already handed out keep validating. */
  reset(): void {
    this.retired = [];
  }
}
