/**
 * Starts moto's server (a local AWS endpoint that speaks the real Lambda and IAM HTTP APIs) on a
 * free port for one test file, and stops it afterwards. Whether moto is here at all is asked
 * through test/components.ts (skipped locally, a failure under CI=true).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Moto {
  endpoint: string;
  /** Forgets every resource (POST /moto-api/reset) and sets the no-Docker Lambda config again. */
  reset(): Promise<void>;
  /** Queues what moto's Docker-less Invoke answers next (it cannot run Node code itself). */
  queueInvokeResults(results: string[], region?: string): Promise<void>;
  stop(): Promise<void>;
}

async function configure(endpoint: string): Promise<void> {
  const answer = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!answer.ok) throw new Error(`moto refused its config: ${answer.status} ${await answer.text()}`);
}

export async function startMoto(): Promise<Moto> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const endpoint = `http://127.0.0.1:${port}`;
    const ready = await waitReady(endpoint, exited);
    if (!ready) {
      child.kill('SIGKILL');
      lastError = stderr;
      continue;
    }
    await configure(endpoint);
    // never outlive the test process, even when it dies before afterAll
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    return {
      endpoint,
      async reset() {
        await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        await configure(endpoint);
      },
      async queueInvokeResults(results, region = 'us-east-1') {
        const answer = await fetch(`${endpoint}/moto-api/static/lambda-simple/response`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ results, region }),
        });
        if (answer.status !== 201) throw new Error(`moto refused the invoke results: ${answer.status}`);
      },
      async stop() {
        process.off('exit', killOnExit);
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
  throw new Error(`moto's server did not start: ${lastError}`);
}

async function waitReady(endpoint: string, exited: Promise<number | null>): Promise<boolean> {
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 30_000;
  while (!done && Date.now() < deadline) {
    try {
      const answer = await fetch(`${endpoint}/moto-api/data.json`);
      await answer.arrayBuffer();
      if (answer.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
