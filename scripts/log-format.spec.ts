import { formatLogLine } from './log-format.ts';

describe('formatLogLine', () => {
  it('shows level, context, message and flat fields of a pino line', () => {
    const line = JSON.stringify({
      level: 30,
      time: 1,
      pid: 2,
      context: 'CallScheduler',
      msg: 'GET /api/items',
      status: 200,
      token: { nested: true },
    });
    expect(formatLogLine(line)).toBe('INFO  [CallScheduler] GET /api/items  status=200');
  });

  it('shows method, url and status of a request log line', () => {
    const line = JSON.stringify({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/api/items' },
      res: { statusCode: 401 },
    });
    expect(formatLogLine(line)).toBe('INFO  GET /api/items -> 401  request completed');
  });

  it("drops Nest's route-mapping chatter but keeps its warnings", () => {
    expect(
      formatLogLine(
        JSON.stringify({
          level: 30,
          context: 'RouterExplorer',
          msg: 'Mapped {/healthz, GET} route',
        }),
      ),
    ).toBeUndefined();
    expect(
      formatLogLine(JSON.stringify({ level: 40, context: 'RouterExplorer', msg: 'odd' })),
    ).toBe('WARN  [RouterExplorer] odd');
  });

  it('passes anything that is not JSON through', () => {
    expect(formatLogLine('Rspack compiled successfully')).toBe('Rspack compiled successfully');
    expect(formatLogLine('{not json')).toBe('{not json');
  });
});
