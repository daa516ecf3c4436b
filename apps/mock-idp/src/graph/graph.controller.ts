import { Controller } from '@nestjs/common';

@Controller('v1.0')
export class GraphController {}
