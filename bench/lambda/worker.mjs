// One Lambda adapter in its own worker thread (its own heap and JIT state, so one adapter's garbage
// never lands in another's samples). The main thread asks it to check an event kind or to time n
// sequential events, one request at a time, so only one worker runs at any moment.
import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { app, binaryBase64, cookie } from './app.mjs';
import { kinds, lambdaContext } from './events.mjs';

const adapter = await import(pathToFileURL(workerData.file).href);
const handler = await adapter.makeHandler(app);
const context = lambdaContext();

function headerValues(result, name) {
  const values = [];
  for (const key in result.headers ?? {}) if (key.toLowerCase() === name) values.push(result.headers[key]);
  for (const key in result.multiValueHeaders ?? {}) if (key.toLowerCase() === name) values.push(...result.multiValueHeaders[key]);
  return values;
}

/** null when the result is the right answer, else what is wrong with it. */
export function problemWith(kind, result) {
  if (result?.statusCode !== 200) return `status ${result?.statusCode}`;
  if (!headerValues(result, 'x-bench').includes('yes')) return 'no x-bench header';
  if (![...(result.cookies ?? []), ...headerValues(result, 'set-cookie')].includes(cookie)) return 'no Set-Cookie';
  const { expect } = kinds[kind];
  if (expect === 'binary') {
    if (result.isBase64Encoded !== true) return 'binary body not base64-encoded';
    return result.body === binaryBase64 ? null : `binary body differs (${result.body?.length} base64 characters)`;
  }
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return `body is not JSON: ${String(text).slice(0, 60)}`;
  }
  return isDeepStrictEqual(body, expect) ? null : `body ${JSON.stringify(body)}`;
}

const operations = {
  info: () => ({ label: adapter.label, role: adapter.role }),
  async check({ kind }) {
    try {
      return problemWith(kind, await handler(structuredClone(kinds[kind].event), context));
    } catch (error) {
      return `threw ${error?.message ?? error}`;
    }
  },
  /** Wall and CPU milliseconds for n events in a row. One event object is reused, as a warm function sees the
   *  same shape again; the check after timing catches an adapter that breaks it by mutating it. */
  async time({ kind, n }) {
    const event = structuredClone(kinds[kind].event);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await handler(event, context);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // process-wide CPU time: the main thread waits and no other worker runs meanwhile, so this is
    // the adapter's work (its GC threads included) without the time other jobs took from it
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  },
};

parentPort.on('message', async ({ operation, ...args }) => parentPort.postMessage(await operations[operation](args)));
