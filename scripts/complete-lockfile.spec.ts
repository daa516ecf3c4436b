import { completeLockfile, platformOf } from './complete-lockfile.ts';

describe('platformOf', () => {
  it.each([
    ['@rspack/binding-darwin-arm64', { os: ['darwin'], cpu: ['arm64'] }],
    ['@rspack/binding-linux-x64-gnu', { os: ['linux'], cpu: ['x64'], libc: ['glibc'] }],
    ['@oxlint/binding-linux-arm-musleabihf', { os: ['linux'], cpu: ['arm'], libc: ['musl'] }],
    ['@unrs/resolver-binding-win32-ia32-msvc', { os: ['win32'], cpu: ['ia32'] }],
    ['@rspack/binding-wasm32-wasi', { cpu: ['wasm32'] }],
  ])('%s', (name, platform) => {
    expect(platformOf(name)).toEqual(platform);
  });

  it('leaves names without a platform alone', () => {
    expect(platformOf('fsevents')).toBeUndefined();
  });
});

describe('completeLockfile', () => {
  it('adds only the optional bindings that have no entry yet', () => {
    const packages = {
      'node_modules/@rspack/binding': {
        version: '2.3.2',
        optionalDependencies: {
          '@rspack/binding-linux-x64-gnu': '2.3.2',
          '@rspack/binding-darwin-arm64': '2.3.2',
        },
      },
      'node_modules/@rspack/binding-linux-x64-gnu': { version: '2.3.2', optional: true },
    };
    expect(completeLockfile(packages)).toEqual(['@rspack/binding-darwin-arm64@2.3.2']);
    expect(packages).toHaveProperty(['node_modules/@rspack/binding-darwin-arm64'], {
      version: '2.3.2',
      optional: true,
      os: ['darwin'],
      cpu: ['arm64'],
    });
  });
});
