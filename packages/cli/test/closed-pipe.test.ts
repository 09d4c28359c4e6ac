/** `adapt <command> --help | head -1`: the reader closes the pipe early; adapt stops quietly. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliBin } from './helpers.js';

function helpIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstLine = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').once('data', (chunk: string) => {
      firstLine = chunk.split('\n')[0];
      child.stdout.destroy();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr, firstLine }));
  });
}

describe('a pipe closed by its reader', () => {
  for (const args of [['--help'], ['start', '--help'], ['build', '--help']]) {
    it(`adapt ${args.join(' ')} | head -1 exits 0 with nothing on stderr`, async () => {
      const run = await helpIntoClosedPipe(args);
      expect(run.firstLine).toMatch(/^Usage: adapt/);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  }
});
