/**
 * The lightweight Request against the standard class, as an oracle: random requests (methods, raw
 * paths, repeated and empty headers, text, binary, JSON, form and multipart bodies, given as
 * bytes or as a stream) are built both as undici's `Request` and as adapt's lazy one, the same
 * random operations are applied to both, and every observable outcome must be the same (values,
 * the kind of error thrown, whether it was thrown or a rejected promise).
 *
 * A fixed seed; ADAPT_DIFF_RUNS=10000 runs more scenarios, ADAPT_DIFF_SEED another seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLightweightRequest, headersFromFlatList, lightweightRequestClass, standardRequestClass } from './lightweight-request.js';

const Lightweight = lightweightRequestClass();
const Standard = standardRequestClass();
const runs = Number(process.env.ADAPT_DIFF_RUNS ?? 500);
const seed = Number(process.env.ADAPT_DIFF_SEED ?? 20261201);
const encoder = new TextEncoder();
const hasBytes = typeof (Standard.prototype as { bytes?: unknown }).bytes === 'function';

// ---- random requests ----

const boundary = 'adapt-diff-boundary';
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', 'post', 'put', 'patch', 'delete', 'Report', 'PROPFIND'];
const pathPieces = [
  'a',
  'b',
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%20',
  ' ',
  '%zz',
  '%',
  'é',
  '~',
  ';x',
  '@',
  "'",
  '"',
  '<',
  '`',
  '{',
  '|',
  '\\',
  '?',
  '&',
  '=',
  'q=1',
  '#',
  '%3F',
];
const headerNames = ['X-A', 'x-a', 'Accept', 'content-type', 'Content-Type', 'set-cookie', 'Set-Cookie', 'x-empty', 'X-Order-Z', 'x-order-a', 'cookie'];
const headerValues = [
  '',
  'v',
  'w',
  ' padded ',
  'a, b',
  'a=1',
  'b=2; Path=/',
  'text/plain',
  'application/json',
  'application/x-www-form-urlencoded',
  `multipart/form-data; boundary=${boundary}`,
  'ü',
];

type BodyKind = 'none' | 'text' | 'binary' | 'json' | 'badjson' | 'form' | 'multipart';

interface Scenario {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  bodyKind: BodyKind;
  text: string;
  binary: number[];
  asStream: boolean;
  withBytes: boolean;
  cuts: number[];
  ops: Op[];
}

type Op =
  | { op: 'read'; how: 'text' | 'json' | 'arrayBuffer' | 'bytes' | 'blob' | 'formData'; target: number }
  | { op: 'props'; target: number }
  | { op: 'headers'; how: 'set' | 'append' | 'delete'; name: string; value: string; target: number }
  | { op: 'clone'; target: number }
  | { op: 'copy'; init: 'none' | 'method' | 'body' | 'headers'; target: number }
  | { op: 'asInit'; target: number }
  | { op: 'identity'; target: number }
  | { op: 'protoRead'; target: number };

const reads = ['text', 'json', 'arrayBuffer', 'blob', 'formData', ...(hasBytes ? ['bytes'] : [])] as Array<Extract<Op, { op: 'read' }>['how']>;
const target = fc.nat(4);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('read' as const), how: fc.constantFrom(...reads), target }),
  fc.record({ op: fc.constant('props' as const), target }),
  fc.record({
    op: fc.constant('headers' as const),
    how: fc.constantFrom('set' as const, 'append' as const, 'delete' as const),
    name: fc.constantFrom(...headerNames),
    value: fc.constantFrom(...headerValues),
    target,
  }),
  fc.record({ op: fc.constant('clone' as const), target }),
  fc.record({ op: fc.constant('copy' as const), init: fc.constantFrom('none' as const, 'method' as const, 'body' as const, 'headers' as const), target }),
  fc.record({ op: fc.constant('asInit' as const), target }),
  fc.record({ op: fc.constant('identity' as const), target }),
  fc.record({ op: fc.constant('protoRead' as const), target }),
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  method: fc.constantFrom(...methods),
  path: fc.array(fc.constantFrom(...pathPieces), { maxLength: 8 }).map((pieces) => '/' + pieces.join('')),
  headers: fc.array(fc.tuple(fc.constantFrom(...headerNames), fc.constantFrom(...headerValues)), { maxLength: 8 }),
  bodyKind: fc.constantFrom<BodyKind>('none', 'text', 'binary', 'json', 'badjson', 'form', 'multipart'),
  text: fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'z', ' ', '&', '=', '+', '%', 'é', '€', '😀', '\n', '"', '\uFEFF') }),
  binary: fc.array(fc.nat(255), { maxLength: 64 }),
  asStream: fc.boolean(),
  withBytes: fc.boolean(),
  cuts: fc.array(fc.nat(200), { maxLength: 3 }),
  ops: fc.array(op, { minLength: 1, maxLength: 7 }),
});

/** The body bytes and the content-type header a client would send with them. */
function bodyOf(s: Scenario): { bytes: Uint8Array; type?: string } | null {
  switch (s.bodyKind) {
    case 'none':
      return null;
    case 'text':
      return { bytes: encoder.encode(s.text), type: 'text/plain;charset=UTF-8' };
    case 'binary':
      return { bytes: Uint8Array.from(s.binary), type: 'application/octet-stream' };
    case 'json':
      return { bytes: encoder.encode(JSON.stringify({ text: s.text, list: s.binary.slice(0, 4) })), type: 'application/json' };
    case 'badjson':
      return { bytes: encoder.encode(`{"text": ${s.text}`), type: 'application/json' };
    case 'form':
      return {
        bytes: encoder.encode(
          new URLSearchParams([
            ['t', s.text],
            ['n', String(s.binary.length)],
            ['t', 'again'],
          ]).toString(),
        ),
        type: 'application/x-www-form-urlencoded',
      };
    case 'multipart': {
      const text = `--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\n${s.text}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      const bytes = new Uint8Array([...encoder.encode(text), ...s.binary, ...encoder.encode(tail)]);
      return { bytes, type: `multipart/form-data; boundary=${boundary}` };
    }
  }
}

function streamOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.slice(from, point));
    from = Math.max(from, point);
  }
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

function build(s: Scenario): { standard: Request; lazy: Request } {
  const url = 'http://example.test' + s.path;
  const body = bodyOf(s);
  const headers: Array<[string, string]> = body?.type ? [['content-type', body.type], ...s.headers] : [...s.headers];
  const upper = s.method.toUpperCase();
  const carriesBody = body !== null && upper !== 'GET' && upper !== 'HEAD';
  const standard = new Standard(url, {
    method: s.method,
    headers,
    ...(carriesBody ? { body: s.asStream ? streamOf(body.bytes, s.cuts) : body.bytes.slice(), duplex: 'half' } : {}),
  } as RequestInit);
  const lazy = createLightweightRequest({
    method: s.method,
    url,
    headers: () => headersFromFlatList(headers.flat()),
    body: body && {
      // the same chunks as the standard one gets (how far a pipe has gone shows in body.locked)
      stream: () => streamOf(body.bytes, s.asStream ? s.cuts : []),
      bytes: s.withBytes ? async () => body.bytes.slice() : undefined,
    },
  });
  return { standard, lazy };
}

// ---- operations and what they show ----

const properties = [
  'method',
  'url',
  'destination',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'integrity',
  'keepalive',
  'isReloadNavigation',
  'isHistoryNavigation',
  'bodyUsed',
  'duplex',
] as const;

function errorOf(error: unknown): string {
  return error instanceof Error ? `throws ${error.name}` : `throws ${typeof error}`;
}

/** Runs `action`, giving what it returned or threw (a thrown error apart from a rejected promise). */
async function outcome(action: () => unknown, show: (value: any) => unknown | Promise<unknown> = (value) => value): Promise<unknown> {
  let result: unknown;
  try {
    result = action();
  } catch (error) {
    return errorOf(error);
  }
  if (result instanceof Promise) {
    try {
      return { resolved: await show(await result) };
    } catch (error) {
      return { rejected: errorOf(error) };
    }
  }
  try {
    return await show(result);
  } catch (error) {
    return `show ${errorOf(error)}`;
  }
}

function headersShown(headers: Headers): unknown {
  return { entries: [...headers], cookies: headers.getSetCookie() };
}

async function shown(how: Extract<Op, { op: 'read' }>['how'], value: any): Promise<unknown> {
  switch (how) {
    case 'text':
    case 'json':
      return value === undefined ? 'undefined' : JSON.stringify(value);
    case 'arrayBuffer':
      return { type: value.constructor.name, bytes: [...new Uint8Array(value)] };
    case 'bytes':
      return { type: value.constructor.name, own: value.byteOffset === 0 && value.buffer.byteLength === value.byteLength, bytes: [...value] };
    case 'blob':
      return { type: value.type, bytes: [...new Uint8Array(await value.arrayBuffer())] };
    case 'formData': {
      const entries: unknown[] = [];
      for (const [name, entry] of value as FormData) {
        entries.push(typeof entry === 'string' ? [name, entry] : [name, entry.name, entry.type, [...new Uint8Array(await entry.arrayBuffer())]]);
      }
      return entries;
    }
  }
}

function membersForIn(request: Request): string[] {
  const names: string[] = [];
  for (const name in request) names.push(name);
  return names;
}

/** Applies `op` to one side's requests (`RequestClass` is that side's `Request`); clones and copies join the list. */
async function apply(op: Op, requests: Request[], RequestClass: typeof Request): Promise<unknown> {
  const request = requests[op.target % requests.length];
  switch (op.op) {
    case 'read':
      return outcome(
        () => (request as any)[op.how](),
        (value) => shown(op.how, value),
      );
    case 'props': {
      const seen: Record<string, unknown> = {};
      for (const name of properties) seen[name] = await outcome(() => (request as unknown as Record<string, unknown>)[name]);
      seen.body = await outcome(
        () => request.body,
        (body) => (body === null ? null : { stream: body instanceof ReadableStream, locked: body.locked }),
      );
      seen.headers = await outcome(() => request.headers, headersShown);
      seen.signal = await outcome(
        () => request.signal,
        (signal) => [signal instanceof AbortSignal, signal.aborted],
      );
      return seen;
    }
    case 'headers':
      return outcome(
        () => (op.how === 'delete' ? request.headers.delete(op.name) : request.headers[op.how](op.name, op.value)),
        () => request.headers.get(op.name),
      );
    case 'clone':
      return outcome(
        () => request.clone(),
        (copy: Request) => {
          requests.push(copy);
          return [copy.method, copy.url, copy.bodyUsed, copy.body === null];
        },
      );
    case 'copy': {
      const init: RequestInit | undefined =
        op.init === 'method' ? { method: 'PUT' } : op.init === 'body' ? { method: 'POST', body: 'new' } : op.init === 'headers' ? { headers: { 'x-new': '1' } } : undefined;
      return outcome(
        () => new RequestClass(request, init),
        (copy: Request) => {
          requests.push(copy);
          return [copy.method, copy.url, copy.bodyUsed, copy.body === null, headersShown(copy.headers), request.bodyUsed];
        },
      );
    }
    case 'asInit':
      return outcome(
        () => new RequestClass('http://other.test/x', request as unknown as RequestInit),
        (copy: Request) => [copy.method, copy.url, copy.body === null, headersShown(copy.headers)],
      );
    case 'identity':
      return {
        constructor: request.constructor === RequestClass,
        prototype: Object.getPrototypeOf(request) === RequestClass.prototype,
        instance: request instanceof RequestClass,
        tag: Object.prototype.toString.call(request),
        name: request.constructor.name,
        members: membersForIn(request),
      };
    case 'protoRead':
      return outcome(() => RequestClass.prototype.text.call(request), JSON.stringify);
  }
}

async function run(s: Scenario): Promise<{ standard: unknown[]; lazy: unknown[] }> {
  const { standard, lazy } = build(s);
  const standardList = [standard];
  const lazyList = [lazy];
  const seen = { standard: [] as unknown[], lazy: [] as unknown[] };
  for (const step of s.ops) {
    seen.standard.push(await apply(step, standardList, Standard));
    seen.lazy.push(await apply(step, lazyList, Lightweight));
  }
  return seen;
}

describe('the lightweight Request against the standard class', () => {
  it(`behaves the same in ${runs} random scenarios (seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { standard, lazy } = await run(s);
        expect(lazy).toEqual(standard);
      }),
      { seed, numRuns: runs },
    );
  }, 600_000);
});
