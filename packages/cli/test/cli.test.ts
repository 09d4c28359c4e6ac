/** The `adapt` binary as a user meets it: help, usage errors (exit 2), failures (exit 1), --json. */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { echoTargetFiles, helloApp, runCli, tempProject } from './helpers.js';

const project = tempProject({
  'package.json': JSON.stringify({ name: '@acme/shop', type: 'module' }),
  'src/app.ts': helloApp,
  ...echoTargetFiles,
});
afterAll(() => project.remove());

describe('adapt --help', () => {
  it('lists every command with examples, and exits 0', async () => {
    const run = await runCli(['--help'], { cwd: project.dir });
    expect(run.code).toBe(0);
    for (const command of ['init', 'dev', 'build', 'start', 'deploy', 'rollback', 'invoke']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stdout).toContain('Examples:');
  });

  it('does not load esbuild or any target to print help', async () => {
    // A resolve hook reports every module the process loads.
    project.write(
      'hooks.mjs',
      "import { writeSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  writeSync(2, 'loaded ' + result.url + '\\n');\n  return result;\n}\n",
    );
    project.write('register.mjs', "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const run = await runCli(['--help'], { cwd: project.dir, env: { NODE_OPTIONS: `--import ${project.dir}/register.mjs` } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/loaded .*commander/);
    expect(run.stderr).toMatch(/loaded .*commands\/build\/index\.js/);
    expect(run.stderr).not.toMatch(/loaded .*(esbuild|\/target\/|run\.js)/);
  });
});

describe('the installed binary', () => {
  it('bin/adapt.js (what npm links as `adapt`) runs the built CLI', async () => {
    const { execFileSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const { repoRoot } = await import('./helpers.js');
    expect(execFileSync(join(repoRoot, 'packages/cli/bin/adapt.js'), ['--version'], { encoding: 'utf8' })).toBe('0.1.0\n');
  });
});

describe('usage errors exit with 2', () => {
  it.each([
    [['build', '--bogus'], /unknown option '--bogus'/],
    [['build'], /missing --target/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['invoke', '--target', 'echo', '--event', 'e.json', '--path', '/x'], /cannot be used with/],
    [['invoke', '--target', 'echo'], /either --event <file> or --path <path>/],
    [['start', '--port', 'eighty'], /port must be an integer/],
    [['init', 'x', '--template', 'vue'], /Allowed choices are fetch, hono, express/],
    [['build', '--target', 'Bad Name'], /is not a target name/],
  ])('adapt %j', async (args, message) => {
    const run = await runCli(args, { cwd: project.dir });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  it('prints a JSON error document with --json', async () => {
    const run = await runCli(['build', '--json'], { cwd: project.dir });
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ ok: false, error: { code: 'USAGE', message: 'missing --target' } });
    expect(document.error.hint).toContain('echo');
  });
});

describe('failures exit with 1 and say what to do', () => {
  it('an unknown target suggests the closest installed one', async () => {
    const run = await runCli(['build', '--target', 'ecoh'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown target "ecoh"; did you mean "echo"\?\n {2}installed targets: .*echo/m);
    expect(run.stderr).not.toContain('npm install'); // a typo, not a package to install
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unknown target far from every installed one says how to install it', async () => {
    const run = await runCli(['build', '--target', 'cloudflare'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown target "cloudflare"\n {2}installed targets: .*echo.*\. For another one, run: npm install @adapt\/cloudflare$/m);
  });

  it('--verbose adds the stack trace', async () => {
    const run = await runCli(['build', '--target', 'ecoh', '--verbose'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at .*targets\.js/);
  });

  it('a target without deploy says which targets can', async () => {
    const run = await runCli(['deploy', '--target', 'echo', '--json'], { cwd: project.dir });
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.error.code).toBe('TARGET_UNSUPPORTED');
    expect(document.error.message).toMatch(/^target echo cannot deploy; targets that can: /);
    expect(document.error.message).not.toMatch(/\becho\b.*\becho\b/);
  });

  it('--list on a target that deploys but cannot list is refused: nothing is deployed', async () => {
    project.write('node_modules/@adapt/shipit/package.json', JSON.stringify({ name: '@adapt/shipit', version: '0.0.0', type: 'module', exports: { './target': './target.js' } }));
    project.write(
      'node_modules/@adapt/shipit/target.js',
      "import { writeFileSync } from 'node:fs';\nexport default { name: 'shipit', description: 'deploys by writing a file', bundle: () => ({ fileName: 'main.mjs', format: 'esm' }), async deploy(context) { writeFileSync('deployed.txt', 'yes'); return { target: 'shipit', stage: context.stage }; } };\n",
    );
    const run = await runCli(['deploy', '--target', 'shipit', '--list', '--json'], { cwd: project.dir });
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.error.code).toBe('TARGET_UNSUPPORTED');
    expect(document.error.message).toMatch(/^target shipit cannot list what it deployed; targets that can: /);
    expect(existsSync(path.join(project.dir, 'deployed.txt'))).toBe(false);
  });

  it('rollback and invoke too', async () => {
    const rollback = await runCli(['rollback', '--target', 'echo'], { cwd: project.dir });
    expect(rollback.stderr).toMatch(/target echo cannot rollback; targets that can: /);
    const invoke = await runCli(['invoke', '--target', 'echo', '--path', '/'], { cwd: project.dir });
    expect(invoke.stderr).toMatch(/target echo cannot invoke; targets that can: /);
    expect([rollback.code, invoke.code]).toEqual([1, 1]);
  });

  it('an unknown stage lists the known ones', async () => {
    const staged = tempProject({
      'adapt.config.mjs': 'export default { stages: { prod: { memory: 512 }, staging: {} } };',
      'app.js': 'export default () => new Response("x");',
      ...echoTargetFiles,
    });
    try {
      const run = await runCli(['build', '--target', 'echo', '--stage', 'prd'], { cwd: staged.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error: unknown stage "prd"; did you mean "prod"?');
      expect(run.stderr).toContain('known stages: dev, prod, staging');
    } finally {
      staged.remove();
    }
  });

  it('no entry: says where it looked', async () => {
    const empty = tempProject({ 'package.json': '{"name":"empty"}', ...echoTargetFiles });
    try {
      const run = await runCli(['build', '--target', 'echo', '--json'], { cwd: empty.dir });
      expect(run.code).toBe(1);
      const document = JSON.parse(run.stdout);
      expect(document.error).toMatchObject({ code: 'ENTRY_NOT_FOUND' });
      expect(document.error.hint).toContain('src/app.ts');
    } finally {
      empty.remove();
    }
  });

  it('an invalid config names the key, the expectation and the likely typo', async () => {
    const bad = tempProject({
      'adapt.config.ts':
        "import { defineConfig } from '@adapt/core';\nexport default defineConfig({ memroy: 512, timeout: 'long', targets: { echo: { stages: { prod: { regoin: 'eu' } } } } } as never);\n",
      'src/app.ts': helloApp,
      ...echoTargetFiles,
    });
    try {
      const run = await runCli(['build', '--target', 'echo'], { cwd: bad.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('adapt.config.ts is invalid:');
      expect(run.stderr).toContain('- memroy: unknown key; did you mean "memory"?');
      expect(run.stderr).toContain('- timeout: expected a positive number, got "long"');
      expect(run.stderr).toContain('- targets.echo.stages.prod.regoin: unknown key; did you mean "region"?');
    } finally {
      bad.remove();
    }
  });

  it("a target's own settings are checked against its schema once it loads, typos named", async () => {
    const bad = tempProject({
      'adapt.config.ts': "export default { targets: { node: { instalDir: '/srv/x', port: 80 }, lambda: { streamng: true, stages: { prod: { bundleSdk: 'yes' } } } } };\n",
      'src/app.ts': helloApp,
    });
    try {
      const node = await runCli(['build', '--target', 'node', '--json'], { cwd: bad.dir });
      expect(node.code).toBe(1);
      expect(JSON.parse(node.stdout).error).toMatchObject({
        code: 'CONFIG_INVALID',
        message: 'adapt.config.ts is invalid: targets.node.instalDir: unknown key; did you mean "installDir"?',
      });
      const lambda = await runCli(['build', '--target', 'lambda'], { cwd: bad.dir });
      expect(lambda.code).toBe(1);
      expect(lambda.stderr).toContain('- targets.lambda.streamng: unknown key; did you mean "streaming"?');
      expect(lambda.stderr).toContain('- targets.lambda.stages.prod.bundleSdk: expected true or false, got "yes" (for example bundleSdk: true)');
    } finally {
      bad.remove();
    }
  });

  it('a config that does not compile points at the line', async () => {
    const broken = tempProject({ 'adapt.config.ts': 'export default {\n  entry: "src/app.ts",,\n};\n', 'src/app.ts': helloApp, ...echoTargetFiles });
    try {
      const run = await runCli(['build', '--target', 'echo'], { cwd: broken.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/error: cannot compile adapt\.config\.ts: .*adapt\.config\.ts:2:\d+: /);
    } finally {
      broken.remove();
    }
  });
});

describe('output', () => {
  it('has no ANSI codes when stderr is not a TTY, even with FORCE_COLOR unset', async () => {
    const run = await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stderr + run.stdout).not.toContain('\x1b[');
    expect(run.stderr).toMatch(/- bundle echo .*\.\.\.\n✓ bundle echo/);
  });

  it('NO_COLOR wins over FORCE_COLOR', async () => {
    const forced = await runCli(['build', '--target', 'ecoh'], { cwd: project.dir, env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain('\x1b[');
    const plain = await runCli(['build', '--target', 'ecoh'], { cwd: project.dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stderr).not.toContain('\x1b[');
  });
});
