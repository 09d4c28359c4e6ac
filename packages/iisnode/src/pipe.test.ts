import { describe, expect, it } from 'vitest';
import { iisnodeListenTarget } from './pipe.js';

describe('iisnodeListenTarget', () => {
  it.each([
    ['\\\\.\\pipe\\2f1a7c3e-0b5d-4f2e-9a61-3c2d1e0f9a8b', { path: '\\\\.\\pipe\\2f1a7c3e-0b5d-4f2e-9a61-3c2d1e0f9a8b' }],
    ['\\\\?\\pipe\\iisnode', { path: '\\\\?\\pipe\\iisnode' }],
    ['//./pipe/app', { path: '//./pipe/app' }],
    ['/tmp/adapt-iisnode.sock', { path: '/tmp/adapt-iisnode.sock' }],
    ['./app.sock', { path: './app.sock' }],
    ['8080', { port: 8080 }],
    ['0', { port: 0 }],
    ['65535', { port: 65535 }],
  ])('%s', (value, expected) => {
    expect(iisnodeListenTarget(value)).toEqual(expected);
  });

  it.each(['65536', 'http://localhost:3000', 'pipe-name', '\\\\.\\notapipe\\x', '12ab', ' 80', 'localhost:3000'])('refuses %s, naming it and what to set', (value) => {
    expect(() => iisnodeListenTarget(value)).toThrow(`environment variable PORT is ${JSON.stringify(value)}, which is neither a named pipe`);
  });

  it('says what to do when PORT is not set', () => {
    expect(() => iisnodeListenTarget(undefined)).toThrow(/PORT is not set.*PORT=3000/);
    expect(() => iisnodeListenTarget('')).toThrow(/PORT is not set/);
  });
});
