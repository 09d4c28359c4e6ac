import { describe, expect, it } from 'vitest';
import app from '../src/app.js';

const context = { platform: 'test', env: {}, remoteAddress: '198.51.100.4', waitUntil: () => {}, raw: undefined };

describe('examples/express', () => {
  it('answers through fromNodeHandler', async () => {
    const response = await app.fetch(new Request('http://localhost/'), context);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('Hello from Express\n');
  });
  it('parses a JSON body with express.json()', async () => {
    const request = new Request('http://localhost/api/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await (await app.fetch(request, context)).json()).toEqual({ received: { a: 1 } });
  });
  it('sees the client address', async () => {
    expect(await (await app.fetch(new Request('http://localhost/api/users/3'), context)).json()).toEqual({ id: '3', ip: '198.51.100.4' });
  });
});
