/**
 * The generated web.config and iisnode.yml against iisnode's schema and parser, and one snapshot
 * per setting that changes them.
 */
import { readFileSync } from 'node:fs';
import type { TargetContext } from '@adapt/core';
import { describe, expect, it } from 'vitest';
import { checkIisnodeYml, iisnodeSettings, iisnodeYml, iisnodeYmlKeys, watchedFile, webConfig } from '../src/tooling/index.js';
import { iisnodeSchema, validateWebConfig } from './helpers/schema.js';

function settingsFor(settings: Record<string, unknown>, production = true) {
  return iisnodeSettings({ settings, production, stage: production ? 'prod' : 'development', appName: 'shop' } as unknown as TargetContext);
}

const controls: Array<[string, Record<string, unknown>, { production?: boolean; hasStatic?: boolean }]> = [
  ['defaults', {}, {}],
  ['static folder served by IIS', { static: 'public' }, { hasStatic: true }],
  ['development: debugger and developer errors on', {}, { production: false }],
  ['nodeProcessCountPerApplication 0 (one per CPU)', { nodeProcessCountPerApplication: 0 }, {}],
  ['enableXFF and promoteServerVars', { enableXFF: true, promoteServerVars: ['AUTH_USER', 'LOGON_USER'] }, {}],
  ['watchedFiles with folders', { watchedFiles: ['config/*.json', 'data\\app.json'] }, {}],
  ['env as appSettings', { env: { API_URL: 'https://api.example.com/?a=1&b="2"' } }, {}],
  ['httpPlatform mode', { mode: 'httpPlatform', env: { LOG: 'info' } }, {}],
  ['httpPlatform mode with static', { mode: 'httpPlatform', static: 'public', nodePath: 'C:\\Program Files\\nodejs\\node.exe' }, { hasStatic: true }],
];

describe('web.config', () => {
  it.each(controls)('%s: valid against the schema, and as snapshotted', (_name, settings, options) => {
    const text = webConfig({ settings: settingsFor(settings, options.production ?? true), hasStatic: options.hasStatic ?? false });
    expect(validateWebConfig(text)).toEqual([]);
    expect(text).toMatchSnapshot();
  });

  it('always has flushResponse, PassThrough errors and the hidden segments; the debugger only in development', () => {
    const production = webConfig({ settings: settingsFor({}), hasStatic: false });
    expect(production).toContain('flushResponse="true"');
    expect(production).toContain('<httpErrors existingResponse="PassThrough" />');
    expect(production).toContain('<add segment="node_modules" />');
    expect(production).toContain('<add segment="iisnode" />');
    expect(production).toContain('devErrorsEnabled="false"');
    expect(production).toContain('debuggingEnabled="false"');
    expect(webConfig({ settings: settingsFor({}, false), hasStatic: false })).toContain('debuggingEnabled="true"');
  });

  it('the validator catches what IIS would refuse', () => {
    const good = webConfig({ settings: settingsFor({}), hasStatic: false });
    expect(validateWebConfig(good.replace('flushResponse="true"', 'flushResponse="yes"'))).toEqual([
      'configuration/system.webServer/iisnode@flushResponse: "yes" is not a legal bool',
    ]);
    expect(validateWebConfig(good.replace('flushResponse=', 'flushResponses='))).toEqual(["configuration/system.webServer/iisnode@flushResponses: not in iisnode's schema"]);
    expect(validateWebConfig(good.replace('nodeProcessCountPerApplication="1"', 'nodeProcessCountPerApplication="-1"'))).toHaveLength(1);
    expect(validateWebConfig(good.replace('existingResponse="PassThrough"', 'existingResponse="Passthru"'))).toHaveLength(1);
  });
});

describe('watchedFiles', () => {
  it.each([
    ['config/*.json', 'config\\*.json'],
    ['./a/b/c.js', 'a\\b\\c.js'],
    ['*.js', '*.js'],
  ])('%s is written %s', (entry, expected) => expect(watchedFile(entry)).toBe(expected));

  it.each([
    ['*/app.json', 'wildcard in a folder name'],
    ['config/', 'names a folder'],
    ['../x.js', 'leaves the build folder'],
    ['a;b', 'holds ;'],
  ])('%s is refused (%s)', (entry, why) => expect(() => watchedFile(entry)).toThrow(why));
});

