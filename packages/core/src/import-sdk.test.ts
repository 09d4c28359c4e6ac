import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { isAdaptError } from './adapt-error.js';
import { importSdk, missingPackage } from './import-sdk.js';

// A project folder with real packages in node_modules, loaded by Node's own resolver from a module
// inside it: the errors are the ones Node itself throws, on every Node the matrix runs.
const project = mkdtempSync(join(tmpdir(), 'adapt-import-sdk-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function writePackage(name: string, files: Record<string, string>, manifest: Record<string, unknown> = {}): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

writePackage('ok-sdk', { 'index.js': 'export const ok = 1;' }, { type: 'module', exports: './index.js' });
writePackage('@cloud/esm-sdk', { 'index.js': "import 'missing-dep'; export const ok = 1;" }, { type: 'module', exports: './index.js' });
writePackage('cjs-sdk', { 'index.js': "require('missing-cjs-dep'); exports.ok = 1;" }, { main: 'index.js' });
writePackage('no-entry-sdk', {}, { type: 'module', exports: './dist/index.js' });
writePackage('throwing-sdk', { 'index.js': "throw new Error('bad build\\nsecond line');" }, { type: 'module', exports: './index.js' });
writeFileSync(join(project, 'load.mjs'), 'export const load = (name) => import(name);');
const { load } = (await import(pathToFileURL(join(project, 'load.mjs')).href)) as { load: (name: string) => Promise<Record<string, unknown>> };

const use = { purpose: 'Deploying to Somewhere', install: 'npm install --save-dev the-sdk' };

async function failure(name: string): Promise<{ code: string; message: string; hint: string | undefined }> {
  try {
    await importSdk(name, () => load(name), use);
  } catch (error) {
    if (!isAdaptError(error)) throw error;
    return { code: error.code, message: error.message, hint: error.hint };
  }
  throw new Error(`${name} loaded`);
}

describe('importSdk', () => {
  test('returns the module when it loads', async () => {
    expect((await importSdk('ok-sdk', () => load('ok-sdk'), use)).ok).toBe(1);
  });

  test('a package that is not installed: SDK_MISSING, saying what to install', async () => {
    expect(await failure('@cloud/not-installed')).toEqual({
      code: 'SDK_MISSING',
      message: 'Deploying to Somewhere needs @cloud/not-installed, which is not installed.',
      hint: 'Install it beside adapt: npm install --save-dev the-sdk',
    });
    expect((await failure('not-installed/deep/path')).code).toBe('SDK_MISSING');
  });

  test("installed but one of its own dependencies is missing (ESM and CommonJS): SDK_BROKEN naming the dependency, not 'not installed'", async () => {
    const esm = await failure('@cloud/esm-sdk');
    expect(esm.code).toBe('SDK_BROKEN');
    expect(esm.message).toMatch(/^Deploying to Somewhere needs @cloud\/esm-sdk, which is installed but does not load: Cannot find package 'missing-dep'/);
    expect(esm.hint).toContain('npm install --save-dev the-sdk');
    const cjs = await failure('cjs-sdk');
    expect(cjs.code).toBe('SDK_BROKEN');
    expect(cjs.message).toContain("Cannot find module 'missing-cjs-dep'");
  });

  test('installed without the file its exports name, or throwing while it loads: SDK_BROKEN with the first line of the cause', async () => {
    expect((await failure('no-entry-sdk')).code).toBe('SDK_BROKEN');
    const throwing = await failure('throwing-sdk');
    expect(throwing).toMatchObject({ code: 'SDK_BROKEN', message: 'Deploying to Somewhere needs throwing-sdk, which is installed but does not load: bad build' });
  });
});

describe('missingPackage', () => {
  const notFound = (message: string, code = 'ERR_MODULE_NOT_FOUND') => Object.assign(new Error(message), { code });
  test.each([
    ["Cannot find package '@aws-sdk/client-lambda' imported from /app/x.js", '@aws-sdk/client-lambda'],
    ["Cannot find package 'yazl' imported from /app/x.js", 'yazl'],
    ["Cannot find module 'google-gax/build/src/fallback'", 'google-gax'],
    ["Cannot find module '/app/node_modules/x/dist/index.js' imported from /app/x.js", undefined],
    ["Cannot find module './local.js'", undefined],
  ])('%s', (message, expected) => {
    expect(missingPackage(notFound(message))).toBe(expected);
  });
  test('other errors name no package', () => {
    expect(missingPackage(new Error("Cannot find package 'x'"))).toBeUndefined();
    expect(missingPackage(notFound("Cannot find module 'x'", 'MODULE_NOT_FOUND'))).toBe('x');
    expect(missingPackage(undefined)).toBeUndefined();
  });
});
