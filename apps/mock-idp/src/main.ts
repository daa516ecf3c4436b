import 'reflect-metadata';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AUTH_PLACEHOLDER } from '@app/auth';

@Injectable()
class Svc { hi() { return AUTH_PLACEHOLDER; } }
@Controller()
class C { constructor(private readonly s: Svc) {} @Get() get() { return this.s.hi(); } }
@Module({ controllers: [C], providers: [Svc] })
class M {}
const app = await NestFactory.create(M);
await app.listen(Number(process.env.PORT ?? 3999));
console.log('up', process.version);
