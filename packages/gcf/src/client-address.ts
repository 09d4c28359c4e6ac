/**
 * The client's address behind Google's front end. Google appends the address it saw to
 * X-Forwarded-For, so the last entry is the one a client cannot forge; anything before it came
 * from the client or a proxy of its own.
 */
import type { IncomingMessage } from 'node:http';

/** The last X-Forwarded-For entry, else the socket's address (a local functions-framework without a proxy). */
export function gcfRemoteAddress(req: IncomingMessage): string | undefined {
  return lastForwardedFor(req.headers['x-forwarded-for']) ?? req.socket.remoteAddress;
}

/** The last entry of one or several X-Forwarded-For headers, trimmed; undefined when there is none. */
export function lastForwardedFor(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  const last = text.slice(text.lastIndexOf(',') + 1).trim();
  return last === '' ? undefined : last;
}
