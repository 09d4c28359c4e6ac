import { describe, expect, it } from 'vitest';
import { configureSendFile, sendFileSettingProblem } from './send-file.js';
import { settingProblems, sharedSettings } from './settings-schema.js';

describe('the sendFile setting', () => {
  it('accepts a mode, roots and an internal prefix', () => {
    expect(sendFileSettingProblem({ mode: 'x-accel-redirect', roots: ['/srv/files'], internalPrefix: '/_files' })).toBeUndefined();
    expect(sendFileSettingProblem({ roots: ['files'] })).toBeUndefined();
  });

  it.each([
    [{ mode: 'nginx', roots: ['files'] }, 'with mode one of x-accel-redirect, x-sendfile, stream'],
    [{ mode: 'stream', roots: [] }, 'with roots a non-empty list of folders'],
    [{ roots: ['files'], internalPrefix: 'files' }, 'with internalPrefix a URL path'],
    [{ roots: ['files'], root: 'x' }, '(unknown key root)'],
    ['files', 'an object such as'],
  ])('%j is refused, saying what is expected', (value, expected) => {
    expect(sendFileSettingProblem(value)).toContain(expected);
    expect(settingProblems({ sendFile: value }, sharedSettings, '')[0]).toMatch(/^sendFile: expected an object such as/);
  });

  it('refuses a SEND_FILE_MODE it does not know, naming the modes', () => {
    expect(() => configureSendFile({ roots: ['files'] }, { SEND_FILE_MODE: 'sendfile' })).toThrow(
      'SEND_FILE_MODE must be one of x-accel-redirect, x-sendfile, stream, got "sendfile"',
    );
  });
});
