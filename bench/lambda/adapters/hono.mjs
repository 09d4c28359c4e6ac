// hono/aws-lambda's handle() around the same fetch app (no router: the adapter's cost only).
import { importPeer } from '../../lib/peers.mjs';

const { handle } = await importPeer('hono/aws-lambda');

export const label = 'hono/aws-lambda';
export const role = 'peer';
export const makeHandler = (app) => handle({ fetch: (request) => app(request) });
