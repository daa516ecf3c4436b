// What the validator needs from the authority, per token version: the issuer template of that
// version's metadata document and the signing keys of its jwks_uri. Loaded in the background at
// startup (retrying with backoff) so that liveness never waits on the IdP; `ready` says when done.
// Then refreshed periodically (metadata and keys, every 12 h by default, as Microsoft.Identity.Web
// does), so that a key the IdP removed stops validating even for remembered tokens.
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { EntraTokenVersion } from '../claims/entra-access-token-claims.js';
import { AUTH_OPTIONS, AUTH_FETCH_JSON } from '../auth.constants.js';
import type { ResolvedAuthOptions } from '../config/auth-options.js';
import type { FetchJson } from '../metadata/fetch-json.js';
import { IssuerTemplate } from '../metadata/issuer-template.js';
import { fetchOpenIdMetadata, metadataUrl } from '../metadata/openid-metadata.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';
import { TokenValidationError } from '../errors/token-validation-error.js';
import type { AuthReadiness } from './auth-readiness.js';
import { MAX_LOAD_RETRY_MS, secondsUntil } from './seconds-until.js';

export interface VersionAuthority {
  issuer: IssuerTemplate;
  keys: SigningKeyStore;
}

const VERSIONS: readonly EntraTokenVersion[] = ['1.0', '2.0'];
const FIRST_RETRY_MS = 500;

@Injectable()
export class EntraAuthority implements AuthReadiness, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EntraAuthority.name);
  private readonly versions = new Map<EntraTokenVersion, VersionAuthority>();
  private readonly keyStores = new Map<string, SigningKeyStore>();
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** When the next load attempt starts (epoch ms); 0 while one is under way. */
  private nextAttemptAt = 0;
  private stopped = false;
  private loading: Promise<void> | undefined;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_FETCH_JSON) private readonly fetchJson: FetchJson,
  ) {}

  onModuleInit(): void {
    void this.whenReady();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.refreshTimer);
  }

  /** True once both metadata documents and their key sets have been loaded. */
  get ready(): boolean {
    return (
      this.versions.size === VERSIONS.length &&
      [...this.keyStores.values()].every((store) => store.loaded)
    );
  }

  /** Resolves when ready; keeps retrying in the background until then (or until shutdown). */
  whenReady(): Promise<void> {
    this.loading ??= this.loadWithRetry();
    return this.loading;
  }

  /** The issuer template of a token version, when its metadata is loaded. */
  issuerOf(version: EntraTokenVersion): IssuerTemplate | undefined {
    return this.versions.get(version)?.issuer;
  }

  /** The authority of a token version; ERR_KEYS_UNAVAILABLE while its metadata is not loaded. */
  forVersion(version: EntraTokenVersion): VersionAuthority {
    const authority = this.versions.get(version);
    if (!authority) {
      throw new TokenValidationError(
        'ERR_KEYS_UNAVAILABLE',
        'the metadata of the issuer could not be loaded yet; retry later',
        { retryAfterSeconds: secondsUntil(this.nextAttemptAt) },
      );
    }
    return authority;
  }

  private async loadWithRetry(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!this.stopped) {
      try {
        await this.load();
        this.logger.log(
          `metadata and signing keys loaded from ${this.options.authority} (tenant ${this.options.tenantId})`,
        );
        this.scheduleRefresh(this.options.refreshIntervalMs);
        return;
      } catch (error) {
        this.logger.warn(
          `authority not loaded yet (${(error as Error).message}); retrying in ${delay} ms`,
        );
        this.nextAttemptAt = Date.now() + delay;
        await new Promise<void>((resolve) => {
          this.retryTimer = setTimeout(resolve, delay);
          this.retryTimer.unref();
        });
        this.nextAttemptAt = 0;
        delay = Math.min(delay * 2, MAX_LOAD_RETRY_MS);
      }
    }
  }

  // Both versions at once, each loading its keys as soon as its document names them (v1 and v2
  // usually share one jwks_uri: one store, one fetch): readiness waits for the slowest chain of
  // requests, not for the sum of all of them.
  private async load(): Promise<void> {
    const results = await Promise.allSettled(
      VERSIONS.map(async (version) => {
        let loaded = this.versions.get(version);
        if (!loaded) {
          loaded = await this.readMetadata(version);
          this.versions.set(version, loaded);
        }
        if (!loaded.keys.loaded) await loaded.keys.refresh();
      }),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async readMetadata(version: EntraTokenVersion): Promise<VersionAuthority> {
    const { authority, tenantId, httpTimeoutMs } = this.options;
    const metadata = await fetchOpenIdMetadata(
      metadataUrl(authority, tenantId, version),
      this.fetchJson,
      httpTimeoutMs,
    );
    return {
      issuer: new IssuerTemplate(metadata.issuer, tenantId),
      keys: this.keyStoreFor(metadata.jwksUri),
    };
  }

  /** Rereads both metadata documents and every key set in use; on any failure keeps what it had. */
  private async refreshAll(): Promise<void> {
    const next = new Map<EntraTokenVersion, VersionAuthority>();
    for (const version of VERSIONS) next.set(version, await this.readMetadata(version));
    const inUse = new Set([...next.values()].map(({ keys }) => keys));
    await Promise.all([...inUse].map((store) => store.refresh()));
    for (const [version, authority] of next) this.versions.set(version, authority);
    for (const [jwksUri, store] of this.keyStores) {
      if (inUse.has(store)) continue;
      this.keyStores.delete(jwksUri);
      store.retire();
    }
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.stopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshAll().then(
        () => this.scheduleRefresh(this.options.refreshIntervalMs),
        (error: Error) => {
          this.logger.warn(
            `periodic metadata and key refresh failed (${error.message}); cached keys stay in use`,
          );
          this.scheduleRefresh(Math.max(1000, this.options.keyRefreshCooldownMs));
        },
      );
    }, delayMs);
    this.refreshTimer.unref();
  }

  // v1 and v2 documents may share one jwks_uri: one store (and one fetch) per URI.
  private keyStoreFor(jwksUri: string): SigningKeyStore {
    let store = this.keyStores.get(jwksUri);
    if (!store) {
      store = new SigningKeyStore({
        jwksUri,
        fetchJson: this.fetchJson,
        timeoutMs: this.options.httpTimeoutMs,
        cooldownMs: this.options.keyRefreshCooldownMs,
        onRefreshFailed: (error) =>
          this.logger.warn(`signing keys not refreshed; cached keys stay in use: ${error.message}`),
      });
      this.keyStores.set(jwksUri, store);
    }
    return store;
  }
}
