/**
 * The client's address behind proxies: one rule for every target.
 *
 * The hops are the peer that handed the request over (the socket's address on Node; the address
 * the platform itself saw on Lambda), then the X-Forwarded-For entries from right to left. The
 * rule walks them from the peer outwards and stops at the first hop it does not trust: that hop
 * is the client. When every hop is trusted, the leftmost entry is. This is the rule of the
 * proxy-addr package (Express's `trust proxy`), written again here: core has no dependencies
 * (address ranges are matched by node:net's BlockList, which also matches IPv4-mapped IPv6).
 *
 * `trustProxy` is one of:
 * - `false` (or `0`): trust no proxy; the peer is the client.
 * - `true`: trust every hop; the leftmost X-Forwarded-For entry is the client.
 * - a number `n`: trust the first `n` hops (the peer is hop 0).
 * - a list of addresses and CIDRs (IPv4 and IPv6: `'10.0.0.0/8'`, `'::1'`, `'fd00::/8'`) and the
 *   names `loopback`, `linklocal` and `uniquelocal`, or the same list as one comma-separated
 *   string: trust the hops whose address is in it.
 */
import type * as Net from 'node:net';

export type TrustProxy = boolean | number | string | readonly string[];

/** A compiled `trustProxy`: is the hop at `index` (0 is the peer) with this address trusted? */
export type TrustRule = (address: string, index: number) => boolean;

/** The rule for `false`: the peer is the client, X-Forwarded-For is never read. */
export const trustNone: TrustRule = () => false;
const trustAll: TrustRule = () => true;

const namedRanges: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const expected = 'false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as ["10.0.0.0/8", "::1", "loopback"]';

/**
 * Why `value` is not a valid `trustProxy`, as the words that follow "expected" in a config
 * error (what is allowed, an example, and the entry that does not parse); undefined when valid.
 */
export function trustProxyProblem(value: unknown): string | undefined {
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? undefined : expected;
  const entries = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (entries === undefined) return expected;
  if (entries.length === 0) return `${expected} (an empty list trusts nothing: write false)`;
  for (const entry of entries) {
    if (typeof entry !== 'string') return `${expected} (the list holds ${entry === null ? 'null' : typeof entry})`;
    if (!(entry.trim() in namedRanges) && parseRange(entry.trim()) === undefined) {
      return `${expected} (${JSON.stringify(entry.trim())} is not an IP address, a CIDR or one of ${Object.keys(namedRanges).join(', ')})`;
    }
  }
  return undefined;
}

/** node:net, loaded on first use: importing it costs a cold start some 10 ms, and most apps trust no proxy. */
function net(): typeof Net {
  return process.getBuiltinModule('node:net') as typeof Net;
}

/** Compiles `trustProxy`; throws a TypeError naming the option when it is not valid. */
export function trustRule(setting: TrustProxy | undefined, name = 'trustProxy'): TrustRule {
  if (setting === undefined || setting === false || setting === 0) return trustNone;
  if (setting === true) return trustAll;
  const problem = trustProxyProblem(setting);
  if (problem) throw new TypeError(`adapt: option "${name}" must be ${problem}; got ${JSON.stringify(setting)}`);
  if (typeof setting === 'number') return (_address, index) => index < setting;
  const { BlockList, isIP } = net();
  const ranges = new BlockList();
  for (const raw of typeof setting === 'string' ? setting.split(',') : setting) {
    const entry = raw.trim();
    for (const text of namedRanges[entry] ?? [entry]) {
      const range = parseRange(text)!;
      ranges.addSubnet(range.address, range.prefix, range.family);
    }
  }
  return (address) => {
    const version = isIP(address);
    return version !== 0 && ranges.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * `trustProxy` as written in an environment variable: `true`/`yes`, `false`/`no`, a whole number
 * of hops (`1`: the one proxy in front, such as the node target's nginx; `0`: none), or a
 * comma-separated list of addresses and CIDRs. Undefined for an empty value; a TypeError naming
 * the variable for anything else.
 */
export function parseTrustProxy(text: string | undefined, name = 'TRUST_PROXY'): TrustProxy | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'yes') return true;
  if (lower === 'false' || lower === 'no') return false;
  const setting = /^\d+$/.test(value) ? Number(value) : value;
  const problem = trustProxyProblem(setting);
  if (problem) throw new TypeError(`adapt: environment variable ${name} must be ${problem}; got ${JSON.stringify(text)}`);
  return setting;
}

/** `trustProxy` written for an environment variable, the inverse of parseTrustProxy. */
export function trustProxyEnvText(setting: TrustProxy): string {
  return typeof setting === 'string' ? setting : Array.isArray(setting) ? setting.join(',') : String(setting);
}

/**
 * The X-Forwarded-For entries, left to right, as addresses; empty entries are skipped. Some
 * proxies (Azure App Service's front end, iisnode, some load balancers) append the client's port:
 * `1.2.3.4:5678` and `[2001:db8::1]:5678` become `1.2.3.4` and `2001:db8::1`, so the trust rule
 * sees an address and the app gets one.
 */
export function forwardedForList(header: string | readonly string[] | null | undefined): string[] {
  if (header == null) return [];
  const text = typeof header === 'string' ? header : header.join(',');
  const list: string[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry) list.push(withoutPort(entry));
  }
  return list;
}

/** `1.2.3.4:5678` → `1.2.3.4`; `[::1]:5678` and `[::1]` → `::1`; a bare IPv6 address or anything else stays. */
function withoutPort(entry: string): string {
  if (entry.charCodeAt(0) === 91 /* [ */) {
    const end = entry.indexOf(']');
    return end === -1 ? entry : entry.slice(1, end);
  }
  const colon = entry.indexOf(':');
  if (colon !== -1 && colon === entry.lastIndexOf(':') && /^\d+$/.test(entry.slice(colon + 1))) return entry.slice(0, colon);
  return entry;
}

/**
 * The client: walking from `peer` (hop 0) through `forwarded` from right to left, the first hop
 * `trust` refuses, else the leftmost entry. Undefined when the peer is unknown.
 */
export function clientAddress(peer: string | undefined, forwarded: readonly string[], trust: TrustRule): string | undefined {
  if (peer === undefined || trust === trustNone || forwarded.length === 0) return peer;
  let address = peer;
  for (let index = 0, next = forwarded.length - 1; next >= 0; index++, next--) {
    if (!trust(address, index)) return address;
    address = forwarded[next];
  }
  return address;
}

/** True when the peer itself is trusted: only then are its X-Forwarded-Proto and -Host believed. */
export function trustsPeer(peer: string | undefined, trust: TrustRule): boolean {
  return trust !== trustNone && peer !== undefined && trust(peer, 0);
}

interface Range {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fd00::/8` or a single address (a whole-length prefix); undefined when it does not parse. */
function parseRange(text: string): Range | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = net().isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
  return { address, prefix: Number(prefix), family: version === 4 ? 'ipv4' : 'ipv6' };
}
