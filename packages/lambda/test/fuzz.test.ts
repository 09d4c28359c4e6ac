/**
 * Fuzzing the event parser: thousands of mutated copies of the shared AWS sample events (fields
 * deleted, retyped, truncated, filled with CR/LF, NUL, huge or non-ASCII text). The handler must
 * always settle: a well-formed result (integer status, string body, boolean isBase64Encoded) or
 * the documented UnsupportedEventError for what is no longer an HTTP event. Never a crash,
 * never another exception, never an unhandled rejection.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { toLambdaHandler, UnsupportedEventError } from '@adapt/lambda';
import { loadFixtures } from './helpers/fixtures.js';
import { lambdaContext } from './helpers/sources.js';

const events = loadFixtures()
  .filter((f) => f.kind !== 'result')
  .map((f) => f.event);

const handler = toLambdaHandler(async (request) => {
  // touch everything an app may touch
  const body = await request.arrayBuffer();
  const url = new URL(request.url);
  return new Response(JSON.stringify({ path: url.pathname, n: [...request.headers].length, size: body.byteLength }), {
    headers: { 'content-type': 'application/json', 'set-cookie': 'a=1' },
  });
});

const nasty = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '\r\n', 'a\r\nx-injected: 1', '\u0000', '%', '%zz', '/..%2F..', '?#', '🙂', 'ü', '   ', 'GET', 'not base64!', '////'),
  fc.constant('x'.repeat(70_000)),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.constant(null)), { maxKeys: 4 }),
);

type Mutation = { kind: 'set' | 'delete' | 'truncate'; at: number; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'truncate'),
  at: fc.nat(),
  value: nasty,
});

/** Every [parent, key] pair inside a value, depth first. */
function slots(root: any): Array<[any, string]> {
  const out: Array<[any, string]> = [];
  const walk = (node: any) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      out.push([node, key]);
      walk(node[key]);
    }
  };
  walk(root);
  return out;
}

function mutate(event: any, mutations: Mutation[]): any {
  const copy = structuredClone(event);
  for (const m of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [parent, key] = all[m.at % all.length];
    if (m.kind === 'delete') delete parent[key];
    else if (m.kind === 'truncate' && typeof parent[key] === 'string') parent[key] = parent[key].slice(0, m.at % (parent[key].length + 1));
    else parent[key] = m.value;
  }
  return copy;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.restoreAllMocks();
});

it('thousands of mutated sample events: always a well-formed result or UnsupportedEventError', async () => {
  let results = 0;
  let refused = 0;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...events), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (event, mutations) => {
      const input = mutate(event, mutations);
      try {
        const result = await handler(input, lambdaContext());
        expect(Number.isInteger(result.statusCode) && result.statusCode >= 100 && result.statusCode <= 599).toBe(true);
        expect(typeof result.body).toBe('string');
        expect(typeof result.isBase64Encoded).toBe('boolean');
        expect(JSON.parse(JSON.stringify(result))).toEqual(result); // serializable as Lambda will
        statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
        results++;
      } catch (error) {
        if (!(error instanceof UnsupportedEventError)) throw error;
        refused++;
      }
    }),
    { numRuns: 4000, seed: Number(process.env.FUZZ_SEED ?? 20261130) },
  );
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
  expect(results).toBeGreaterThan(2000);
  expect(statuses.get(200)).toBeGreaterThan(100);
  expect(statuses.get(400)).toBeGreaterThan(100);
  expect(refused).toBeGreaterThan(0);
  expect(
    [...statuses.keys()].every((status) => [200, 400, 405].includes(status)),
    JSON.stringify([...statuses]),
  ).toBe(true);
}, 120_000);
