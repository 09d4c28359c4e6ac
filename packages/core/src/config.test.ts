import { describe, expect, it } from 'vitest';
import { defineConfig, knownStages, resolveSettings } from './config.js';

const config = defineConfig({
  entry: 'src/app.ts',
  memory: 256,
  env: { LOG: 'info', SHARED: '1' },
  stages: { prod: { memory: 512, env: { LOG: 'warn' } } },
  targets: {
    lambda: { region: 'eu-west-1', timeout: 10, stages: { prod: { timeout: 30, env: { EXTRA: 'x' } } } },
    node: { port: 8080 },
  },
});

describe('resolveSettings', () => {
  it('merges shared < stage < target < target stage, env key by key', () => {
    expect(resolveSettings(config, 'lambda', 'prod')).toEqual({
      memory: 512,
      region: 'eu-west-1',
      timeout: 30,
      env: { LOG: 'warn', SHARED: '1', EXTRA: 'x' },
    });
  });

  it('leaves out other targets and stages', () => {
    expect(resolveSettings(config, 'node', 'dev')).toEqual({ memory: 256, env: { LOG: 'info', SHARED: '1' }, port: 8080 });
  });

  it('does not carry entry or stage maps into settings', () => {
    const settings = resolveSettings(config, 'lambda', 'dev');
    expect(settings).not.toHaveProperty('entry');
    expect(settings).not.toHaveProperty('stages');
    expect(settings).not.toHaveProperty('targets');
  });
});

describe('knownStages', () => {
  it('lists the default stage and every named one', () => {
    expect(knownStages(config).sort()).toEqual(['dev', 'prod']);
    expect(knownStages({ defaultStage: 'local' })).toEqual(['local']);
  });
});
