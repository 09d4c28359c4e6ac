import { afterEach, describe, expect, it, vi } from 'vitest';
import { startChild, stopChildren } from './helpers/child.js';
import { send, text } from '@adapt/conformance/http';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(stopChildren);

describe('workers', () => {
  it('spreads requests over n workers, replaces a crashed one, and drains all on SIGTERM', async () => {
    const server = await startChild({ workers: 2 });
    const pidOf = async () => Number(text((await send(server.url, '/pid', { timeout: 1000 })).body));
    const seen = new Set<number>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add(await pidOf());
    expect(seen.size).toBe(2);
    expect(seen.has(server.pid)).toBe(false); // the primary does not serve

    const [victim, survivor] = [...seen];
    process.kill(victim, 'SIGKILL');
    let replacement = 0;
    await vi.waitFor(
      async () => {
        const pid = await pidOf().catch(() => 0); // a connection may land on the dying worker
        if (pid !== survivor && pid !== 0) replacement = pid;
        expect(replacement, server.output()).not.toBe(0);
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(replacement).not.toBe(victim);
    expect(server.output()).toMatch(new RegExp(`worker ${victim} died \\(SIGKILL\\); starting another`));

    // a request in flight on a worker finishes during the shutdown
    const slow = send(server.url, '/slow?ms=500');
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.child.kill('SIGTERM');
    expect(text((await slow).body)).toMatch(/^slow done/);
    expect(await server.exited).toBe(0);
    for (const pid of [survivor, replacement]) {
      expect(server.output()).toContain(`teardown ${pid}`);
      expect(alive(pid)).toBe(false);
    }
  });
});
