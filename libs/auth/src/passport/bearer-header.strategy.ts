// A passport strategy that reads the bearer token from the Authorization header only
// (passport-http-bearer also takes `access_token` from the query string and the body).
import { Strategy } from 'passport';
import type { Request } from 'express';
import { extractBearerToken } from '../validation/bearer-header.js';

export type BearerVerify = (token: string, done: (error: unknown, user?: unknown) => void) => void;

export class BearerHeaderStrategy extends Strategy {
  override name = 'bearer-header';

  constructor(private readonly verify: BearerVerify) {
    super();
  }

  override authenticate(request: Request): void {
    let token: string;
    try {
      token = extractBearerToken(request);
    } catch (error) {
      return this.error(error);
    }
    this.verify(token, (error, user) => {
      if (error) return this.error(error);
      return user ? this.success(user as Express.User) : this.fail();
    });
  }
}
