import { describe, expect, it } from 'vitest';
import { checkResolvedSettings, checks, checkTargetSettings, settingProblems, sharedSettings, type SettingsSchema } from './settings-schema.js';

const own: SettingsSchema = {
  port: { check: checks.integer(1, 65535), description: 'Port.', example: '3000' },
  workers: { check: checks.either(checks.positiveInteger, checks.oneOf(['auto'])), description: 'Workers.', example: '"auto"' },
};

describe('settings schema', () => {
  it('every shared setting has a check, a description and an example', () => {
    for (const [name, spec] of Object.entries(sharedSettings)) {
      expect(typeof spec.check, name).toBe('function');
      expect(spec.description.length, name).toBeGreaterThan(0);
      expect(spec.example.length, name).toBeGreaterThan(0);
    }
  });

  it('names the key, what was expected, what came and an example', () => {
    expect(settingProblems({ memory: '512', port: 0, workers: 'all' }, { ...sharedSettings, ...own }, 'targets.x')).toEqual([
      'targets.x.memory: expected a positive integer, got "512" (for example memory: 512)',
      'targets.x.port: expected an integer from 1 to 65535, got number 0 (for example port: 3000)',
      'targets.x.workers: expected a positive integer or one of "auto", got "all" (for example workers: "auto")',
    ]);
  });

  it('suggests the likely key; a closed layer lists the known keys, an open one lets others through', () => {
    expect(settingProblems({ prot: 1, colour: 'red' }, own, 'p')).toEqual(['p.prot: unknown key; did you mean "port"?', 'p.colour: unknown key; known keys here: port, workers']);
    expect(settingProblems({ prot: 1, colour: 'red' }, own, 'p', true)).toEqual(['p.prot: unknown key; did you mean "port"?']);
  });

  it("checks a target's layers, stages included, against the shared settings plus its own", () => {
    expect(() => checkTargetSettings({ targets: { x: { port: 80, memory: 256, stages: { prod: { workerz: 2 } } } } }, 'x', own)).toThrow(
      'adapt.config.ts is invalid: targets.x.stages.prod.workerz: unknown key; did you mean "workers"?',
    );
    expect(() => checkTargetSettings({ targets: { x: { port: 80, memory: 256, stages: { prod: { workers: 'auto' } } } } }, 'x', own)).not.toThrow();
    expect(() => checkTargetSettings({}, 'x', own)).not.toThrow();
  });

  it('refuses with CONFIG_INVALID and a hint', () => {
    expect.assertions(3);
    try {
      checkResolvedSettings({ port: 'eighty' }, 'x', own);
    } catch (error) {
      expect((error as { code: string }).code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toContain('targets.x.port: expected an integer from 1 to 65535, got "eighty"');
      expect((error as { hint: string }).hint).toMatch(/^fix the keys above/);
    }
  });
});
