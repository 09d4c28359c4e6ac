/** `adapt deploy --list` on a machine without @google-cloud/scheduler: the jobs are not listed, a line says why and what to install. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

test('without @google-cloud/scheduler the list says the schedules are not listed, and how to see them', () => {
  const schedules = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/tooling/deploy-schedules.js')).href;
  // Node's own resolver is asked first; the hook answers as Node does when the package is not installed
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === '@google-cloud/scheduler') { const e = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { listSchedules } = await import(${JSON.stringify(schedules)});
    const lines = [];
    const log = { info: (line) => lines.push(line), warn: (line) => lines.push(line), debug() {}, step: (_title, run) => run() };
    const jobs = await listSchedules({ log }, { project: 'p', clientOptions: {} }, 'europe-west1', 'gcf', 'shop-dev');
    console.log(JSON.stringify({ jobs: jobs ?? 'absent', lines }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  expect(out).toEqual({
    jobs: 'absent',
    lines: ['schedules: not listed (@google-cloud/scheduler is not installed; npm install --save-dev @google-cloud/scheduler to see them)'],
  });
});
