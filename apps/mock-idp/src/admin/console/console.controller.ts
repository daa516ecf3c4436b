// The console: one page, one ES module and one stylesheet, served next to the admin API (same
// origin, so its fetches need no CORS and a token never leaves the emulator) and only with it.
// A strict CSP of its own: nothing inline, nothing from another origin.
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { AdminRequestGuard } from '../admin-request.guard.js';
import { applyDecorators } from '@nestjs/common';
import { CONSOLE_PAGE } from './console-page.js';
import { CONSOLE_SCRIPT } from './console-script.js';
import { CONSOLE_STYLE } from './console-style.js';

export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONSOLE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0f2a4a"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>';

const ConsoleAsset = (contentType: string) =>
  applyDecorators(
    Header('Content-Type', contentType),
    Header('Content-Security-Policy', CONSOLE_CSP),
    Header('X-Content-Type-Options', 'nosniff'),
    Header('Referrer-Policy', 'no-referrer'),
    Header('Cache-Control', 'no-store'),
  );

@Controller('_admin/console')
@UseGuards(AdminRequestGuard)
export class ConsoleController {
  @Get()
  @ConsoleAsset('text/html; charset=utf-8')
  page(): string {
    return CONSOLE_PAGE;
  }

  @Get('console.js')
  @ConsoleAsset('text/javascript; charset=utf-8')
  script(): string {
    return CONSOLE_SCRIPT;
  }

  @Get('favicon.svg')
  @ConsoleAsset('image/svg+xml')
  icon(): string {
    return CONSOLE_ICON;
  }

  @Get('console.css')
  @ConsoleAsset('text/css; charset=utf-8')
  style(): string {
    return CONSOLE_STYLE;
  }
}
