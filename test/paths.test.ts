/**
 * The repository stands alone: no tracked file names a path of the machine it was written on
 * (a home folder, a work folder) or a folder above the repository. Fixtures are copied in, with a
 * SOURCES.md; tools are installed into a cache folder inside the clone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const self = 'test/paths.test.ts';
// package-lock.json lists registry URLs and package names only, never a file of ours
const skipped = new Set(['package-lock.json', self]);

/** Absolute paths of a machine: the kind that works only where it was written. */
const machinePaths: Array<[string, RegExp]> = [
  // built from the folder names, so that this file does not name the paths it looks for
  ...['work', 'root'].map((name): [string, RegExp] => [`/${name}/`, new RegExp(`(?<![\\w.-])/${name}/`)]),
  [`/${'home'}/<user>/`, new RegExp(`(?<![\\w.-])/${'home'}/[\\w.-]+/`)],
  ['/Users/', /(?<![\w.-])\/Users\//],
  ['C:\\Users', /\b[A-Za-z]:\\{1,2}Users\b/i],
  ['../shared', /\.\.\/shared\b/],
];

/** Runs of `../` that start a relative path (not the dot segments inside a URL under test). */
const climb = /(?<![\w./%-])((?:\.\.\/)+)/g;

interface PathFinding {
  line: number;
  what: string;
  text: string;
}

/** What `text`, the content of tracked file `file` (a posix path from the root), names outside the repository. */
function outsidePaths(file: string, text: string): PathFinding[] {
  const depth = posix.dirname(file) === '.' ? 0 : posix.dirname(file).split('/').length;
  const findings: PathFinding[] = [];
  text.split('\n').forEach((content, index) => {
    for (const [what, pattern] of machinePaths) {
      if (pattern.test(content)) findings.push({ line: index + 1, what, text: content.trim() });
    }
    for (const match of content.matchAll(climb)) {
      const ups = match[1].length / 3;
      if (ups > depth) findings.push({ line: index + 1, what: `${ups} folders up from a file ${depth} deep`, text: content.trim() });
    }
  });
  return findings;
}

/** `/<folder>/<rest>`, written so that this file does not name a machine path itself. */
const at = (folder: string, rest: string) => `/${folder}/${rest}`;

describe('paths in tracked files', () => {
  it('finds each kind of outside path, and not the dot segments of a URL', () => {
    expect(outsidePaths('README.md', `see ${at('work', 'main/bench')} and ${at('home', 'ada/x')}`).map((f) => f.what)).toEqual([at('work', ''), `${at('home', '')}<user>/`]);
    expect(outsidePaths('a/b.ts', `new URL('${['..', '..', 'shared', 'x'].join('/')}', import.meta.url)`).map((f) => f.what)).toEqual([
      '../shared',
      '2 folders up from a file 1 deep',
    ]);
    expect(outsidePaths('a/b/c.ts', "import x from '../../core/src/x.js'")).toEqual([]);
    expect(outsidePaths('a/b.ts', "request('/files/../../etc/passwd'); const p = 'C:\\\\Users\\\\ada'")).toHaveLength(1);
    expect(outsidePaths('x.md', `cd /Users/ada && ls ${at('root', '.cache')}`)).toHaveLength(2);
  });

  it('no tracked file names a machine path or a folder above the repository', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && !skipped.has(file));
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, file), 'utf8');
      } catch {
        continue; // deleted in the working tree, not yet committed
      }
      if (text.includes('\0')) continue; // binary
      for (const finding of outsidePaths(file, text)) found.push(`${file}:${finding.line}: ${finding.what}: ${finding.text.slice(0, 160)}`);
    }
    expect(found, 'write a path relative to the repository, or copy the file in (with a SOURCES.md note)').toEqual([]);
  });
});
