/**
 * What iisnode adds to the request head, read from Node's `rawHeaders` (name, value, name, value...):
 * - promoted server variables: iisnode writes one `X-iisnode-<NAME>` header per variable named in
 *   `promoteServerVars`, after every header the client sent. A client can send the same name first,
 *   so the last value is iisnode's; variables the config does not promote are never believed.
 * - the client address: with `enableXFF`, iisnode appends the address it sees as the last
 *   X-Forwarded-For entry (earlier entries are whatever the client sent).
 * The app never sees an `x-iisnode-*` header.
 */

import { clientAddress, forwardedForList, trustNone, type TrustRule } from '@adapt/core';

const prefix = 'x-iisnode-';

export interface IisnodeHead {
  /** The raw header list without any `x-iisnode-*` header. */
  rawHeaders: string[];
  /** The promoted variables iisnode sent, by the name the config gives them. */
  serverVariables: Record<string, string>;
  /** Every X-Forwarded-For value, in order (possibly empty). */
  forwardedFor: string[];
}

/**
 * Splits iisnode's additions off the raw header list. `promoted` maps a lower-case variable name
 * to the name as configured (`auth_user` → `AUTH_USER`).
 */
export function readIisnodeHead(rawHeaders: readonly string[], promoted: ReadonlyMap<string, string>): IisnodeHead {
  const kept: string[] = [];
  const serverVariables: Record<string, string> = {};
  const forwardedFor: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    const lower = name.length > prefix.length ? name.toLowerCase() : '';
    if (lower.startsWith(prefix)) {
      const configured = promoted.get(lower.slice(prefix.length));
      if (configured !== undefined) serverVariables[configured] = value; // the last one wins: iisnode's comes after any forged one
      continue;
    }
    if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for') forwardedFor.push(value);
    kept.push(name, value);
  }
  return { rawHeaders: kept, serverVariables, forwardedFor };
}

/** The promoted names, lower-cased for lookup: `'AUTH_USER,AUTH_TYPE'` or a list. */
export function promotedNames(value: string | readonly string[] | undefined): Map<string, string> {
  const list = value === undefined ? [] : typeof value === 'string' ? value.split(',') : value;
  const names = new Map<string, string>();
  for (const item of list) {
    if (typeof item !== 'string') throw new TypeError(`adapt: option "promoteServerVars" must list IIS server variable names; got ${JSON.stringify(item)}`);
    const name = item.trim();
    if (name === '') continue;
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new TypeError(`adapt: option "promoteServerVars": ${JSON.stringify(name)} is not an IIS server variable name (letters, digits and _, such as AUTH_USER)`);
    }
    names.set(name.toLowerCase(), name);
  }
  return names;
}

/**
 * The client's address, by core's client-address rule with IIS as hop 0 (the peer: a named pipe
 * has no address, and IIS runs on the same machine). iisnode's `enableXFF` is `trust: 1`: IIS is
 * trusted, so the entry it appended, the last one, is the client; behind one more proxy that
 * appends (Azure App Service's front end) it is 2. A promoted REMOTE_ADDR (iisnode's own, never
 * forged) comes first; with no trust, no forwarding header is read and the socket's address
 * stands (a named pipe has none). HttpPlatformHandler and Azure's front end write `ip:port`: the
 * port is dropped.
 */
export function iisnodeClientAddress(head: Pick<IisnodeHead, 'serverVariables' | 'forwardedFor'>, trust: TrustRule, socketAddress: string | undefined): string | undefined {
  const remoteAddr = head.serverVariables.REMOTE_ADDR ?? findInsensitive(head.serverVariables, 'remote_addr');
  if (remoteAddr) return remoteAddr;
  if (trust === trustNone || head.forwardedFor.length === 0) return socketAddress;
  const forwarded = forwardedForList(head.forwardedFor);
  if (forwarded.length === 0) return socketAddress;
  return clientAddress(socketAddress ?? '127.0.0.1', forwarded, trust);
}

function findInsensitive(record: Record<string, string>, lower: string): string | undefined {
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}
