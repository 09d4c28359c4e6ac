/**
 * How the lightweight classes become the globals, each case in a fresh Node process running the
 * built core: all four names (`Headers`, `Request`, `Response`, `fetch`) in one compiled script,
 * undici left unloaded; undici loaded before; an app's script that declared one of those names already.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = pathToFileURL(join(fileURLToPath(new URL('.', import.meta.url)), '../dist/index.js')).href;

/** Runs `body` as an ES module after `before` (plain statements, `vm` in scope); returns what it printed as JSON. */
function run(before: string, body: string): Record<string, unknown> {
  const script = `
    import vm from 'node:vm';
    ${before}
    const core = await import(${JSON.stringify(core)});
    ${body}
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the child failed (${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

const undiciLoaded = `process.moduleLoadList.includes('NativeModule internal/deps/undici/undici')`;

describe('installing the lightweight globals', () => {
  it('declares Headers, Request, Response and fetch in one script, without loading undici', () => {
    const result = run(
      `const scripts = [];
       const compile = vm.runInThisContext;
       vm.runInThisContext = (source, options) => { scripts.push(source); return compile(source, options); };`,
      `core.installLightweightResponse();
       core.installLightweightResponse();
       const bare = compile('({ Headers, Request, Response, fetch })'); // not counted: the original
       const response = new Response('hi', { headers: { 'x-a': '1' } });
       console.log(JSON.stringify({
         scripts: scripts.length,
         names: [bare.Headers.name, bare.Request.name, bare.Response.name, bare.fetch.name],
         same: bare.Response === core.lightweightResponseClass() && bare.Request === core.lightweightRequestClass() && bare.Headers === response.headers.constructor,
         header: response.headers.get('x-a'),
         undici: ${undiciLoaded},
       }));`,
    );
    expect(result).toEqual({ scripts: 1, names: ['Headers', 'Request', 'Response', 'fetch'], same: true, header: '1', undici: false });
  });

  it('installs all four when undici is loaded already (a test runner, an app that fetched first)', () => {
    const result = run(
      `const standard = new Response('standard');`,
      `core.installLightweightResponse();
       const bare = vm.runInThisContext('({ Headers, Request, Response, fetch })');
       const response = new Response('hi', { headers: { 'x-a': '1' } });
       console.log(JSON.stringify({
         bare: bare.Response === core.lightweightResponseClass() && bare.Request === core.lightweightRequestClass() && bare.Headers === response.headers.constructor && bare.fetch === globalThis.fetch,
         global: globalThis.Response === core.lightweightResponseClass() && globalThis.Request === core.lightweightRequestClass(),
         real: standard instanceof Response,
         header: response.headers.get('x-a'),
       }));`,
    );
    expect(result).toEqual({ bare: true, global: true, real: true, header: '1' });
  });

  it('installs the other names when a script of the app declared one of them already', () => {
    const result = run(
      `vm.runInThisContext('let Headers = class AppHeaders {}');`,
      `core.installLightweightResponse();
       const bare = vm.runInThisContext('({ Headers, Request, Response })');
       const response = new Response('hi', { status: 201, headers: { 'x-a': '1' } });
       console.log(JSON.stringify({
         bareHeaders: bare.Headers.name,
         globalHeaders: globalThis.Headers === response.headers.constructor && globalThis.Headers.name === 'Headers',
         request: bare.Request === core.lightweightRequestClass(),
         response: bare.Response === core.lightweightResponseClass(),
         status: response.status,
         header: response.headers.get('x-a'),
       }));`,
    );
    // the app's own binding wins for a bare Headers (nothing can replace it); globalThis.Headers is the lightweight one
    expect(result).toEqual({ bareHeaders: 'AppHeaders', globalHeaders: true, request: true, response: true, status: 201, header: '1' });
  });
});
