import { describe, expect, it } from 'vitest';
import { trustRule } from '@adapt/core';
import { iisnodeClientAddress, promotedNames, readIisnodeHead } from './headers.js';

const promoted = promotedNames('AUTH_USER,AUTH_TYPE , REMOTE_ADDR');

describe('readIisnodeHead', () => {
  it('takes the last value of each promoted variable (iisnode writes after the client) and drops every x-iisnode-* header', () => {
    const head = readIisnodeHead(
      ['Host', 'x', 'X-iisnode-AUTH_USER', 'forged', 'x-iisnode-secret', 'forged too', 'Accept', '*/*', 'X-iisnode-AUTH_USER', 'CONTOSO\\ada', 'X-iisnode-auth_type', 'Negotiate'],
      promoted,
    );
    expect(head.serverVariables).toEqual({ AUTH_USER: 'CONTOSO\\ada', AUTH_TYPE: 'Negotiate' });
    expect(head.rawHeaders).toEqual(['Host', 'x', 'Accept', '*/*']);
  });

  it('believes none when nothing is promoted, and still hides them', () => {
    const head = readIisnodeHead(['X-iisnode-AUTH_USER', 'forged', 'X-IISNODE-REMOTE_ADDR', '6.6.6.6', 'Host', 'x'], promotedNames(undefined));
    expect(head.serverVariables).toEqual({});
    expect(head.rawHeaders).toEqual(['Host', 'x']);
  });

  it('collects every X-Forwarded-For value in order', () => {
    expect(readIisnodeHead(['X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '2.2.2.2, 3.3.3.3'], promoted).forwardedFor).toEqual(['1.1.1.1', '2.2.2.2, 3.3.3.3']);
  });
});

describe('iisnodeClientAddress', () => {
  const none = { serverVariables: {}, forwardedFor: [] as string[] };
  it.each([
    ['the last X-Forwarded-For entry with enableXFF (IIS trusted, one hop)', { ...none, forwardedFor: ['6.6.6.6, 7.7.7.7', '203.0.113.9'] }, 1, '203.0.113.9'],
    ['the last entry inside one header', { ...none, forwardedFor: ['6.6.6.6, 203.0.113.9'] }, 1, '203.0.113.9'],
    ['behind one more proxy that appends (Azure front end): two hops', { ...none, forwardedFor: ['6.6.6.6, 203.0.113.9:50123, 10.0.0.4'] }, 2, '203.0.113.9'],
    ['without the port HttpPlatformHandler adds', { ...none, forwardedFor: ['203.0.113.9:51234'] }, 1, '203.0.113.9'],
    ['an IPv6 address with a port', { ...none, forwardedFor: ['[2001:db8::1]:51234'] }, 1, '2001:db8::1'],
    ['a bare IPv6 address', { ...none, forwardedFor: ['2001:db8::1'] }, 1, '2001:db8::1'],
    ['the socket when nothing is trusted, whatever the client sent', { ...none, forwardedFor: ['6.6.6.6'] }, false, undefined],
    ['the socket without any header', none, 1, undefined],
    ['a promoted REMOTE_ADDR before anything else', { serverVariables: { REMOTE_ADDR: '198.51.100.4' }, forwardedFor: ['6.6.6.6'] }, 1, '198.51.100.4'],
  ] as const)('%s', (_name, head, trust, expected) => {
    expect(iisnodeClientAddress({ serverVariables: head.serverVariables, forwardedFor: [...head.forwardedFor] }, trustRule(trust), undefined)).toBe(expected);
  });
});

describe('promotedNames', () => {
  it('accepts a comma list or an array, and refuses a name IIS cannot have', () => {
    expect([...promotedNames(['AUTH_USER', 'HTTPS']).values()]).toEqual(['AUTH_USER', 'HTTPS']);
    expect(() => promotedNames('AUTH USER')).toThrow('is not an IIS server variable name');
  });
});
