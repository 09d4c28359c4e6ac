import { runTask } from '@adapt/core';
import { describe, expect, it } from 'vitest';
import app from '../src/app.js';

const context = { platform: 'test', env: {}, remoteAddress: undefined, waitUntil: () => {}, raw: undefined };

describe('examples/hello', () => {
  it('greets on / and names the platform', async () => {
    const response = await app.fetch(new Request('http://localhost/'), context);
    expect(await response.text()).toBe('Hello from adapt on test\n');
  });
  it('answers JSON on /api/greet', async () => {
    const response = await app.fetch(new Request('http://localhost/api/greet?name=ada'), context);
    expect(await response.json()).toEqual({ greeting: 'Hello, ada!', platform: 'test' });
  });
  it('has a greet task, and its schedule names it', async () => {
    expect(await runTask(app, 'greet', ['ada'], { platform: 'test' })).toEqual({ greeting: 'Hello, ada!', platform: 'test' });
    expect(await runTask(app, 'greet', [], { platform: 'test' })).toEqual({ greeting: 'Hello, world!', platform: 'test' });
    expect(app.schedules['morning-greeting'].task).toBe('greet');
  });
  it('echoes a POST body', async () => {
    const response = await app.fetch(new Request('http://localhost/api/echo', { method: 'POST', body: 'ping' }), context);
    expect(await response.text()).toBe('ping');
  });
});
