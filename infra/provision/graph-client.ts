// A small Microsoft Graph client: bearer token from an @azure/identity credential, JSON in and out,
// @odata.nextLink paging, Retry-After on throttling, and errors that say what Graph said and which
// permission the call needs (Graph's own 403 message never names it).
//
// Runs on Node 24 directly (type stripping): erasable TypeScript only.
import type { TokenCredential } from '@azure/identity';

/** The Graph application permission (app role of Microsoft Graph) a call needs. */
export type GraphPermission =
  'Application.Read.All' | 'Application.ReadWrite.All' | 'AppRoleAssignment.ReadWrite.All';

export class GraphError extends Error {
  override readonly name = 'GraphError';
  readonly status: number;
  readonly code: string;
  readonly graphMessage: string;

  constructor(request: string, status: number, code: string, graphMessage: string, hint = '') {
    super(`Microsoft Graph refused ${request}: ${status} ${code}: ${graphMessage}${hint}`);
    this.status = status;
    this.code = code;
    this.graphMessage = graphMessage;
  }
}

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com (the token scope is `<origin>/.default`). */
  baseUrl: string;
  credential: TokenCredential;
  /** Graph API version path segment. */
  version?: 'v1.0' | 'beta';
  /** Attempts on 429/503/504 (honouring Retry-After). */
  maxAttempts?: number;
}

interface GraphCollection<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The claims of a JWT, read only to explain a refusal (never verified, never logged). */
function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

export function graphScope(baseUrl: string): string {
  return `${new URL(baseUrl).origin}/.default`;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export class GraphClient {
  readonly baseUrl: string;
  private readonly credential: TokenCredential;
  private readonly version: string;
  private readonly maxAttempts: number;
  private token:
    { value: string; expiresOnTimestamp: number; claims: Record<string, unknown> } | undefined;

  constructor(options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.credential = options.credential;
    this.version = options.version ?? 'v1.0';
    this.maxAttempts = options.maxAttempts ?? 4;
  }

  /** Claims of the token used for Graph (tenant `tid`, `roles`), fetching one if needed. */
  async tokenClaims(): Promise<Record<string, unknown>> {
    return (await this.accessToken()).claims;
  }

  private async accessToken(): Promise<{ value: string; claims: Record<string, unknown> }> {
    // Kept until 2 minutes before it expires: AzureCliCredential starts `az` for every getToken.
    if (this.token && this.token.expiresOnTimestamp - Date.now() > 120_000) return this.token;
    const accessToken = await this.credential.getToken(graphScope(this.baseUrl));
    if (!accessToken) throw new Error(`no token for ${graphScope(this.baseUrl)}`);
    this.token = {
      value: accessToken.token,
      expiresOnTimestamp: accessToken.expiresOnTimestamp,
      claims: tokenClaims(accessToken.token),
    };
    return this.token;
  }

  get<T>(path: string, permission: GraphPermission): Promise<T> {
    return this.request<T>('GET', path, permission);
  }

  /** Every item of a collection, following @odata.nextLink. */
  async list<T>(path: string, permission: GraphPermission): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: GraphCollection<T> = await this.request<GraphCollection<T>>(
        'GET',
        next,
        permission,
      );
      items.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return items;
  }

  post<T>(path: string, body: unknown, permission: GraphPermission): Promise<T> {
    return this.request<T>('POST', path, permission, body);
  }

  patch(path: string, body: unknown, permission: GraphPermission): Promise<void> {
    return this.request<void>('PATCH', path, permission, body);
  }

  delete(path: string, permission: GraphPermission): Promise<void> {
    return this.request<void>('DELETE', path, permission);
  }

  private url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}/${this.version}${path}`;
  }

  private async request<T>(
    method: string,
    path: string,
    permission: GraphPermission,
    body?: unknown,
  ): Promise<T> {
    const url = this.url(path);
    const described = `${method} ${new URL(url).pathname}`;
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token.value}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        throw new Error(
          `cannot reach Microsoft Graph at ${this.baseUrl} (${described}): ${cause?.message ?? (error as Error).message}`,
          { cause: error },
        );
      }
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
      if ([429, 503, 504].includes(response.status) && attempt < this.maxAttempts) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await sleep(
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 2 ** attempt * 500,
        );
        continue;
      }
      throw this.error(described, response.status, text, permission, token.claims);
    }
  }

  private error(
    request: string,
    status: number,
    text: string,
    permission: GraphPermission,
    claims: Record<string, unknown>,
  ): GraphError {
    let code = `HTTP ${status}`;
    let message = text.slice(0, 500) || '(empty body)';
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      if (parsed.error?.code) code = parsed.error.code;
      if (parsed.error?.message) message = parsed.error.message;
    } catch {
      // not JSON: the raw body (cut) is the message
    }
    let hint = '';
    if (status === 403) {
      const roles = Array.isArray(claims['roles']) ? (claims['roles'] as string[]) : [];
      const who = claims['appid'] ?? claims['azp'] ?? claims['oid'] ?? 'the deploying identity';
      if (typeof claims['scp'] === 'string')
        hint =
          `\nSigned in as a person (delegated scopes: ${claims['scp']}): the call needs ${permission}, ` +
          `granted to a user through a directory role such as Cloud Application Administrator.`;
      else
        hint =
          `\nThe deploying identity (${String(who)}) needs the Microsoft Graph application permission ` +
          `${permission} (an app role assignment of Microsoft Graph to its service principal, ` +
          `admin-consented); its token holds: ${roles.length ? roles.join(', ') : 'no Graph permission'}.`;
    } else if (status === 401) {
      hint = `\nThe token was refused: is ${this.baseUrl} the Graph of the tenant the credential signs in to?`;
    }
    return new GraphError(request, status, code, message, hint);
  }
}
