// The bench's pure parts: /proc parsing, CPU per request, wrk's report, callgrind's report, medians, ratios, rotation.
// (The bench itself never runs in the test suite: speed is measured, not asserted.)
import { describe, expect, it } from 'vitest';
import { parseAnnotate } from '../node-server/instructions.mjs';
import { parseWrk } from '../node-server/measure.mjs';
import { cpuPerRequest, parseProcStat } from './proc.mjs';
import { median, ratio, roundOrder, spread, table } from './stats.mjs';

describe('parseProcStat', () => {
  it('reads utime and stime (fields 14 and 15), counting past a command name with spaces and parentheses', () => {
    const line = '4242 (node (worker) 1) S 1 4242 4242 0 -1 4194560 1800 0 3 0 250 75 0 0 20 0 11 0 1234 987654321 12000 18446744073709551615\n';
    expect(parseProcStat(line)).toEqual({ utime: 250, stime: 75 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('no parenthesis here')).toThrow(/not a \/proc\/<pid>\/stat line/);
    expect(() => parseProcStat('1 (x) S 1')).toThrow(/no utime\/stime/);
  });
});

describe('cpuPerRequest', () => {
  it('divides the user and system time spent by the requests completed', () => {
    expect(cpuPerRequest({ user: 1_000, system: 500 }, { user: 41_000, system: 20_500 }, 1000)).toEqual({ total: 60, user: 40 });
  });

  it('gives no figure for a run that completed nothing', () => {
    expect(cpuPerRequest({ user: 0, system: 0 }, { user: 10, system: 10 }, 0)).toEqual({ total: null, user: null });
  });
});

describe('parseWrk', () => {
  const report = [
    'Running 2s test @ http://127.0.0.1:40123/',
    '  1 threads and 32 connections',
    '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
    '    Latency     1.02ms  310.11us   9.80ms   91.20%',
    '    Req/Sec    31.52k     1.20k   33.10k    80.00%',
    '  62731 requests in 2.00s, 5.74MB read',
    'Requests/sec:  31362.87',
    'Transfer/sec:      2.87MB',
  ].join('\n');

  it('reads the completed requests and the rate', () => {
    expect(parseWrk(report)).toEqual({ requests: 62731, rps: 31362.87, errors: false });
  });

  it('notices socket errors and non-2xx answers', () => {
    expect(parseWrk(`${report}\n  Socket errors: connect 0, read 3, write 0, timeout 0`).errors).toBe(true);
    expect(parseWrk(`${report}\n  Non-2xx or 3xx responses: 12`).errors).toBe(true);
  });

  it('refuses output that is not a wrk report', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1')).toThrow(/could not read wrk's report/);
  });
});

describe('parseAnnotate', () => {
  it('divides the program total by the requests, and leaves the optimizing compiler out of the second figure', () => {
    const report = [
      '--------------------------------------------------------------------------------',
      '3,000,000 (100.0%)  PROGRAM TOTALS',
      '--------------------------------------------------------------------------------',
      '  900,000 (30.00%)  ???:v8::internal::compiler::GraphReducer::ReduceTop() [/usr/bin/node]',
      '  300,000 (10.00%)  ???:v8::internal::maglev::MaglevGraphBuilder::Build() [/usr/bin/node]',
      '  600,000 (20.00%)  ???:Builtins_LoadIC [/usr/bin/node]',
      '  400,000 (13.33%)  ???:0x000000000d0bd040 [???]',
    ].join('\n');
    expect(parseAnnotate(report, 1000)).toEqual({ total: 3000, outsideCompiler: 1800 });
  });
});

describe('stats', () => {
  it('takes the median of odd and even counts, ignoring missing values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 7, Number.NaN])).toBe(7);
    expect(median([])).toBeNull();
  });

  it('gives the spread as (max - min) / median', () => {
    expect(spread([8, 10, 12])).toBeCloseTo(0.4);
    expect(spread([])).toBeNull();
  });

  it('turns rates and costs into "times better" ratios', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(50, 40, 'lower')).toBeCloseTo(0.8);
    expect(ratio(null, 40)).toBeNull();
    expect(ratio(10, 0)).toBeNull();
  });

  it('rotates who goes first each round', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(['a', 'b', 'c'], round).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });

  it('prints a Markdown table', () => {
    expect(table([{ title: 'name', align: 'left' }, { title: 'n' }], [['a', '1']])).toBe('| name | n |\n|---|---:|\n| a | 1 |');
  });
});
