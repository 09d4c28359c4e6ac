import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { gcfRemoteAddress } from './client-address.js';

const request = (forwardedFor: string | string[] | undefined, peer = '169.254.1.1') =>
  ({ headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe('gcfRemoteAddress', () => {
  it.each([
    [undefined, '169.254.1.1'],
    ['', '169.254.1.1'],
    ['203.0.113.9', '203.0.113.9'],
    ['203.0.113.9, 198.51.100.7', '198.51.100.7'],
    ['spoofed,198.51.100.7', '198.51.100.7'],
    [['10.0.0.1, 10.0.0.2', '2001:db8::1'], '2001:db8::1'],
  ])('X-Forwarded-For %j gives %j', (value, expected) => {
    expect(gcfRemoteAddress(request(value))).toBe(expected);
  });
});
