/**
 * The client's address behind proxies: one rule for every target.
 *
 * The hops are the peer that handed the request over (the socket's address on Node; the address
 * the platform itself saw on Lambda), then the X-Forwarded-For entries from right to left. The
 * rule walks them from the peer outwards and stops at the first hop it does not trust: that hop
 * is the client. When every hop is trusted, the leftmost entry is. This is the rule of the
 * proxy-addr package (Express's `trust proxy`), written again here: core has no dependencies.
 *
 * `trustProxy` is one of:
 * - `false` (or `0`): trust no proxy; the peer is the client.
 * - `true`: trust every hop; the leftmost X-Forwarded-For entry is the client.
 * - a number `n`: trust the first `n` hops (the peer is hop 0).
 * - a list of addresses and CIDRs (IPv4 and IPv6: `'10.0.0.0/8'`, `'::1'`, `'fd00::/8'`) and the
 *   names `loopback`, `linklocal` and `uniquelocal`, or the same list as one comma-separated
 *   string: trust the hops whose address is in it.
 */

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

const expected =
  'false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as ["10.0.0.0/8", "::1", "loopback"]';

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
    if (parseRange(entry.trim()) === undefined && !(entry.trim() in namedRanges)) {
      return `${expected} (${JSON.stringify(entry.trim())} is not an IP address, a CIDR or one of ${Object.keys(namedRanges).join(', ')})`;
    }
  }
  return undefined;
}

/** Compiles `trustProxy`; throws a TypeError naming the option when it is not valid. */
export function trustRule(setting: TrustProxy | undefined, name = 'trustProxy'): TrustRule {
  if (setting === undefined || setting === false || setting === 0) return trustNone;
  if (setting === true) return trustAll;
  const problem = trustProxyProblem(setting);
  if (problem) throw new TypeError(`adapt: option "${name}" must be ${problem}; got ${JSON.stringify(setting)}`);
  if (typeof setting === 'number') return (_address, index) => index < setting;
  const ranges: Range[] = [];
  for (const raw of typeof setting === 'string' ? setting.split(',') : setting) {
    const entry = raw.trim();
    for (const text of namedRanges[entry] ?? [entry]) ranges.push(parseRange(text)!);
  }
  return (address) => {
    const ip = parseIp(address);
    return ip !== undefined && ranges.some((range) => inRange(ip, range));
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

/** The X-Forwarded-For entries, left to right; empty entries are skipped. */
export function forwardedForList(header: string | readonly string[] | null | undefined): string[] {
  if (header == null) return [];
  const text = typeof header === 'string' ? header : header.join(',');
  const list: string[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry) list.push(entry);
  }
  return list;
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

// Addresses are compared as eight 16-bit groups; an IPv4 address is its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), so IPv4 ranges also match the mapped addresses a dual-stack socket reports.
type Ip = Uint16Array;
interface Range {
  ip: Ip;
  bits: number;
}

function parseRange(text: string): Range | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const v4 = !text.slice(0, slash === -1 ? undefined : slash).includes(':');
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const prefix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return undefined;
    bits = Number(prefix);
  }
  return { ip, bits: v4 ? bits + 96 : bits };
}

function inRange(ip: Ip, range: Range): boolean {
  let bits = range.bits;
  for (let group = 0; group < 8 && bits > 0; group++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((ip[group] & mask) !== (range.ip[group] & mask)) return false;
  }
  return true;
}

/** An IPv4 (dotted decimal) or IPv6 address (a `%zone` is ignored), else undefined. */
export function parseIp(text: string): Ip | undefined {
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    if (v4 === undefined) return undefined;
    const ip = new Uint16Array(8);
    ip[5] = 0xffff;
    ip[6] = v4[0];
    ip[7] = v4[1];
    return ip;
  }
  const zone = text.indexOf('%');
  const halves = (zone === -1 ? text : text.slice(0, zone)).split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return undefined;
  const ip = new Uint16Array(8);
  ip.set(head, 0);
  ip.set(tail, 8 - tail.length);
  return ip;
}

/** The 16-bit groups of one side of `::`; a dotted IPv4 may end the address. */
function groupsOf(side: string, endsAddress: boolean): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
      continue;
    }
    const v4 = endsAddress && i === parts.length - 1 ? parseIpv4(part) : undefined;
    if (v4 === undefined) return undefined;
    groups.push(v4[0], v4[1]);
  }
  return groups;
}

function parseIpv4(text: string): [number, number] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    bytes.push(byte);
  }
  return [(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]];
}
