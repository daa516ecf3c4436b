// Turns a pino JSON log line into one short human line for the `npm start` console, and drops
// Nest's bootstrap chatter (one line per mapped route). Anything that is not JSON is shown as it is.
const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN_KEYS = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'req',
  'res',
  'context',
  'err',
]);
const BOOTSTRAP_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

interface RequestLog {
  method?: string;
  url?: string;
}

/** One display line for `line`, or undefined when the line is not worth showing. */
export function formatLogLine(line: string): string | undefined {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const levelNumber = typeof record.level === 'number' ? record.level : 30;
  if (
    levelNumber <= 30 &&
    typeof record.context === 'string' &&
    BOOTSTRAP_CONTEXTS.has(record.context)
  )
    return undefined;
  const level = LEVEL_NAMES[levelNumber] ?? String(record.level ?? '');
  const context = typeof record.context === 'string' ? `[${record.context}] ` : '';
  const request = record.req as RequestLog | undefined;
  const status = (record.res as { statusCode?: number } | undefined)?.statusCode;
  const http = request?.method
    ? `${request.method} ${request.url ?? ''}${status ? ` -> ${status}` : ''}  `
    : '';
  const details = Object.entries(record)
    .filter(
      ([key, value]) =>
        !HIDDEN_KEYS.has(key) && value !== undefined && value !== null && typeof value !== 'object',
    )
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${level.padEnd(5)} ${context}${http}${String(record.msg ?? '')}${details ? `  ${details}` : ''}`;
}
