/**
 * The client's address behind Google's front end, by core's client-address rule: the front end
 * is the one trusted hop (the peer), and it appends the address it saw to X-Forwarded-For, so the
 * last entry is the client; entries before it came from the client or a proxy of its own.
 */
import type { IncomingMessage } from 'node:http';
import { clientAddress, forwardedForList, trustRule } from '@adapt/core';

/** One trusted hop: Google's front end, which hands the request to the instance. */
const googleFrontEnd = trustRule(1);

/** The last X-Forwarded-For entry, else the socket's address (a local functions-framework without a proxy). */
export function gcfRemoteAddress(req: IncomingMessage): string | undefined {
  return clientAddress(req.socket.remoteAddress, forwardedForList(req.headers['x-forwarded-for']), googleFrontEnd);
}
