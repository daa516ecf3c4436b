import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'auth:isPublic';

/** Opts a route (or controller) out of the global guard, which otherwise requires a valid token. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
