import { describe, expect, it, test } from 'vitest';
import { defaultBodyLimit, resolveOptions } from './options.js';

describe('resolveOptions', () => {
  it('has documented defaults', () => {
    expect(resolveOptions({}, {})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      trustProxy: false,
      bodyLimit: defaultBodyLimit,
      workers: 1,
      dev: false,
      handleSignals: true,
      shutdownTimeout: 10_000,
      headersTimeout: 20_000,
      requestTimeout: 300_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    });
    expect(defaultBodyLimit).toBe(1024 * 1024);
  });

  it('falls back to PORT, HOST, TRUST_PROXY and NODE_ENV; options win', () => {
    const env = { PORT: '8080', HOST: '127.0.0.1', TRUST_PROXY: 'true', NODE_ENV: 'development' };
    expect(resolveOptions({}, env)).toMatchObject({ port: 8080, host: '127.0.0.1', trustProxy: true, dev: true });
    expect(resolveOptions({ port: 0, host: '::1', trustProxy: false, dev: false }, env)).toMatchObject({ port: 0, host: '::1', trustProxy: false, dev: false });
  });

  it("takes workers: 'auto' as the CPU count", () => {
    expect(resolveOptions({ workers: 'auto' }, {}).workers).toBeGreaterThanOrEqual(1);
  });

  test.each([
    [{}, { PORT: 'eighty' }, /environment variable PORT must be a port number/],
    [{}, { PORT: '70000' }, /environment variable PORT/],
    [{}, { TRUST_PROXY: 'maybe' }, /environment variable TRUST_PROXY must be false, true, a number of proxy hops/],
    [{ port: -1 }, {}, /option "port"/],
    [{ port: 1.5 }, {}, /option "port"/],
    [{ workers: 2.5 }, {}, /option "workers"/],
    [{ bodyLimit: Number.NaN }, {}, /option "bodyLimit" must be a number of bytes/],
    [{ headersTimeout: Infinity }, {}, /option "headersTimeout" must be a number of milliseconds/],
    [{ static: '' }, {}, /option "static" must be a folder path/],
  ] as const)('refuses %j with env %j, naming it', (options, env, message) => {
    expect(() => resolveOptions(options as never, env)).toThrow(message);
  });

  it('allows an unlimited body', () => {
    expect(resolveOptions({ bodyLimit: Infinity }, {}).bodyLimit).toBe(Infinity);
  });
});
