/**
 * The client-address table: the same X-Forwarded-For chains and `trustProxy` settings must give
 * the same `context.remoteAddress` on every target that has forwarding headers. Each row is the
 * header as it reaches the last hop in front of the target (`forwarded`) and that hop's address
 * (`peer`): on Node the socket's peer; on ALB and Lattice the address the platform saw, which it
 * appends to X-Forwarded-For; on API Gateway and Function URLs the reported `sourceIp`, which it
 * appends too. Every peer is 127.0.0.1, the only address a test socket can come from.
 */
export type TrustSetting = boolean | number | string | readonly string[];

export interface ClientAddressRow {
  name: string;
  trustProxy: TrustSetting;
  /** X-Forwarded-For as the peer forwards it; undefined for no header. */
  forwarded: string | undefined;
  /** The address `context.remoteAddress` must report. */
  expected: string;
}

export const clientAddressPeer = '127.0.0.1';

export const clientAddressRows: readonly ClientAddressRow[] = [
  { name: 'trust nothing: the peer, a forged header ignored', trustProxy: false, forwarded: '6.6.6.6', expected: '127.0.0.1' },
  { name: 'trust nothing, written as 0 hops', trustProxy: 0, forwarded: '6.6.6.6, 203.0.113.7', expected: '127.0.0.1' },
  { name: 'trust everything: the leftmost entry', trustProxy: true, forwarded: '198.51.100.1, 203.0.113.7', expected: '198.51.100.1' },
  { name: 'trust everything, no header: the peer', trustProxy: true, forwarded: undefined, expected: '127.0.0.1' },
  { name: 'one hop: the entry the peer appended', trustProxy: 1, forwarded: '6.6.6.6, 203.0.113.7', expected: '203.0.113.7' },
  { name: 'two hops', trustProxy: 2, forwarded: '198.51.100.1, 6.6.6.6, 203.0.113.7', expected: '6.6.6.6' },
  { name: 'more hops than entries: the leftmost', trustProxy: 5, forwarded: '198.51.100.1, 203.0.113.7', expected: '198.51.100.1' },
  { name: 'empty entries and spaces are skipped', trustProxy: 1, forwarded: ' , 6.6.6.6 ,, 203.0.113.7 ', expected: '203.0.113.7' },
  { name: 'a list: loopback trusted, the next hop is not', trustProxy: ['loopback'], forwarded: '6.6.6.6, 203.0.113.7', expected: '203.0.113.7' },
  { name: 'a list with a CIDR: walks through the trusted proxy', trustProxy: ['127.0.0.1', '10.0.0.0/8'], forwarded: '6.6.6.6, 198.51.100.1, 10.1.2.3', expected: '198.51.100.1' },
  { name: 'a comma-separated string', trustProxy: 'loopback, 203.0.113.0/24', forwarded: '6.6.6.6, 203.0.113.7', expected: '6.6.6.6' },
  { name: 'a list that does not hold the peer: the peer', trustProxy: ['10.0.0.0/8'], forwarded: '6.6.6.6, 10.1.2.3', expected: '127.0.0.1' },
  { name: 'IPv6 proxies in the chain', trustProxy: ['loopback', '2001:db8::/32'], forwarded: '198.51.100.1, 2001:db8::5', expected: '198.51.100.1' },
  { name: 'an IPv6 client', trustProxy: ['loopback'], forwarded: '2001:db8::77', expected: '2001:db8::77' },
  { name: 'an entry that is not an address is never trusted', trustProxy: ['loopback', '10.0.0.0/8'], forwarded: '6.6.6.6, unknown, 10.0.0.9', expected: 'unknown' },
];
