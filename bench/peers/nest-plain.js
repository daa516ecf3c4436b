// Baseline: NestJS 12 on Express, one controller, no auth, no request logging. Plain JavaScript
// (Node runs it as is): the decorators are applied as functions.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ITEMS, config, decorateMethod } from './common.js';

class ItemsController {
  list() {
    return ITEMS;
  }
}
decorateMethod(ItemsController, 'list', Get());
Controller('api/items')(ItemsController);

// A Nest module is a decorated class.
// oxlint-disable-next-line typescript/no-extraneous-class
class AppModule {}
Module({ controllers: [ItemsController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(config.port, '127.0.0.1');
