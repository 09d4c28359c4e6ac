/**
 * The client-address table (test/conformance) through `toLambdaHandler`, for every source that
 * carries X-Forwarded-For. Each platform appends the address it saw (the table's peer) to the
 * header, as ALB, Lattice and API Gateway do; API Gateway and Function URLs also report it as
 * `sourceIp`.
 */
import type { AppContext } from '@adapt/core';
import { clientAddressPeer, clientAddressRows } from '@adapt/conformance/client-address';
import { describe, expect, it } from 'vitest';
import { toLambdaHandler, type LambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, type SourceKind } from './helpers/sources.js';

const kinds: SourceKind[] = ['alb', 'alb-multi', 'lattice-v1', 'lattice-v2', 'apigw-v1', 'apigw-v2', 'function-url'];
const whoami = (_request: Request, context: AppContext) => new Response(String(context.remoteAddress));
const handlers = new Map<string, LambdaHandler>();

function handlerFor(trustProxy: (typeof clientAddressRows)[number]['trustProxy']): LambdaHandler {
  const key = JSON.stringify(trustProxy);
  if (!handlers.has(key)) handlers.set(key, toLambdaHandler(whoami, { trustProxy }));
  return handlers.get(key)!;
}

/** The event `kind` delivers when the last hop in front (`peer`) forwarded `forwarded`. */
function eventFor(kind: SourceKind, forwarded: string | undefined, peer: string): any {
  const event: any = buildEvent(kind, { method: 'GET', path: '/' }, { sourceIp: peer });
  const header = forwarded === undefined ? peer : `${forwarded}, ${peer}`;
  for (const field of ['headers', 'multiValueHeaders']) {
    const record = event[field];
    if (record == null) continue;
    const multi = field === 'multiValueHeaders' || kind === 'lattice-v2';
    for (const name of Object.keys(record)) if (name.toLowerCase() === 'x-forwarded-for') delete record[name];
    record['x-forwarded-for'] = multi ? [header] : header;
  }
  return event;
}

describe.each(kinds)('%s: the client-address table', (kind) => {
  it.each(clientAddressRows)('$name', async (row) => {
    const result = await handlerFor(row.trustProxy)(eventFor(kind, row.forwarded, clientAddressPeer), lambdaContext());
    expect(result.body).toBe(row.expected);
  });
});

describe('the platform hop', () => {
  it('API Gateway without the sourceIp in X-Forwarded-For: every entry is in front of it', async () => {
    const event = eventFor('apigw-v2', '6.6.6.6, 203.0.113.7', clientAddressPeer);
    event.headers['x-forwarded-for'] = '6.6.6.6, 203.0.113.7';
    expect((await handlerFor(1)(event, lambdaContext())).body).toBe('203.0.113.7');
    expect((await handlerFor(false)(event, lambdaContext())).body).toBe(clientAddressPeer);
  });

  it('a bad trustProxy is refused when the handler is made, named, with an example', () => {
    expect(() => toLambdaHandler(whoami, { trustProxy: ['10.0.0.0/8', 'fd00::/129'] })).toThrow(
      /option "trustProxy" must be false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as \["10\.0\.0\.0\/8".*"fd00::\/129" is not an IP address/,
    );
  });
});
