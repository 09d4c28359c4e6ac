/**
 * The lightweight Headers against the standard class, as an oracle: random inits (arrays, plain
 * objects, other Headers, bad input) and random operations (append, set, delete, get, has,
 * getSetCookie, iteration and forEach, also while changing the object) run on both, and every
 * outcome must be the same: the value, or the error's class and message. Immutable headers are
 * a redirect's (`Response.redirect`) on each side.
 *
 * A fixed seed; ADAPT_DIFF_RUNS=10000 runs more scenarios, ADAPT_DIFF_SEED another seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lightweightResponseClass } from './lightweight-response.js';
import { lightweightHeadersClass } from './lightweight-headers.js';
import { standardClasses } from './standard-classes.js';

const Light = lightweightHeadersClass();
const LightweightResponse = lightweightResponseClass();
const { Headers: Standard, Response: StandardResponse } = standardClasses();
const runs = Number(process.env.ADAPT_DIFF_RUNS ?? 1000);
const seed = Number(process.env.ADAPT_DIFF_SEED ?? 20261202);

const stringify = { toString: () => 'X-Obj' };
const names: unknown[] = ['x-a', 'X-A', 'Accept', 'set-cookie', 'Set-Cookie', 'cookie', 'content-type', 'x-z', 'a b', '', 'é', 'x\u0100', 'x:y', 42, undefined, null, stringify];
const values: unknown[] = ['', 'v', 'w', ' padded ', '\t tabbed\r\n', 'a, b', 'a=1', 'b=2; Path=/', 'x\ny', 'nul\0', 'é', '\u0100', ' \u0100 ', 42, null, undefined, stringify];

type Init = { kind: 'none' } | { kind: 'array' | 'record' | 'light' | 'standard' | 'map'; pairs: Array<[number, number]> } | { kind: 'bad'; which: number } | { kind: 'immutable' };

type Op =
  | { op: 'append' | 'set'; name: number; value: number; args: 0 | 1 | 2 }
  | { op: 'delete' | 'get' | 'has'; name: number; args: 0 | 1 }
  | { op: 'getSetCookie' | 'spread' | 'keys' | 'values' | 'entries' | 'forEach' }
  | { op: 'mutateWhileIterating'; name: number; value: number; how: 'iterator' | 'forEach' }
  | { op: 'foreign'; method: 'get' | 'append' | 'entries' };

const pair = fc.tuple(fc.nat(7), fc.nat(values.length - 1));
const init: fc.Arbitrary<Init> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom('array' as const, 'record' as const, 'light' as const, 'standard' as const, 'map' as const),
      pairs: fc.array(pair, { maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad' as const), which: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'immutable' as const }) },
);
const name = fc.nat(names.length - 1);
const value = fc.nat(values.length - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('append' as const, 'set' as const),
      name,
      value,
      args: fc.constantFrom(0 as const, 1 as const, 2 as const, 2 as const, 2 as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'get' as const, 'has' as const), name, args: fc.constantFrom(0 as const, 1 as const, 1 as const, 1 as const) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constantFrom('getSetCookie' as const, 'spread' as const, 'keys' as const, 'values' as const, 'entries' as const, 'forEach' as const) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('mutateWhileIterating' as const), name, value, how: fc.constantFrom('iterator' as const, 'forEach' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('foreign' as const), method: fc.constantFrom('get' as const, 'append' as const, 'entries' as const) }) },
);

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

function pairsOf(list: Array<[number, number]>): Array<[string, string]> {
  // names from the valid ones only (an invalid one is the 'bad' kind's job), values from all
  return list.map(([n, v]) => [names[n] as string, values[v] as string]);
}

function makeInit(init: Init): unknown {
  switch (init.kind) {
    case 'none':
      return undefined;
    case 'array':
      return pairsOf(init.pairs);
    case 'record': {
      const record: Record<string, unknown> = {};
      for (const [n, v] of pairsOf(init.pairs)) record[n] = v;
      return record;
    }
    case 'light':
    case 'standard': {
      // a Headers of either kind as the init, built from valid pairs of the same list
      const from = new (init.kind === 'light' ? Light : Standard)();
      for (const [n, v] of pairsOf(init.pairs)) {
        try {
          from.append(n, v);
        } catch {
          // invalid values are left out on both sides alike
        }
      }
      return from;
    }
    case 'map':
      return new Map(pairsOf(init.pairs));
    case 'bad':
      return [5, 'text', [['only-name']], [['a', 'b', 'c']], null, { [Symbol('s')]: 'x' }, [['a b', 'c']], { 'x-a': 'bad\nvalue' }][init.which];
    case 'immutable':
      return undefined;
  }
}

function build(init: Init, Class: typeof Headers): { headers: Headers } | { error: string } {
  try {
    if (init.kind === 'immutable') {
      const ResponseClass = Class === Light ? LightweightResponse : StandardResponse;
      return { headers: ResponseClass.redirect('https://example.com/a', 302).headers };
    }
    const given = makeInit(init);
    return { headers: given === undefined ? new Class() : new Class(given as HeadersInit) };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

function apply(headers: Headers, op: Op, Class: typeof Headers): unknown {
  const h = headers as unknown as Record<string, (...args: unknown[]) => unknown>;
  switch (op.op) {
    case 'append':
    case 'set':
      return outcome(() => h[op.op](...[names[op.name], values[op.value]].slice(0, op.args)));
    case 'delete':
    case 'get':
    case 'has':
      return outcome(() => h[op.op](...[names[op.name]].slice(0, op.args)));
    case 'getSetCookie':
      return outcome(() => headers.getSetCookie());
    case 'spread':
      return outcome(() => [...headers]);
    case 'keys':
    case 'values':
    case 'entries':
      return outcome(() => [...(headers[op.op as 'keys']() as Iterable<unknown>)]);
    case 'forEach':
      return outcome(() => {
        const seen: unknown[] = [];
        headers.forEach(function (this: unknown, v, n, parent) {
          seen.push([n, v, parent === headers, this]);
        }, 'this-arg');
        return seen;
      });
    case 'mutateWhileIterating':
      return outcome(() => {
        const seen: unknown[] = [];
        const change = () => headers.append(names[op.name] as string, values[op.value] as string);
        if (op.how === 'iterator') {
          const iterator = headers.entries();
          seen.push(iterator.next());
          seen.push(outcome(change));
          for (let step = iterator.next(); !step.done; step = iterator.next()) seen.push(step.value);
        } else {
          let first = true;
          headers.forEach((v, n) => {
            seen.push([n, v]);
            if (first) seen.push(outcome(change));
            first = false;
          });
        }
        return seen;
      });
    case 'foreign':
      return outcome(() => (Class.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[op.method].call({}, 'x-a', 'v'));
  }
}

describe('lightweight Headers against the standard class', () => {
  it('gives the same outcome for random inits and operations', () => {
    fc.assert(
      fc.property(init, fc.array(op, { maxLength: 10 }), (given, ops) => {
        const light = build(given, Light);
        const standard = build(given, Standard);
        expect('error' in light ? light : 'headers').toEqual('error' in standard ? standard : 'headers');
        if (!('headers' in light) || !('headers' in standard)) return;
        const a = ops.map((o) => apply(light.headers, o, Light));
        const b = ops.map((o) => apply(standard.headers, o, Standard));
        expect(a).toEqual(b);
        expect([...light.headers]).toEqual([...standard.headers]);
      }),
      { numRuns: runs, seed },
    );
  });

  it('is the global Headers class in shape: name, lengths, tags, iterator, members', () => {
    expect(Light.name).toBe(Standard.name);
    expect(Light.length).toBe(Standard.length);
    for (const member of Object.getOwnPropertyNames(Standard.prototype)) {
      const mine = Object.getOwnPropertyDescriptor(Light.prototype, member);
      const theirs = Object.getOwnPropertyDescriptor(Standard.prototype, member)!;
      expect(mine, member).toBeDefined();
      expect([member, mine!.enumerable, typeof mine!.value, (mine!.value as { length?: number })?.length]).toEqual([
        member,
        theirs.enumerable,
        typeof theirs.value,
        (theirs.value as { length?: number })?.length,
      ]);
    }
    expect(Light.prototype[Symbol.iterator]).toBe(Light.prototype.entries);
    expect(Object.prototype.toString.call(new Light())).toBe(Object.prototype.toString.call(new Standard()));
    expect(Object.prototype.toString.call(new Light().keys())).toBe(Object.prototype.toString.call(new Standard().keys()));
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(new Light().keys()))).toEqual(Object.getOwnPropertyNames(Object.getPrototypeOf(new Standard().keys())));
    expect(outcome(() => (Light as unknown as () => unknown)())).toMatchObject({ error: expect.stringMatching(/^TypeError/) });
  });

  it('instanceof holds both ways, and subclasses keep their own', () => {
    expect(new Light()).toBeInstanceOf(Light);
    expect(new Standard()).toBeInstanceOf(Light);
    expect(new Light()).toBeInstanceOf(Standard);
    class Mine extends Light {}
    const mine = new Mine([['a', '1']]);
    expect(mine).toBeInstanceOf(Mine);
    expect(mine).toBeInstanceOf(Light);
    expect(new Light()).not.toBeInstanceOf(Mine);
    expect(mine.get('a')).toBe('1');
  });

  it('mixes with the standard classes: each takes the other as an init', async () => {
    const light = new Light([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-a', 'v'],
    ]);
    expect([...new Standard(light)]).toEqual([...light]);
    expect(new StandardResponse('x', { headers: light }).headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const standard = new Standard([
      ['x-b', 'w'],
      ['set-cookie', 'c=3'],
    ]);
    expect([...new Light(standard)]).toEqual([...standard]);
    const response = new LightweightResponse('x', { headers: standard });
    expect(response.headers.getSetCookie()).toEqual(['c=3']);
    expect(await response.text()).toBe('x');
  });
});
