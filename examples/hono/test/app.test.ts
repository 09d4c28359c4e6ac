import { describe, expect, it } from 'vitest';
import { appFetch } from '@adapt/core';
import app from '../src/app.js';

const context = { platform: 'test', env: {}, remoteAddress: undefined, waitUntil: () => {}, raw: undefined };
const fetch = appFetch(app as never);

describe('examples/hono', () => {
  it('sees the adapt context as c.env', async () => {
    expect(await (await fetch(new Request('http://localhost/'), context)).text()).toBe('Hello from Hono on test\n');
  });
  it('routes params and repeated query keys', async () => {
    const response = await fetch(new Request('http://localhost/api/users/7?tag=a&tag=b'), context);
    expect(await response.json()).toEqual({ id: '7', tags: ['a', 'b'] });
  });
});
