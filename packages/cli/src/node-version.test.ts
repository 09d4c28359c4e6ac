import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, requiredNode } from './node-version.js';

const bin = fileURLToPath(new URL('../bin/adapt.js', import.meta.url));

/** Runs the built binary with process.versions.node replaced before it starts. */
function runOn(nodeVersion: string, args: string[]) {
  const preload = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: ${JSON.stringify(nodeVersion)} } });`;
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, bin, ...args], { encoding: 'utf8' });
}

describe('the Node the CLI needs', () => {
  it('is the engines range of @adapt/cli', () => {
    const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
    expect(engines).toBe(`>=${requiredNode.replace(/\.0$/, '')}`);
  });

  it.each(['20.19.0', '20.20.2', '22.0.0', '24.11.1', 'v26.0.0'])('%s is enough', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it.each(['20.18.3', '18.20.8', 'v16.0.0'])('%s is not, and the message says which Node to use', (version) => {
    expect(nodeVersionProblem(version)).toBe(
      `adapt needs Node 20.19 or newer (engines: >=20.19); this is Node ${version.replace(/^v/, '')}.\n` +
        '  Install Node 22 or 24 (https://nodejs.org/en/download) and run adapt again.',
    );
  });

  it('the binary on an older Node says so and exits 1, before the CLI loads', () => {
    const run = runOn('20.18.0', ['--help']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: ${nodeVersionProblem('20.18.0')}\n`);
    expect(run.stdout).toBe('');
  });

  it('the binary on a new enough Node runs the CLI', () => {
    const run = runOn(process.versions.node, ['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: adapt');
  });
});
