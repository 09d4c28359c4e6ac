import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEntry, pickStage, selectStage, validateConfig, type Project } from './config.js';
import { resolveSettings } from '@adapt/core';
import { AdaptError, didYouMean, editDistance } from '@adapt/core';

/** The refusal's message, or '' when the config is accepted. */
const problemsOf = (config: unknown): string => {
  let refusal: unknown;
  try {
    validateConfig(config);
  } catch (error) {
    refusal = error;
  }
  if (refusal === undefined) return '';
  expect(refusal).toBeInstanceOf(AdaptError);
  return (refusal as AdaptError).message;
};

describe('validateConfig', () => {
  it('accepts every documented setting at every level', () => {
    const config = {
      entry: 'src/app.ts',
      defaultStage: 'staging',
      name: 'shop',
      memory: 512,
      timeout: 2.5,
      region: 'eu-west-1',
      env: { A: '1' },
      static: 'public',
      domain: 'shop.example',
      bodyLimit: 1_000_000,
      trustProxy: ['loopback', '10.0.0.0/8', 'fd00::/8'],
      stages: { prod: { memory: 1024, env: { A: '2' }, trustProxy: 1 } },
      targets: { lambda: { memory: 256, architecture: 'arm64', stages: { prod: { provisioned: 2 } } }, node: { port: 8080 } },
    };
    expect(validateConfig(config)).toBe(config);
  });

  it.each([
    [{ memroy: 512 }, 'memroy: unknown key; did you mean "memory"?'],
    [{ Region: 'eu' }, 'Region: unknown key; did you mean "region"?'],
    [{ entyr: 'x.ts' }, 'entyr: unknown key; did you mean "entry"?'],
    [
      { flavour: 1 },
      'flavour: unknown key; known keys here: name, memory, timeout, region, env, static, domain, bodyLimit, trustProxy, refuseMethods, sendFile, entry, defaultStage',
    ],
    [
      { trustProxy: ['loopback', '10.0.0.0/33'] },
      'trustProxy: expected false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as ["10.0.0.0/8", "::1", "loopback"] ("10.0.0.0/33" is not an IP address, a CIDR or one of loopback, linklocal, uniquelocal), got an array',
    ],
    [{ targets: { node: { trustProxy: 'yes please' } } }, 'targets.node.trustProxy: expected false, true, a number of proxy hops such as 1'],
    [{ stages: { prod: { trustProxy: 1.5 } } }, 'stages.prod.trustProxy: expected false, true, a number of proxy hops such as 1'],
    [{ memory: 0 }, 'memory: expected a positive integer, got number 0'],
    [{ refuseMethods: 'TRACE' }, 'refuseMethods: expected a list of HTTP method names, such as ["TRACE"], got "TRACE"'],
    [{ refuseMethods: ['GE T'] }, 'refuseMethods: expected a list of HTTP method names, such as ["TRACE"], got an array'],
    [{ memory: '512' }, 'memory: expected a positive integer, got "512"'],
    [{ timeout: -1 }, 'timeout: expected a positive number, got number -1'],
    [{ env: { PORT: 3000 } }, 'env: expected an object of string values (env.PORT is number; write it as a string)'],
    [{ env: ['A=1'] }, 'env: expected an object of string values, such as { API_URL: "https://..." }, got an array'],
    [{ stages: { prod: { memroy: 1 } } }, 'stages.prod.memroy: unknown key; did you mean "memory"?'],
    [{ stages: { prod: { entry: 'x.ts' } } }, 'stages.prod.entry: unknown key; known keys here'],
    [{ stages: { prod: 5 } }, 'stages.prod: expected an object of settings, got number 5'],
    [{ targets: [] }, 'targets: expected an object keyed by target name'],
    [{ targets: { Lambda: {} } }, 'targets.Lambda: a target name is lowercase letters'],
    [{ targets: { lambda: { memroy: 1 } } }, 'targets.lambda.memroy: unknown key; did you mean "memory"?'],
    [{ targets: { lambda: { stages: { prod: { bodylimit: 1 } } } } }, 'targets.lambda.stages.prod.bodylimit: unknown key; did you mean "bodyLimit"?'],
  ])('%j', (config, message) => {
    expect(problemsOf(config)).toContain(message);
  });

  it('lists every problem at once', () => {
    const message = problemsOf({ memroy: 1, timeout: 'x', targets: { node: { regoin: 'eu' } } });
    expect(message.split('\n  - ')).toHaveLength(4);
  });

  it('refuses a config that is not an object', () => {
    expect(problemsOf([])).toBe('adapt.config.ts must export an object, got an array');
    expect(problemsOf(undefined)).toBe('adapt.config.ts must export an object, got undefined undefined');
  });
});

