// In-process Lambda throughput: events per second through each adapter, per event kind, each adapter
// in its own worker thread. Every (adapter, kind) pair is checked before and after timing; a wrong
// answer is reported and not timed. Rounds interleave the adapters (rotating who goes first).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { median, num, percent, ratio, roundOrder, spread, table, times } from '../lib/stats.mjs';
import { kinds } from './events.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const adapterNames = ['adapt', 'hono', 'serverless-http', 'floor'];
export const kindNames = Object.keys(kinds);

function startWorker(name) {
  const worker = new Worker(join(here, 'worker.mjs'), { workerData: { file: join(here, 'adapters', `${name}.mjs`) } });
  let failure;
  worker.on('error', (error) => (failure = error));
  const call = (operation, args = {}) =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const onError = (error) => reject(new Error(`the ${name} adapter failed: ${error?.stack ?? error}`));
      worker.once('error', onError);
      worker.once('message', (value) => {
        worker.off('error', onError);
        resolve(value);
      });
      worker.postMessage({ operation, ...args });
    });
  return { name, worker, call };
}

/** Runs the measure: samples are events/s per adapter and kind. */
export async function measureLambdaThroughput({ rounds, sampleMs, warmup, log }) {
  const adapters = [];
  try {
    for (const name of adapterNames) {
      const adapter = startWorker(name);
      Object.assign(adapter, await adapter.call('info'), { calls: {}, samples: {}, wallSamples: {}, wrong: {} });
      adapters.push(adapter);
    }
    for (const adapter of adapters) {
      for (const kind of kindNames) {
        const problem = await adapter.call('check', { kind });
        if (problem) {
          adapter.wrong[kind] = problem;
          log(`WRONG ${adapter.label} ${kind}: ${problem} (not timed)`);
        } else {
          adapter.samples[kind] = [];
          adapter.wallSamples[kind] = [];
        }
      }
    }
    for (const adapter of adapters) {
      for (const kind of Object.keys(adapter.samples)) {
        await adapter.call('time', { kind, n: warmup });
        const { ms } = await adapter.call('time', { kind, n: 300 });
        adapter.calls[kind] = Math.max(100, Math.round((sampleMs * 300) / ms));
      }
    }
    for (let round = 0; round < rounds; round++) {
      log(`lambda throughput: round ${round + 1}/${rounds}`);
      for (const kind of kindNames) {
        for (const adapter of roundOrder(adapters, round)) {
          if (!adapter.samples[kind]) continue;
          const n = adapter.calls[kind];
          const { ms, cpuMs } = await adapter.call('time', { kind, n });
          // events per second of CPU time (what the adapter costs), and per second of wall time
          adapter.samples[kind].push((n * 1000) / cpuMs);
          adapter.wallSamples[kind].push((n * 1000) / ms);
        }
      }
    }
    for (const adapter of adapters) {
      for (const kind of Object.keys(adapter.samples)) {
        const problem = await adapter.call('check', { kind });
        if (problem) {
          adapter.wrong[kind] = `after timing: ${problem}`;
          delete adapter.samples[kind];
          delete adapter.wallSamples[kind];
          log(`WRONG ${adapter.label} ${kind}: ${adapter.wrong[kind]}`);
        }
      }
    }
    return {
      settings: { rounds, sampleMs, warmup },
      adapters: adapters.map(({ name, label, role, calls, samples, wallSamples, wrong }) => ({ name, label, role, calls, samples, wallSamples, wrong })),
    };
  } finally {
    await Promise.all(adapters.map((adapter) => adapter.worker.terminate()));
  }
}

export function summarizeLambdaThroughput(result) {
  const medianOf = (name, kind) => median(result.adapters.find((adapter) => adapter.name === name)?.samples[kind] ?? []);
  const rows = {};
  for (const adapter of result.adapters) {
    rows[adapter.name] = {};
    for (const kind of kindNames) {
      const samples = adapter.samples[kind];
      const eventsPerSecond = samples ? median(samples) : null;
      rows[adapter.name][kind] = {
        eventsPerSecond,
        wallEventsPerSecond: samples ? median(adapter.wallSamples[kind]) : null,
        spread: samples ? spread(samples) : null,
        vsHono: ratio(eventsPerSecond, medianOf('hono', kind)),
        vsServerlessHttp: ratio(eventsPerSecond, medianOf('serverless-http', kind)),
        ofFloor: ratio(eventsPerSecond, medianOf('floor', kind)),
        wrong: adapter.wrong[kind] ?? null,
      };
    }
  }
  return rows;
}

export function printLambdaThroughput(result, summary) {
  const label = Object.fromEntries(result.adapters.map((adapter) => [adapter.name, adapter.label]));
  const columns = [{ title: 'adapter', align: 'left' }, ...kindNames.map((kind) => ({ title: kind }))];
  const cells = (pick) => Object.entries(summary).map(([name, byKind]) => [label[name], ...kindNames.map((kind) => (byKind[kind].wrong ? 'WRONG' : pick(byKind[kind])))]);
  return [
    `In-process Lambda throughput: events per second of CPU time (events / the process's user+system time while only that adapter ran; higher is better), median of ${result.settings.rounds} interleaved rounds of about ${result.settings.sampleMs} ms per adapter and kind, each adapter in its own worker thread`,
    '',
    table(
      columns,
      cells((row) => `${num(row.eventsPerSecond)} (${percent(row.spread)})`),
    ),
    '',
    'Ratio to hono/aws-lambda in the same run (above 1.00x is faster):',
    '',
    table(
      columns,
      cells((row) => times(row.vsHono)),
    ),
    '',
    'Ratio to serverless-http + express in the same run:',
    '',
    table(
      columns,
      cells((row) => times(row.vsServerlessHttp)),
    ),
    '',
    'Wall-clock events/s of the same samples (what another job on the machine disturbs most):',
    '',
    table(
      columns,
      cells((row) => num(row.wallEventsPerSecond)),
    ),
    ...result.adapters.flatMap((adapter) => Object.entries(adapter.wrong).map(([kind, problem]) => `WRONG ${adapter.label} ${kind}: ${problem}`)),
  ].join('\n');
}
