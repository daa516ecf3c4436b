// The one place an issued token is recorded: one `token_issued` log line (never the token) and
// the same facts, with the decoded header and claims the console shows, on the journal record of
// the request being answered.
import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { currentRequestRecord } from '../http/request-record.js';

export interface TokenIssuance {
  tenantId: string;
  caller: string;
  callerKind: string;
  clientId: string;
  principalId: string;
  resource: string;
  audience: string;
  roles: string[];
  tokenVersion: '1.0' | '2.0';
  kid: string;
  expiresOn: number;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

@Injectable()
export class TokenIssuanceLog {
  constructor(@InjectPinoLogger('TokenFactory') private readonly logger: PinoLogger) {}

  record(issuance: TokenIssuance): void {
    const { header, claims, ...facts } = issuance;
    this.logger.info(
      { event: 'token_issued', ...facts },
      `token issued to ${facts.caller} for ${facts.resource} (roles: ${facts.roles.join(',') || 'none'})`,
    );
    const record = currentRequestRecord();
    if (!record) return;
    Object.assign(record.details, {
      audience: facts.audience,
      roles: facts.roles,
      tokenVersion: facts.tokenVersion,
      kid: facts.kid,
      expiresOn: facts.expiresOn,
      token: { header, claims },
    });
  }
}
