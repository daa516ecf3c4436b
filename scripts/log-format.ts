// Turns a pino JSON log line into one short human line for the `npm start` console.
// Anything that is not a JSON object is shown as it is.
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'req', 'res', 'context']);

export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof record.level === 'number' ? (LEVEL_NAMES[record.level] ?? String(record.level)) : String(record.level ?? '');
  const context = typeof record.context === 'string' ? `[${record.context}] ` : '';
  const details = Object.entries(record)
    .filter(([key, value]) => !HIDDEN_KEYS.has(key) && value !== undefined && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${level.padEnd(5)} ${context}${String(record.msg ?? '')}${details ? `  ${details}` : ''}`;
}
