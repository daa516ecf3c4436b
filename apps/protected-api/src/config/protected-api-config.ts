// The environment of protected-api, parsed once at startup. A bad value throws an EnvironmentError
// naming each variable at fault.
import { AuthConfigError, authOptionsFromEnv, type AuthModuleOptions } from '@app/auth';
import { EnvironmentError, EnvironmentReader, type Environment, type LogLevel } from '@app/env';
import type { DestinationStream } from 'pino';

export interface ProtectedApiConfig {
  port: number;
  /** BIND_ADDRESS: the address to listen on; undefined = every interface (what a container needs). */
  bindAddress?: string;
  logLevel: LogLevel;
  auth: AuthModuleOptions;
  /** Where JSON logs go; stdout when absent (tests capture them). */
  logDestination?: DestinationStream;
}

/** The error a bad environment stops the API with (one line per variable at fault). */
export { EnvironmentError as ProtectedApiConfigError } from '@app/env';

export function parseProtectedApiConfig(env: Environment): ProtectedApiConfig {
  const read = new EnvironmentReader(env);
  const port = read.port('PORT', 3000);
  const bindAddress = read.ipAddress('BIND_ADDRESS');
  const logLevel = read.logLevel('LOG_LEVEL');
  let auth: AuthModuleOptions | undefined;
  try {
    // AUTH_* through libs/auth's own parser: it is part of the published package.
    auth = authOptionsFromEnv(env, { realm: 'protected-api' });
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    read.fail(error.setting, error.problem);
  }
  if (read.issues.length > 0 || auth === undefined) {
    throw new EnvironmentError('protected-api', read.issues);
  }
  return { port, bindAddress, logLevel, auth };
}
