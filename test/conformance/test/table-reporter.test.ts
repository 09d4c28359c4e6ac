import { describe, expect, it } from 'vitest';
import { renderTable } from '../table-reporter.js';

describe('the conformance table', () => {
  it('a row per case, a column per runner, counts per runner, skip reasons as footnotes', () => {
    const text = renderTable({
      node: 'v20.0.0',
      runners: { 'node (socket)': 'packages/node/test/a.test.ts', 'fastcgi (nginx, TCP)': 'packages/fastcgi/test/b.test.ts' },
      cells: {
        'GET / answers text': { 'node (socket)': { state: 'passed' }, 'fastcgi (nginx, TCP)': { state: 'passed' } },
        'a | b': { 'node (socket)': { state: 'failed' }, 'fastcgi (nginx, TCP)': { state: 'skipped', reason: 'nginx drops it' } },
      },
    });
    const lines = text.split('\n');
    expect(lines).toContain('| R1 fastcgi (nginx, TCP) | packages/fastcgi/test/b.test.ts | 1 | 0 | 1 |');
    expect(lines).toContain('| R2 node (socket) | packages/node/test/a.test.ts | 1 | 1 | 0 |');
    expect(lines).toContain('| case | R1 | R2 |');
    expect(lines).toContain('| GET / answers text | pass | pass |');
    expect(lines).toContain('| a \\| b | skip[^1] | **FAIL** |');
    expect(lines).toContain('[^1]: nginx drops it');
  });
});
