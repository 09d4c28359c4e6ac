/**
 * `adapt invoke --target gcf --path /x`: one request through the built function, under the real
 * functions-framework (started on a free local port, stopped after the answer).
 */
import { AdaptError, type InvokeOptions, type InvokeResult, type TargetContext } from '@adapt/core';
import { choosePort, signalBuild, spawnBuild, waitForPort } from './start.js';

export function invokeTarget(target: 'gcf' | 'appengine') {
  return async (ctx: TargetContext, options: InvokeOptions): Promise<InvokeResult> => {
    if (options.event) {
      throw new AdaptError('USAGE', `adapt invoke --target ${target} sends an HTTP request; --event is for Lambda events`, { hint: `use --path /some/path (and --method)` });
    }
    const requestPath = options.path ?? '/';
    if (!requestPath.startsWith('/')) throw new AdaptError('USAGE', `--path must start with "/"; got ${JSON.stringify(requestPath)}`, { hint: 'write it like --path /health' });
    const host = '127.0.0.1';
    const port = await choosePort(0, host);
    const child = await spawnBuild(ctx, target, port, host, 'pipe');
    child.stdout?.pipe(process.stderr);
    try {
      await waitForPort(child, host, port);
      const response = await fetch(`http://${host}:${port}${requestPath}`, { method: (options.method ?? 'GET').toUpperCase() });
      const bytes = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string | string[]> = {};
      response.headers.forEach((value, key) => {
        if (key !== 'set-cookie') headers[key] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length) headers['set-cookie'] = cookies;
      const text = bytes.toString('utf8');
      const utf8 = Buffer.from(text, 'utf8').equals(bytes);
      const answer = { status: response.status, headers, body: utf8 ? text : bytes.toString('base64'), bodyEncoding: (utf8 ? 'utf8' : 'base64') as 'utf8' | 'base64' };
      return { result: answer, response: answer };
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const closed = new Promise((resolve) => child.once('close', resolve));
        signalBuild(child, 'SIGTERM');
        await closed;
      }
    }
  };
}
