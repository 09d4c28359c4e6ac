// SIGHUP to a supervising primary (what `adapt restart` sends): the workers are replaced one at a
// time, each new one listening before an old one drains, under a loop of requests that loses none.
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, stopChildren } from './helpers/child.js';

afterEach(stopChildren);

function get(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('SIGHUP restarts the workers without downtime', () => {
  it.each([
    [{ workers: 2 }, '2 workers replaced'],
    [{ supervise: true }, '1 worker replaced'],
  ])('%j: every worker replaced, no request lost', async (options, detail) => {
    const server = await startChild(options);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const before = new Set<string>();
    for (let i = 0; i < 20; i++) before.add(await get(`${server.url}/pid`, agent));
    let stop = false;
    const failures: string[] = [];
    const seen = new Set<string>();
    const loop = async () => {
      while (!stop)
        await get(`${server.url}/pid`, agent).then(
          (pid) => seen.add(pid),
          (error: Error) => failures.push(error.message),
        );
    };
    const loops = [loop(), loop(), loop()];
    server.child.kill('SIGHUP');
    await waitFor(() => server.output().includes(`adapt: restart complete (${detail})`));
    const after = new Set<string>();
    for (let i = 0; i < 20; i++) after.add(await get(`${server.url}/pid`, agent));
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    expect(failures).toEqual([]);
    expect([...after].filter((pid) => before.has(pid))).toEqual([]); // only new workers answer now
    expect(server.child.exitCode).toBeNull(); // the primary stayed
  });

  it('a second SIGHUP during a restart is ignored with a line', async () => {
    const server = await startChild({ workers: 2 });
    server.child.kill('SIGHUP');
    await waitFor(() => server.output().includes('replacing 2 workers one at a time'));
    server.child.kill('SIGHUP');
    await waitFor(() => server.output().includes('adapt: restart complete (2 workers replaced)'));
    expect(server.output()).toContain('adapt: restart already in progress; ignoring SIGHUP');
  });
});
