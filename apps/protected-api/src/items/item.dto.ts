import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class CreateItemDto {
  @ApiProperty({ example: 'widget', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: 3, minimum: 0, maximum: 1_000_000 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  quantity!: number;
}

export class ItemDto extends CreateItemDto {
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ description: 'appId of the application that created it' }) createdBy!: string;
}
