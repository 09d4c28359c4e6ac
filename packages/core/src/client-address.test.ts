import { describe, expect, it } from 'vitest';
import { clientAddress, forwardedForList, parseTrustProxy, trustProxyEnvText, trustProxyProblem, trustRule, trustsPeer } from './client-address.js';

const walk = (peer: string, header: string, setting: Parameters<typeof trustRule>[0]) => clientAddress(peer, forwardedForList(header), trustRule(setting));

describe('the client-address rule (proxy-addr semantics)', () => {
  it('false: the peer, whatever X-Forwarded-For says', () => {
    expect(walk('10.0.0.1', '6.6.6.6, 203.0.113.7', false)).toBe('10.0.0.1');
    expect(walk('10.0.0.1', '6.6.6.6', 0)).toBe('10.0.0.1');
  });

  it('true: the leftmost entry', () => {
    expect(walk('10.0.0.1', '6.6.6.6, 203.0.113.7', true)).toBe('6.6.6.6');
    expect(walk('10.0.0.1', '', true)).toBe('10.0.0.1');
  });

  it('a hop count: the peer is hop 0; more hops than entries stop at the leftmost', () => {
    expect(walk('10.0.0.1', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(walk('10.0.0.1', '6.6.6.6, 203.0.113.7', 2)).toBe('6.6.6.6');
    expect(walk('10.0.0.1', '6.6.6.6, 203.0.113.7', 9)).toBe('6.6.6.6');
  });

  it('a list: stops at the first untrusted hop from the right', () => {
    expect(walk('127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3', ['loopback', '10.0.0.0/8'])).toBe('203.0.113.7');
    expect(walk('127.0.0.1', '6.6.6.6, 203.0.113.7', 'loopback, 203.0.113.0/24')).toBe('6.6.6.6');
    expect(walk('192.0.2.1', '6.6.6.6', ['loopback'])).toBe('192.0.2.1');
    // an entry that is not an address is never trusted: it is what the trusted proxy reported
    expect(walk('127.0.0.1', '6.6.6.6, unknown', ['loopback'])).toBe('unknown');
  });

  it('IPv6 ranges, and IPv4 ranges matching IPv4-mapped peers', () => {
    expect(walk('::1', '6.6.6.6, 2001:db8::5', ['loopback', '2001:db8::/32'])).toBe('6.6.6.6');
    expect(walk('::ffff:127.0.0.1', '203.0.113.7', ['127.0.0.1'])).toBe('203.0.113.7');
    expect(walk('fe80::1%eth0', '203.0.113.7', ['linklocal'])).toBe('203.0.113.7');
    expect(walk('2001:db9::1', '203.0.113.7', ['2001:db8::/32'])).toBe('2001:db9::1');
    expect(walk('172.31.255.255', '203.0.113.7', ['uniquelocal'])).toBe('203.0.113.7');
    expect(walk('172.32.0.1', '203.0.113.7', ['uniquelocal'])).toBe('172.32.0.1');
  });

  it('X-Forwarded-For lists skip empty entries and spaces; repeated header lines join', () => {
    expect(forwardedForList(' , 6.6.6.6 ,,203.0.113.7 ')).toEqual(['6.6.6.6', '203.0.113.7']);
    expect(forwardedForList(['6.6.6.6', '203.0.113.7'])).toEqual(['6.6.6.6', '203.0.113.7']);
    expect(forwardedForList(undefined)).toEqual([]);
  });

  it('X-Forwarded-For entries with a port (Azure, iisnode) become addresses; bare IPv6 stays', () => {
    expect(forwardedForList('203.0.113.7:51234, [2001:db8::1]:443, [::1], 2001:db8::2, unknown, _hidden')).toEqual([
      '203.0.113.7',
      '2001:db8::1',
      '::1',
      '2001:db8::2',
      'unknown',
      '_hidden',
    ]);
    const trust = trustRule('loopback');
    expect(clientAddress('127.0.0.1', forwardedForList('198.51.100.9:6000, 127.0.0.1:8080'), trust)).toBe('198.51.100.9');
  });

  it('Proto and Host are believed only from a trusted peer', () => {
    expect(trustsPeer('127.0.0.1', trustRule(['loopback']))).toBe(true);
    expect(trustsPeer('192.0.2.1', trustRule(['loopback']))).toBe(false);
    expect(trustsPeer('192.0.2.1', trustRule(false))).toBe(false);
    expect(trustsPeer('192.0.2.1', trustRule(1))).toBe(true);
  });
});

describe('addresses and ranges', () => {
  const trusted = (address: string, setting: string[]) => trustRule(setting)(address, 0);
  it.each([
    ['1.2.3.4', ['1.2.3.4']],
    ['0.0.0.0', ['0.0.0.0/0']],
    ['255.255.255.255', ['255.255.255.0/24']],
    ['::', ['::/128']],
    ['::1', ['loopback']],
    ['2001:db8::', ['2001:db8::/32']],
    ['1:2:3:4:5:6:7:8', ['1:2:3:4::/64']],
    ['::ffff:10.1.2.3', ['10.0.0.0/8']],
    ['10.1.2.3', ['::ffff:10.0.0.0/104']],
    ['fe80::1%eth0', ['linklocal']],
  ])('%s is in %j', (address, setting) => {
    expect(trusted(address, setting)).toBe(true);
  });
  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', '1:2:3:4:5:6:7', '1::2::3', 'localhost', 'unknown'])('%j is no address, never trusted', (address) => {
    expect(trusted(address, ['0.0.0.0/0', '::/0'])).toBe(false);
  });
});

describe('bad trustProxy values are refused with what is allowed and an example', () => {
  it.each([['10.0.0.0/33'], [['10.0.0.0/8', '::1/129']], ['loopbak'], [-1], [1.5], [[]], [{}], [null], [['10.0.0.0/8', 3]], ['10.0.0.0/8/8']])('%j', (value) => {
    const problem = trustProxyProblem(value);
    expect(problem).toMatch(/false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as \["10\.0\.0\.0\/8"/);
    expect(() => trustRule(value as never)).toThrow(/option "trustProxy" must be false, true/);
  });
  it('names the entry that does not parse', () => {
    expect(trustProxyProblem(['loopback', '10.0.0.0/33'])).toMatch(/"10\.0\.0\.0\/33" is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal/);
  });
  it.each([[false], [true], [0], [3], ['loopback'], ['10.0.0.0/8, ::1'], [['192.168.0.0/16', 'fd00::/8', 'uniquelocal']]])('accepts %j', (value) => {
    expect(trustProxyProblem(value)).toBeUndefined();
  });
});

describe('TRUST_PROXY as an environment variable', () => {
  it('true/yes and false/no are booleans, whole numbers are hops, else a list; written back the same', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('YES')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('0')).toBe(0);
    expect(parseTrustProxy('2')).toBe(2);
    for (const setting of [true, false, 0, 1, 3, 'loopback', ['loopback', '10.0.0.0/8']] as const) {
      const back = parseTrustProxy(trustProxyEnvText(setting));
      expect(back).toEqual(Array.isArray(setting) ? setting.join(',') : setting);
    }
    expect(parseTrustProxy('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    expect(parseTrustProxy('')).toBeUndefined();
    expect(parseTrustProxy(undefined)).toBeUndefined();
  });
  it('refuses anything else, naming the variable', () => {
    expect(() => parseTrustProxy('maybe')).toThrow(/environment variable TRUST_PROXY must be false, true, .*"maybe" is not an IP address/);
  });
});
