// The NestJS recipe for third-party JWTs: @nestjs/passport + passport-jwt, keys from jwks-rsa's
// passportJwtSecret (cache and rate limit on, as its README shows), AuthGuard('jwt') and a roles
// guard on the controller. Plain JavaScript: decorators applied as functions.
import { Controller, ForbiddenException, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ITEMS, config, decorateMethod, holdsReadRole } from './common.js';

class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      secretOrKeyProvider: passportJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 5,
        jwksUri: config.jwksUri,
      }),
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      audience: config.audiences,
      issuer: config.issuer,
      algorithms: ['RS256'],
    });
  }

  validate(claims) {
    return claims;
  }
}
Injectable()(JwtStrategy);

class RolesGuard {
  canActivate(context) {
    if (holdsReadRole(context.switchToHttp().getRequest().user)) return true;
    throw new ForbiddenException();
  }
}
Injectable()(RolesGuard);

class ItemsController {
  list() {
    return ITEMS;
  }
}
decorateMethod(ItemsController, 'list', Get());
UseGuards(AuthGuard('jwt'), RolesGuard)(ItemsController);
Controller('api/items')(ItemsController);

// A Nest module is a decorated class.
// oxlint-disable-next-line typescript/no-extraneous-class
class AppModule {}
Module({ imports: [PassportModule], controllers: [ItemsController], providers: [JwtStrategy] })(
  AppModule,
);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(config.port, '127.0.0.1');
