import { Injectable } from '@nestjs/common';
import type { CreateItemDto, ItemDto } from './item.dto.js';

/** The demo's data: an in-memory list. */
@Injectable()
export class ItemsService {
  private readonly items: ItemDto[] = [
    { id: 1, name: 'widget', quantity: 3, createdBy: 'seed' },
    { id: 2, name: 'gadget', quantity: 7, createdBy: 'seed' },
  ];

  list(): readonly ItemDto[] {
    return this.items;
  }

  create(item: CreateItemDto, createdBy: string): ItemDto {
    const created = {
      id: this.items.length + 1,
      name: item.name,
      quantity: item.quantity,
      createdBy,
    };
    this.items.push(created);
    return created;
  }
}