describe('selectStage', () => {
  const config = { defaultStage: 'local', stages: { prod: {} }, targets: { lambda: { stages: { canary: {} } } } };
  it('uses the flag, else defaultStage, else dev', () => {
    expect(selectStage(config, undefined)).toBe('local');
    expect(selectStage({}, undefined)).toBe('dev');
    expect(selectStage(config, 'canary')).toBe('canary');
    expect(selectStage({}, 'dev')).toBe('dev');
  });
  it('refuses an unknown stage, listing the known ones', () => {
    expect(() => selectStage(config, 'prd')).toThrow('unknown stage "prd"; did you mean "prod"?');
    expect(() => selectStage(config, 'qa')).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_STAGE',
        hint: 'known stages: local, prod, canary. Add "qa" under stages in adapt.config.ts to create it.',
      }),
    );
  });
});

describe('findEntry', () => {
  const project = (files: string[], extra: Partial<Project> = {}): Project => {
    const dir = mkdtempSync(join(tmpdir(), 'adapt-entry-'));
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    return { dir, configFile: undefined, config: {}, packageJson: undefined, appName: 'x', ...extra };
  };
  it.each([
    [['src/app.ts', 'app.ts', 'src/index.ts'], 'src/app.ts'],
    [['app.ts', 'src/index.ts'], 'app.ts'],
    [['src/index.ts'], 'src/index.ts'],
    [['src/app.js'], 'src/app.js'],
  ])('finds %j -> %s', (files, expected) => {
    const p = project(files);
    expect(findEntry(p)).toBe(join(p.dir, expected));
    rmSync(p.dir, { recursive: true });
  });
  it('takes config entry first, then package.json adapt.entry, then main', () => {
    const p = project(['src/app.ts', 'server/main.ts', 'lib/x.js']);
    expect(findEntry({ ...p, config: { entry: 'server/main.ts' } })).toBe(join(p.dir, 'server/main.ts'));
    const q = project(['server/main.ts', 'lib/x.js']);
    expect(findEntry({ ...q, packageJson: { adapt: { entry: 'server/main.ts' }, main: 'lib/x.js' } })).toBe(join(q.dir, 'server/main.ts'));
    expect(findEntry({ ...q, packageJson: { main: 'lib/x.js' } })).toBe(join(q.dir, 'lib/x.js'));
    expect(() => findEntry({ ...q, config: { entry: 'nope.ts' } })).toThrow('the entry "nope.ts" set in adapt.config.ts does not exist');
    expect(() => findEntry({ ...q, packageJson: { main: 'gone.js' } })).toThrow('package.json names the entry "gone.js", which does not exist');
    expect(() => findEntry(q)).toThrow(`no app entry found in ${q.dir}`);
    rmSync(p.dir, { recursive: true });
    rmSync(q.dir, { recursive: true });
  });
});

describe('didYouMean', () => {
  it.each([
    ['ecoh', ['echo', 'node'], 'echo'],
    ['lamda', ['lambda', 'node'], 'lambda'],
    ['nod', ['lambda', 'node'], 'node'],
    ['gcp', ['lambda', 'node'], undefined],
  ])('%s among %j -> %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('ecoh', 'echo')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('per-host stages', () => {
  const config = validateConfig({
    defaultStage: 'local',
    stages: { prod: { hosts: ['web-*.example.com', 'db1'], memory: 1024 }, staging: { hosts: ['stage-*'] }, local: {} },
  });

  it.each([
    ['web-1.example.com', 'prod', '"web-*.example.com"'],
    ['WEB-12.Example.COM', 'prod', '"web-*.example.com"'],
    ['db1', 'prod', '"db1"'],
    ['db1.internal', 'prod', '"db1"'],
    ['stage-3', 'staging', '"stage-*"'],
  ])('%s picks %s', (host, stage, pattern) => {
    const picked = pickStage(config, undefined, host);
    expect(picked).toMatchObject({ stage, by: 'host' });
    expect(picked.reason).toBe(`host "${host}" matches ${pattern} in stages.${stage}.hosts`);
  });

  it.each(['web-1.eu.example.com', 'web-.example.com', 'laptop', 'db10', 'xdb1'])('%s matches no stage: the default', (host) => {
    expect(pickStage(config, undefined, host)).toEqual({ stage: 'local', by: 'default', reason: `no stage's hosts match host "${host}"; defaultStage` });
  });

  it('--stage wins over the host', () => {
    expect(pickStage(config, 'local', 'web-1.example.com')).toEqual({ stage: 'local', by: 'flag', reason: '--stage' });
  });

  it('two stages matching one host is a clear error', () => {
    const both = validateConfig({ stages: { a: { hosts: ['web-*'] }, b: { hosts: ['*-1'] } } });
    expect(() => pickStage(both, undefined, 'web-1')).toThrow('the host "web-1" matches the hosts of more than one stage: a ("web-*") and b ("*-1")');
  });

  it('hosts is a stage key only, not a setting: refused elsewhere, and left out of the resolved settings', () => {
    expect(() => validateConfig({ hosts: ['x'] })).toThrow('hosts: unknown key');
    expect(() => validateConfig({ stages: { prod: { hosts: 'web-1' } } })).toThrow('stages.prod.hosts: expected a list of host names');
    expect(resolveSettings(config, 'node', 'prod')).toEqual({ memory: 1024 });
  });
});
