/**
 * `@adapt/lambda/buffered`, the entry `adapt build` bundles when streaming is off: the same
 * handler as `@adapt/lambda`, and a clear error (not a silently buffered function) when asked to
 * stream.
 */
import { describe, expect, it } from 'vitest';
import * as full from '@adapt/lambda';
import * as buffered from '@adapt/lambda/buffered';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

const app = (request: Request) => new Response(`${request.method} ${new URL(request.url).pathname}`, { headers: { 'set-cookie': 'a=1' } });

describe('@adapt/lambda/buffered', () => {
  it.each<SourceKind>(['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'])(
    'answers a %s event exactly as @adapt/lambda does',
    async (kind) => {
      const event = () => buildEvent(kind, { method: 'GET', path: '/items' });
      const ours = await buffered.toLambdaHandler(app)(event(), lambdaContext());
      expect(ours).toEqual(await full.toLambdaHandler(app)(event(), lambdaContext()));
      const response = resultToResponse(kind, ours);
      expect(response.status).toBe(200);
      expect(Buffer.from(response.body).toString()).toBe('GET /items');
    },
  );

  it('refuses streaming with an error that says which entry streams', () => {
    expect(() => buffered.toLambdaHandler(app, { streaming: true })).toThrow(/import toLambdaHandler from '@adapt\/lambda'/);
  });

  it('exports what @adapt/lambda exports', () => {
    expect(Object.keys(buffered).sort()).toEqual(Object.keys(full).sort());
  });
});
