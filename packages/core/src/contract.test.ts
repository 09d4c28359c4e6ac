import { describe, expect, it, vi } from 'vitest';
import { appFetch, createLifecycle, defineApp, WaitUntilList } from './contract.js';
import { errorAnswer, HttpError } from './errors.js';

describe('appFetch', () => {
  it('accepts a function and an object with fetch, bound to the object', async () => {
    const fn = () => new Response('fn');
    expect(appFetch(fn)).toBe(fn);
    const app = defineApp({
      greeting: 'obj',
      fetch(this: { greeting: string }) {
        return new Response(this.greeting);
      },
    });
    const response = await appFetch(app)(new Request('http://x/'), {} as never);
    expect(await response.text()).toBe('obj');
  });

  it.each([
    [null, 'null'],
    [42, 'number'],
    [{}, 'an object'],
    [[], 'an array'],
  ])('refuses %j and says what it got', (value, what) => {
    expect(() => appFetch(value as never)).toThrow(new RegExp(`got ${what}.*default export`));
  });
});

describe('createLifecycle', () => {
  it('runs setup once however many requests wait for it', async () => {
    const setup = vi.fn(async () => {});
    const lifecycle = createLifecycle({ fetch: () => new Response(), setup }, { platform: 'test', env: {} });
    await Promise.all([lifecycle.setup(), lifecycle.setup(), lifecycle.setup()]);
    expect(setup).toHaveBeenCalledTimes(1);
    expect(setup).toHaveBeenCalledWith({ platform: 'test', env: {} });
  });

  it('remembers a failed setup', async () => {
    const lifecycle = createLifecycle(
      {
        fetch: () => new Response(),
        setup: () => {
          throw new Error('db down');
        },
      },
      { platform: 'test', env: {} },
    );
    await expect(lifecycle.setup()).rejects.toThrow('db down');
    await expect(lifecycle.setup()).rejects.toThrow('db down');
  });

  it('teardown is optional', async () => {
    await expect(createLifecycle(() => new Response(), { platform: 'test', env: {} }).teardown()).resolves.toBeUndefined();
  });
});

describe('WaitUntilList', () => {
  it('settles tasks added meanwhile and reports failures without throwing', async () => {
    const failures: unknown[] = [];
    const list = new WaitUntilList((error) => failures.push(error));
    const order: string[] = [];
    list.add(
      new Promise((resolve) =>
        setTimeout(() => {
          order.push('a');
          list.add(Promise.resolve().then(() => order.push('b')));
          resolve(null);
        }, 5),
      ),
    );
    list.add(Promise.reject(new Error('boom')));
    await list.settle();
    expect(order).toEqual(['a', 'b']);
    expect(failures).toHaveLength(1);
    expect(list.size).toBe(0);
  });
});

describe('errorAnswer', () => {
  it('hides the message and stack of an app error', () => {
    const answer = errorAnswer(new Error('secret detail'));
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('500 Internal Server Error\n');
  });
  it('tells the client what was wrong with its request', () => {
    expect(errorAnswer(new HttpError(413, 'BODY_TOO_LARGE', 'too big')).body).toBe('413 Payload Too Large: too big\n');
  });
  it('shows the stack in development', () => {
    expect(errorAnswer(new Error('detail'), { dev: true }).body).toMatch(/Error: detail\n\s+at /);
  });
});
