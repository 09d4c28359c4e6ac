/**
 * A vitest reporter that turns every conformance suite of a run into one table: a row per case of
 * the battery, a column per runner (target, server and mode), each cell passed, failed or skipped
 * (with the reason). "Same app, same cases, identical answers everywhere": this is where that is
 * shown. It writes `node_modules/.cache/adapt/conformance/node<major>.md` (and `.json`) at the end
 * of any run that ran a conformance suite, and prints the path; the other tests are left alone.
 * `test/conformance/TABLE.md` is a copy from a full run (`npm test`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestModule } from 'vitest/node';

const suitePrefix = 'conformance: ';
const skippedSuffix = /^(.*) \(skipped: (.*)\)$/;

type Cell = { state: 'passed' } | { state: 'failed' } | { state: 'skipped'; reason: string };

export interface ConformanceTable {
  node: string;
  /** Runner name → the file that registered it. */
  runners: Record<string, string>;
  /** Case name → runner name → cell. */
  cells: Record<string, Record<string, Cell>>;
}

export class ConformanceTableReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const table = collect(testModules);
    if (Object.keys(table.runners).length === 0) return;
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const base = join(root, 'node_modules/.cache/adapt/conformance', `node${process.versions.node.split('.')[0]}`);
    mkdirSync(dirname(base), { recursive: true });
    writeFileSync(`${base}.json`, `${JSON.stringify(table, null, 2)}\n`);
    writeFileSync(`${base}.md`, renderTable(table));
    console.log(`conformance table (${Object.keys(table.runners).length} runners): ${base}.md`);
  }
}

export function collect(testModules: ReadonlyArray<TestModule>): ConformanceTable {
  const table: ConformanceTable = { node: process.version, runners: {}, cells: {} };
  for (const testModule of testModules) {
    for (const test of testModule.children.allTests()) {
      const suite = test.parent;
      if (suite.type !== 'suite' || !suite.name.startsWith(suitePrefix)) continue;
      const runner = suite.name.slice(suitePrefix.length);
      table.runners[runner] = testModule.relativeModuleId;
      const result = test.result();
      const skipped = skippedSuffix.exec(test.name);
      const caseName = skipped ? skipped[1] : test.name;
      const cell: Cell | undefined =
        result.state === 'passed'
          ? { state: 'passed' }
          : result.state === 'failed'
            ? { state: 'failed' }
            : result.state === 'skipped'
              ? { state: 'skipped', reason: skipped ? skipped[2] : 'the suite was skipped (a component it needs is missing)' }
              : undefined;
      if (cell === undefined) continue;
      table.cells[caseName] ??= {};
      table.cells[caseName][runner] = cell;
    }
  }
  return table;
}

export function renderTable(table: ConformanceTable): string {
  const runners = Object.keys(table.runners).sort();
  const caseNames = Object.keys(table.cells);
  const reasons: string[] = [];
  const footnote = (reason: string) => {
    let index = reasons.indexOf(reason);
    if (index === -1) index = reasons.push(reason) - 1;
    return `skip[^${index + 1}]`;
  };
  const count = (runner: string, state: Cell['state']) => caseNames.filter((name) => table.cells[name][runner]?.state === state).length;
  const lines = [
    `# Conformance: every case of the battery through every runner`,
    '',
    `One run of the test suite on Node ${table.node}. Each runner delivers the same cases through a target's real entry (a real server, a real event shape, a real front server) and checks the exact answer.`,
    '',
    '| runner | file | passed | failed | skipped |',
    '|---|---|---:|---:|---:|',
    ...runners.map(
      (runner, index) => `| R${index + 1} ${runner} | ${table.runners[runner]} | ${count(runner, 'passed')} | ${count(runner, 'failed')} | ${count(runner, 'skipped')} |`,
    ),
    '',
    `| case | ${runners.map((_, index) => `R${index + 1}`).join(' | ')} |`,
    `|---|${runners.map(() => ':-:').join('|')}|`,
  ];
  for (const name of caseNames) {
    const cells = runners.map((runner) => {
      const cell = table.cells[name][runner];
      if (cell === undefined) return '';
      return cell.state === 'passed' ? 'pass' : cell.state === 'failed' ? '**FAIL**' : footnote(cell.reason);
    });
    lines.push(`| ${name.replaceAll('|', '\\|')} | ${cells.join(' | ')} |`);
  }
  lines.push('', "An empty cell: the case is not part of that runner's battery (a framework battery has its own cases).", '');
  for (const [index, reason] of reasons.entries()) lines.push(`[^${index + 1}]: ${reason.replaceAll('|', '\\|')}`);
  return `${lines.join('\n')}\n`;
}