describe('settings', () => {
  it.each([
    [{ mode: 'fastcgi' }, 'targets.iisnode.mode: expected one of "iisnode", "httpPlatform", got "fastcgi"'],
    [{ nodeProcessCountPerApplication: -1 }, 'targets.iisnode.nodeProcessCountPerApplication: expected an integer from 0'],
    [{ promoteServerVars: ['AUTH USER'] }, 'targets.iisnode.promoteServerVars: expected a list of IIS server variable names'],
    [{ azureNodeVersion: '~18' }, 'targets.iisnode.azureNodeVersion: expected one of "~22", "~24", got "~18"'],
    [{ basePath: '/a?b' }, 'targets.iisnode.basePath: expected the virtual directory'],
    [{ enableXff: true }, 'targets.iisnode.enableXff: unknown key; did you mean "enableXFF"?'],
  ])('%j is refused', (settings, message) => expect(() => settingsFor(settings)).toThrow(message));
});

describe('iisnode.yml', () => {
  it('the upstream sample is refused at the line with the web.config key', () => {
    const sample = readFileSync(new URL('./fixtures/iisnode/iisnode.sample.yml', import.meta.url), 'utf8');
    expect(() => checkIisnodeYml(sample)).toThrow('iisnode.yml:103: iisnode does not know the key "debuggerPortRange" (in iisnode.yml it is "debugPortRange"');
  });

  it('the sample with that key renamed is refused at the comment line missing its #', () => {
    const sample = readFileSync(new URL('./fixtures/iisnode/iisnode.sample.yml', import.meta.url), 'utf8').replace('debuggerPortRange:', 'debugPortRange:');
    expect(() => checkIisnodeYml(sample)).toThrow(/^iisnode\.yml:106: /);
  });

  it.each([
    ['flushResponse: maybe', 'iisnode.yml:2: flushResponse: expected true or false'],
    ['just words', 'iisnode.yml:2: "just words" is not "key: value"'],
    ['debug PortRange: 1-2', 'iisnode.yml:2: the key "debug PortRange" has a space'],
    ['nodeProcessCountPerApplication:\t2', 'iisnode.yml:2: a tab'],
    ['maxLogFiles: -1', 'iisnode.yml:2: maxLogFiles: expected a whole number'],
    ['colour: blue', 'iisnode.yml:2: iisnode does not know the key "colour"'],
  ])('%s is refused', (line, message) => expect(() => checkIisnodeYml(`# overrides\n${line}\n`)).toThrow(message));

  it('takes comments, empty values and keys in any case, as iisnode does', () => {
    expect(checkIisnodeYml('# c\n\nNODE_ENV: production # the stage\npromoteServerVars:\n  loggingenabled: false\n')).toEqual([
      { line: 3, key: 'node_env', value: 'production' },
      { line: 5, key: 'loggingEnabled', value: 'false' },
    ]);
  });

  it('the generated file passes the check, and is as snapshotted', () => {
    const text = iisnodeYml({ debugPortRange: '5058-6058', loggingEnabled: false, maxLogFiles: 10, node_env: 'production' });
    expect(checkIisnodeYml(text).map((line) => line.key)).toEqual(['debugPortRange', 'loggingEnabled', 'maxLogFiles', 'node_env']);
    expect(text).toMatchSnapshot();
    expect(() => iisnodeYml({ debuggerPortRange: '1-2' })).toThrow('targets.iisnode.iisnodeYml: iisnode does not know the key "debuggerPortRange"');
  });

  it('every key adapt accepts is one iisnode has, with the schema type (debugPortRange is debuggerPortRange there)', () => {
    const schema = iisnodeSchema();
    for (const [key, kind] of Object.entries(iisnodeYmlKeys)) {
      const declared = schema.get(key === 'debugPortRange' ? 'debuggerPortRange' : key);
      expect(declared, key).toBeDefined();
      // nodeProcessStickySessions is a bool in the schema and read as a number from iisnode.yml
      if (key !== 'nodeProcessStickySessions') expect(declared!.type, key).toBe(kind);
    }
  });
});
