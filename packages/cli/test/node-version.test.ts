/** The `adapt` binary refuses a Node older than package.json `engines`, in one line, exit code 1. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const bin = join(repoRoot, 'packages/cli/bin/adapt.js');
const engines = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')).engines.node as string;

/** Runs the real binary with process.versions.node set to `version` before it loads. */
function adaptOn(version: string) {
  const preload = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '${version}' })`;
  return spawnSync(process.execPath, ['--import', preload, bin, '--version'], { encoding: 'utf8' });
}

describe('adapt on an old Node', () => {
  it('says which Node it needs and exits 1', () => {
    const run = adaptOn('18.20.4');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: adapt needs Node ${engines}; this is Node 18.20.4\n  install a current LTS (Node 22 or 24) from https://nodejs.org/, then run adapt again\n`);
    expect(run.stdout).toBe('');
  });

  it('runs on the Node the engines range starts at, and on this one', () => {
    const first = engines.replace('>=', '').split('.').map(Number);
    const oldest = [first[0], first[1] ?? 0, first[2] ?? 0].join('.');
    for (const version of [oldest, process.versions.node]) {
      const run = adaptOn(version);
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});
