import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Caller, type CallerPrincipal } from '@app/auth';
import { CreateItemDto, ItemDto } from './item.dto.js';
import { ItemsService } from './items.service.js';

export const READ_ROLE = 'consumer';
/** The demo consumer does not hold it: POST shows the 403 path. */
export const WRITE_ROLE = 'writer';

@ApiTags('api')
@Controller('api/items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get()
  @Auth({ anyRole: [READ_ROLE] })
  @ApiOkResponse({ type: [ItemDto] })
  list(): readonly ItemDto[] {
    return this.items.list();
  }

  @Post()
  @Auth({ anyRole: [WRITE_ROLE] })
  @ApiCreatedResponse({ type: ItemDto })
  @ApiBadRequestResponse({
    description: 'The body is not a valid item; `message` lists each field problem',
  })
  create(@Body() item: CreateItemDto, @Caller() caller: CallerPrincipal): ItemDto {
    return this.items.create(item, caller.appId);
  }
}
