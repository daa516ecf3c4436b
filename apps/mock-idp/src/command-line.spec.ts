import { parseCommandLine } from './command-line.js';

describe('mock-idp command line', () => {
  it('turns flags into the MOCK_IDP_* settings they stand for', () => {
    expect(
      parseCommandLine([
        '--directory',
        'dir.json',
        '--http-port',
        '0',
        '--https-port=9443',
        '--public-host',
        'mock-idp',
        '--bind',
        '127.0.0.1',
        '--state-file',
        'state.json',
        '--admin',
      ]),
    ).toEqual({
      help: false,
      env: {
        MOCK_IDP_DIRECTORY: 'dir.json',
        MOCK_IDP_HTTP_PORT: '0',
        MOCK_IDP_HTTPS_PORT: '9443',
        MOCK_IDP_PUBLIC_HOST: 'mock-idp',
        MOCK_IDP_BIND_ADDRESS: '127.0.0.1',
        MOCK_IDP_STATE_FILE: 'state.json',
        MOCK_IDP_ADMIN_ENABLED: 'true',
      },
    });
  });

  it('refuses an unknown flag, a flag without its value and a stray argument', () => {
    expect(() => parseCommandLine(['--prot', '1'])).toThrow(/Unknown option '--prot'/);
    expect(() => parseCommandLine(['--directory'])).toThrow(/--directory/);
    expect(() => parseCommandLine(['demo.json'])).toThrow(/demo\.json/);
  });

  it('answers --help', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
  });
});
