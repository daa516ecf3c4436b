// The one way the apps read environment variables: each app's config parser asks for every
// variable by name through an EnvironmentReader, which trims values, applies defaults, remembers
// every problem, and ends with one EnvironmentError naming each variable at fault (so that one
// start reports them all). Not a schema library (zod, envalid): the values here are ports, GUIDs,
// URLs and addresses whose messages must say what a good value looks like, and libs/auth's
// AUTH_* parser, part of the published package, keeps no dependency on this repo.
import { isIP } from 'node:net';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface EnvironmentIssue {
  variable: string;
  problem: string;
}

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';

  constructor(
    app: string,
    readonly issues: readonly EnvironmentIssue[],
  ) {
    super(
      `invalid ${app} configuration:\n` +
        issues.map((issue) => `  ${issue.variable}: ${issue.problem}`).join('\n'),
    );
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class EnvironmentReader {
  readonly issues: EnvironmentIssue[] = [];

  constructor(private readonly env: Environment) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  /** Records a problem (also for cross-variable rules) and returns undefined. */
  fail(variable: string, problem: string): undefined {
    this.issues.push({ variable, problem });
    return undefined;
  }

  /** Throws the EnvironmentError of every recorded problem, if any. */
  throwIfInvalid(app: string): void {
    if (this.issues.length > 0) throw new EnvironmentError(app, this.issues);
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  required(name: string): string | undefined {
    return this.raw(name) ?? this.fail(name, 'is required');
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  logLevel(name: string, fallback: LogLevel = 'info'): LogLevel {
    return this.oneOf(name, LOG_LEVELS, fallback);
  }

  url(name: string, protocols: readonly string[], value = this.required(name)): string | undefined {
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return this.fail(name, `must be an absolute URL (got "${value}")`);
    }
    if (!protocols.includes(parsed.protocol)) {
      return this.fail(name, `must use ${protocols.join(' or ')} (got "${value}")`);
    }
    return value.replace(/\/+$/, '');
  }

  guid(name: string, value: string | undefined): string | undefined {
    if (value === undefined || GUID.test(value)) return value;
    return this.fail(name, `must be a GUID (got "${value}")`);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65_535);
  }

  flag(name: string, fallback = false): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.fail(name, `must be true or false (got "${value}")`);
    return fallback;
  }

  ipAddress(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || isIP(value) || value === 'localhost') return value;
    return this.fail(
      name,
      `must be an IP address such as 127.0.0.1 or 0.0.0.0, or localhost (got "${value}")`,
    );
  }
}
