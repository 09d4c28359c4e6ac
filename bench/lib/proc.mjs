// CPU time of another process, from Linux's /proc/<pid>/stat (proc(5)): utime and stime are the
// 14th and 15th fields, in clock ticks (sysconf(_SC_CLK_TCK), 100 on Linux). The second field, the
// command name, is in parentheses and may itself hold spaces or parentheses, so the fields are
// counted from the last ')'.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** { utime, stime } in clock ticks, from the text of /proc/<pid>/stat. */
export function parseProcStat(text) {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 80))}`);
  // after ") ": field 3 (state) is index 0, so field n is index n - 3
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`no utime/stime in /proc/<pid>/stat: ${JSON.stringify(text.slice(0, 80))}`);
  return { utime, stime };
}

let ticks;
/** Clock ticks per second (getconf CLK_TCK; 100 when getconf is missing). */
export function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** A process's CPU time so far, in microseconds: { user, system }. */
export function processCpu(pid) {
  const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const perTick = 1e6 / clockTicks();
  return { user: utime * perTick, system: stime * perTick };
}

/** CPU microseconds per request between two readings of processCpu(). */
export function cpuPerRequest(before, after, requests) {
  if (!(requests > 0)) return { total: null, user: null };
  const user = after.user - before.user;
  const system = after.system - before.system;
  return { total: (user + system) / requests, user: user / requests };
}
