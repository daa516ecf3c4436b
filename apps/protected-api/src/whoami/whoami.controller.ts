import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Auth, Caller, type CallerPrincipal } from '@app/auth';

export class WhoAmIResponse {
  @ApiProperty({ description: 'Client id of the calling application (appid / azp)' })
  appId!: string;
  @ApiProperty({
    description: 'Object id of the caller (its service principal for app-only tokens)',
  })
  objectId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ enum: ['1.0', '2.0'] }) tokenVersion!: '1.0' | '2.0';
  @ApiProperty() isAppOnly!: boolean;
}

@ApiTags('api')
@Controller('api/whoami')
export class WhoAmIController {
  @Get()
  // The DESIGN contract: any valid token of this API, even one without roles (ACL-style).
  @Auth({ allowAcl: true })
  @ApiOkResponse({
    type: WhoAmIResponse,
    description: 'The caller, as the access token describes it',
  })
  whoami(@Caller() caller: CallerPrincipal): WhoAmIResponse {
    const { appId, objectId, tenantId, roles, tokenVersion, isAppOnly } = caller;
    return { appId, objectId, tenantId, roles: [...roles], tokenVersion, isAppOnly };
  }
}
