// The request journal: who asked for which token when, and what was issued or refused.
import { Injectable } from '@nestjs/common';

export const JOURNALED_ENDPOINTS = ['msi', 'imds', 'token', 'metadata', 'jwks', 'graph'] as const;
export type JournaledEndpoint = (typeof JOURNALED_ENDPOINTS)[number];

export interface JournalEntry {
  id: number;
  at: string;
  endpoint: JournaledEndpoint;
  /** The route's protocol (its @Endpoint): app-service-msi, imds, oauth2-v2.0, oidc-v1, ... */
  protocol: string;
  method: string;
  path: string;
  status: number;
  tenantId?: string;
  grant?: string;
  /** How the client authenticated at the token endpoint: client_secret | federated_credential | certificate. */
  clientAuthentication?: string;
  clientId?: string;
  principalId?: string;
  resource?: string;
  scope?: string;
  audience?: string;
  roles?: string[];
  tokenVersion?: '1.0' | '2.0';
  kid?: string;
  expiresOn?: number;
  /** AADSTS code (e.g. "AADSTS70021") or the OAuth error of a refusal. */
  error?: string;
  /** The error_description sent with it. */
  errorDescription?: string;
  /** Id of the admin fault that produced this answer. */
  faultId?: string;
  /** Decoded header and claims of the issued token (never the token itself). */
  token?: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

export type JournalDetails = Partial<
  Omit<JournalEntry, 'id' | 'at' | 'endpoint' | 'protocol' | 'method' | 'path' | 'status'>
>;

const CAPACITY = 10_000;

@Injectable()
export class Journal {
  private entries: JournalEntry[] = [];
  private nextId = 1;

  record(entry: Omit<JournalEntry, 'id' | 'at'>): void {
    this.entries.push({ id: this.nextId++, at: new Date().toISOString(), ...entry });
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }

  list(): JournalEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
