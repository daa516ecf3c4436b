// Admin API for tests and demos, mounted only when MOCK_IDP_ADMIN_ENABLED=true.
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { IdentityDirectory } from '../directory/identity-directory.js';
import { EntraErrors } from '../errors/entra-error.js';
import { SigningKeyStore } from '../keys/signing-key-store.js';
import { AdminRequestGuard } from './admin-request.guard.js';
import { directoryView } from './directory-view.js';
import { FaultInjector, parseFaultSpec } from './fault-injector.js';
import { Journal, JOURNALED_ENDPOINTS, type JournaledEndpoint } from './journal.js';
import { TokenInspector } from './token-inspector.js';

@Controller('_admin')
@UseGuards(AdminRequestGuard)
export class AdminController {
  constructor(
    private readonly journal: Journal,
    private readonly faults: FaultInjector,
    private readonly keys: SigningKeyStore,
    private readonly directory: IdentityDirectory,
    private readonly inspector: TokenInspector,
  ) {}

  /** The directory as it is now (Graph changes included), without credentials. */
  @Get('directory')
  getDirectory() {
    return directoryView(this.directory);
  }

  /** Decodes a token and says whether it would validate against this emulator (console paste box). */
  @Post('tokens/inspect')
  @HttpCode(200)
  inspectToken(@Body() body: unknown) {
    return this.inspector.inspect((body as { token?: unknown } | undefined)?.token);
  }

  @Get('journal')
  listJournal(@Query('endpoint') endpoint?: string, @Query('sinceId') sinceId?: string) {
    if (endpoint !== undefined && !JOURNALED_ENDPOINTS.includes(endpoint as JournaledEndpoint)) {
      throw EntraErrors.invalidParameter(
        'endpoint',
        `must be one of ${JOURNALED_ENDPOINTS.join(', ')}`,
      );
    }
    if (sinceId !== undefined && !/^\d+$/.test(sinceId))
      throw EntraErrors.invalidParameter('sinceId', 'must be an entry id');
    return this.journal
      .list()
      .filter(
        (entry) =>
          (endpoint === undefined || entry.endpoint === endpoint) &&
          (sinceId === undefined || entry.id > Number(sinceId)),
      );
  }

  @Delete('journal')
  @HttpCode(204)
  clearJournal(): void {
    this.journal.clear();
  }

  @Get('faults')
  listFaults() {
    return this.faults.list();
  }

  @Post('faults')
  @HttpCode(201)
  addFault(@Body() body: unknown) {
    return this.faults.add(parseFaultSpec(body));
  }

  @Delete('faults')
  @HttpCode(204)
  clearFaults(): void {
    this.faults.clear();
  }

  @Get('keys')
  listKeys() {
    return {
      signingKid: this.keys.signingKey.kid,
      publishedKids: this.keys.publishedKeys().map((key) => key.kid),
    };
  }

  @Post('keys/rotate')
  @HttpCode(200)
  rotateKeys(@Body() body: unknown) {
    const grace = (body as { graceSeconds?: unknown } | undefined)?.graceSeconds;
    if (
      grace !== undefined &&
      (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0 || grace > 30 * 86400)
    ) {
      throw EntraErrors.invalidParameter(
        'graceSeconds',
        'must be an integer between 0 and 2592000',
      );
    }
    return this.keys.rotate(grace as number | undefined);
  }

  @Post('reset')
  @HttpCode(204)
  async reset(): Promise<void> {
    this.journal.clear();
    this.faults.clear();
    await this.keys.reset();
    this.directory.reset();
  }

  @Delete('faults/:id')
  @HttpCode(204)
  removeFault(@Param('id') id: string): void {
    if (!this.faults.remove(id)) throw EntraErrors.notFound(`/_admin/faults/${id}`);
  }
}
